/**
 * `npm run bench`: the project's performance figures as JSON (median, min and max of several runs
 * each, and for `up` and `reset` the same per phase). Runs against the real Docker engine with
 * emulated images, in its own SECLAB_HOME, on loopback only. `npm run bench -- pki lab` runs a
 * subset; BENCH_RUNS sets the number of runs (default 5); BENCH_TRACE=1 prints every event of
 * every up and reset to stderr with its offset from the start of the command.
 * BENCH_IMAGES=official runs the lab figures on Elastic's images (README: "Benchmarks").
 * `npm run bench -- status` times the checks and a cold `seclab status` on a lab that is already up
 * (BENCH_LAB names it, BENCH_HOME its SECLAB_HOME), without bringing one up.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseLabSpec, DEFAULT_STACK_VERSION } from '../common/lab-spec.ts';
import type { LabEvent } from '../common/lab-events.ts';
import { allOf, createPhaseRecorder, type PhaseTiming } from '../common/phase-timings.ts';
import { defaultEnvironment } from '../main/core/environment.ts';
import { issueLabCertificates } from '../main/core/pki/lab-pki.ts';
import { certificateRequestsFor } from '../main/core/planner/certificate-requests.ts';
import { buildEmulatorImages } from '../main/core/emulator-images/build-emulator-images.ts';
import { upLab, type LabContext } from '../main/core/orchestrator/up-lab.ts';
import { downLab } from '../main/core/orchestrator/down-lab.ts';
import { resetLab } from '../main/core/orchestrator/reset-lab.ts';
import { verifyLab } from '../main/core/verification/verify-lab.ts';
import { currentCliBundle } from '../bin/cli-bundle.mjs';
import { exportLab } from '../main/core/export/export-lab.ts';
import { composeCommand } from '../integration/compose-recipe/support/compose-project.ts';
import { containerCpuNs, cpuBreakdownSince, type CpuBreakdown } from './cpu-breakdown.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const IMAGES = process.env.BENCH_IMAGES === 'official' ? 'official' : 'emulated';
const TRACE = process.env.BENCH_TRACE === '1';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function timed(work: () => Promise<unknown> | unknown): Promise<number> {
  const started = performance.now();
  await work();
  return Math.round(performance.now() - started);
}

/** Median, min and max: how every figure, phase and CPU part is summarised over the runs. */
function spread(values: number[]) {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

function figures(samples: number[]) {
  return { runs: samples.length, ...spread(samples), samples };
}

function summary(name: string, unit: string, samples: number[], extra: Record<string, unknown> = {}) {
  return { name, unit, ...figures(samples), ...extra };
}

/**
 * Per phase, over the runs: its duration and its start as an offset from the command's start
 * (phases overlap with preparation done in the background, so starts say more than a sum).
 */
function phaseBreakdown(runs: Array<{ startedAt: number; phases: PhaseTiming[] }>) {
  const byPhase = new Map<string, { durations: number[]; offsets: number[] }>();
  for (const run of runs) {
    for (const timing of run.phases) {
      if (timing.outcome === 'skipped') continue;
      const entry = byPhase.get(timing.phase) ?? { durations: [], offsets: [] };
      entry.durations.push(timing.durationMs);
      entry.offsets.push(Date.parse(timing.start) - run.startedAt);
      byPhase.set(timing.phase, entry);
    }
  }
  return [...byPhase].map(([phase, { durations, offsets }]) => ({
    phase,
    durationMs: spread(durations),
    startOffsetMs: spread(offsets),
  }));
}

/**
 * CPU time the whole machine has spent (every process, the engine's and the lab's included, and the
 * kernel: /proc/stat's user, nice, system, irq and softirq, in USER_HZ ticks of 10 ms), in ms; undefined
 * without /proc. Beside the wall time it says how close to saturated the cores were.
 */
function machineCpuMs(): number | undefined {
  try {
    const [user, nice, system, , , irq, softirq] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return (user + nice + system + irq + softirq) * 10;
  } catch {
    return undefined;
  }
}

/** The machine's CPU time during each run, beside its wall time: with `cpus` cores, at most cpus × wall. */
function machineCpu(samples: number[]) {
  return samples.length ? { machineCpuMs: figures(samples) } : {};
}

/** Per part, over the runs: median, min and max of each (cpu-breakdown.ts says what the parts are). */
function cpuBreakdowns(samples: CpuBreakdown[]) {
  if (!samples.length) return {};
  const part = (key: keyof CpuBreakdown) => spread(samples.map((sample) => sample[key]));
  return { cpuBreakdownMs: { containers: part('containersMs'), seclabProcess: part('seclabProcessMs'), engineAndRest: part('engineAndRestMs') } };
}

/** A command on `lab` run with its phases recorded (and, with BENCH_TRACE=1, every event printed). */
async function withPhases(label: string, lab: string, work: (context: LabContext) => Promise<unknown>) {
  const recorder = createPhaseRecorder();
  const containersBefore = await containerCpuNs(engine, lab);
  const startedAt = Date.now();
  const lastImageStatus = new Map<string, string>();
  const trace = TRACE
    ? (event: LabEvent) => {
        // Image progress repeats its status once per build step: only a change is worth a line.
        if (event.type === 'image-progress' && lastImageStatus.get(event.image) === event.status) return;
        if (event.type === 'image-progress') lastImageStatus.set(event.image, event.status);
        log(`${label} +${String(Date.now() - startedAt).padStart(6)} ms ${describeEvent(event)}`);
      }
    : undefined;
  const cpuBefore = machineCpuMs();
  const processBefore = process.cpuUsage();
  const ms = await timed(() => work({ environment, emit: allOf(recorder.listener, trace) }));
  const processAfter = process.cpuUsage();
  const cpuAfter = machineCpuMs();
  const cpuMs = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
  const breakdown = cpuMs === undefined ? undefined : await cpuBreakdownSince(engine, lab, { containersBefore, processBefore, processAfter, machineMs: cpuMs });
  return { ms, cpuMs, breakdown, run: { startedAt, phases: recorder.phases() } };
}

function describeEvent(event: LabEvent): string {
  switch (event.type) {
    case 'phase-started':
      return `phase ${event.phase} started`;
    case 'phase-finished':
      return `phase ${event.phase} ${event.outcome} in ${event.elapsedMs} ms`;
    case 'component-state':
      return `${event.component} ${event.state}${event.detail ? ` (${event.detail})` : ''}`;
    case 'image-progress':
      return `image ${event.image} ${event.status}`;
    case 'log-line':
      return `${event.component} log`;
  }
}

const execFileAsync = promisify(execFile);

/** `seclab status --lab <lab> --json` as a user runs it: a new Node process, every check included. */
async function coldStatusProcess(lab: string, labHome = home): Promise<void> {
  await execFileAsync(process.execPath, ['bin/seclab.mjs', 'status', '--lab', lab, '--json'], {
    cwd: new URL('../', import.meta.url),
    env: { ...process.env, SECLAB_HOME: labHome },
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { code?: number; stdout?: string }) => {
    // Exit code 3 means a check failed: still a full status run, timed like any other.
    if (error.code !== 3) throw error;
  });
}

/**
 * Issue #13's Compose side: the same lab exported by `seclab export --format compose` (written
 * before the clock starts, as a user who has the project), then `docker compose up -d` on the same
 * images, timed until the state `seclab up` ends in: every component healthy, Fleet set up, the
 * agent enrolled and its token revoked (the last one-shot, revoke-enrollment, exited 0).
 */
async function composeUpAllHealthy(run: number): Promise<number> {
  const lab = `bx${process.pid % 10000}${run}`;
  const dir = join(home, `compose-${run}`);
  await exportLab(environment, { format: 'compose', outDir: dir, spec: { name: lab, images: IMAGES }, hasShapeFlags: true });
  const [program, ...prefix] = composeCommand();
  try {
    return await timed(async () => {
      await execFileAsync(program, [...prefix, 'up', '-d'], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
      const revoke = `seclab-${lab}_revoke-enrollment_1`;
      for (;;) {
        const listed = await engine.docker.listContainers({ all: true, filters: { label: [`seclab.lab=${lab}`, 'com.docker.compose.service=revoke-enrollment'] } });
        const state = listed[0] ? await engine.inspectContainer(listed[0].Id) : undefined;
        if (state && !state.State.Running && state.State.Status === 'exited') {
          if (state.State.ExitCode !== 0) throw new Error(`${revoke} exited with ${state.State.ExitCode}`);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
  } finally {
    await downLab(quiet, lab, { purge: true });
  }
}

const home = mkdtempSync(join(tmpdir(), 'seclab-bench-'));
const environment = defaultEnvironment({ ...process.env, SECLAB_HOME: home });

async function engineDescription() {
  const info = await environment.engine().docker.info();
  return { version: info.ServerVersion, storageDriver: info.Driver, cgroupVersion: info.CgroupVersion, ncpu: info.NCPU };
}
const quiet: LabContext = { environment, emit: () => undefined };
const engine = environment.engine();
const selected = new Set(process.argv.slice(2));
const wants = (name: string) => selected.size === 0 || selected.has(name);
const results: unknown[] = [];
const log = (text: string) => process.stderr.write(`bench: ${text}\n`);
const loadBefore = loadavg();
let upMedian: number | undefined;

try {
  if (wants('pki')) {
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'seclab-bench-pki-'));
      samples.push(await timed(() => issueLabCertificates({ outDir: dir, components: certificateRequestsFor(parseLabSpec({}), 1), now: new Date() })));
      rmSync(dir, { recursive: true, force: true });
    }
    results.push(summary('pki.default-lab', 'ms', samples, { what: 'lab CA + 5 component certificates (3 nodes, Kibana, Fleet Server), ECDSA P-256' }));
    log('pki done');
  }
  if (wants('images')) {
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) samples.push(await timed(() => buildEmulatorImages(engine, { version: DEFAULT_STACK_VERSION, force: true })));
    results.push(summary('emulator.build-images', 'ms', samples, { what: 'seclab emulator build --force: bundle and build elasticsearch, kibana, elastic-agent (base layer cached)' }));
    log('images done');
  }
  if (wants('cluster')) {
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const lab = `bc${process.pid % 10000}${i}`;
      samples.push(await timed(() => upLab(quiet, { name: lab, images: IMAGES, kibana: false, fleetServer: false, agents: 0 })));
      await downLab(quiet, lab, { purge: true });
    }
    results.push(summary(`${IMAGES}.three-node-cluster-green`, 'ms', samples, { what: `up of 3 ${IMAGES} ES nodes until _cluster/health is green with 3 nodes (keystores, certificates, network included)` }));
    log('cluster done');
  }
  if (wants('lab')) {
    const up: number[] = [];
    const upVerified: number[] = [];
    const firstChecks: number[] = [];
    const checks: number[] = [];
    const coldStatus: number[] = [];
    const reset: number[] = [];
    const down: number[] = [];
    const upRuns: Array<{ startedAt: number; phases: PhaseTiming[] }> = [];
    const resetRuns: Array<{ startedAt: number; phases: PhaseTiming[] }> = [];
    const upCpu: number[] = [];
    const resetCpu: number[] = [];
    const upCpuParts: CpuBreakdown[] = [];
    const resetCpuParts: CpuBreakdown[] = [];
    for (let i = 0; i < RUNS; i++) {
      const lab = `bl${process.pid % 10000}${i}`;
      const brought = await withPhases(`up#${i}`, lab, (context) => upLab(context, { name: lab, images: IMAGES }));
      up.push(brought.ms);
      upRuns.push(brought.run);
      if (brought.cpuMs !== undefined) upCpu.push(brought.cpuMs);
      if (brought.breakdown) upCpuParts.push(brought.breakdown);
      // up made the lab's standing probes (verification/probes/standing-probe.ts): this first run, the app's
      // and every `seclab status` exec in them.
      const checked = await timed(() => verifyLab(environment, lab));
      firstChecks.push(checked);
      upVerified.push(brought.ms + checked);
      coldStatus.push(await timed(() => coldStatusProcess(lab)));
      checks.push(await timed(() => verifyLab(environment, lab)));
      const again = await withPhases(`reset#${i}`, lab, (context) => resetLab(context, lab));
      reset.push(again.ms);
      resetRuns.push(again.run);
      if (again.cpuMs !== undefined) resetCpu.push(again.cpuMs);
      if (again.breakdown) resetCpuParts.push(again.breakdown);
      down.push(await timed(() => downLab(quiet, lab, { purge: true })));
      log(`lab run ${i + 1}/${RUNS}: up ${brought.ms} ms, first checks ${checked} ms, checks ${checks.at(-1)} ms, reset ${again.ms} ms`);
    }
    upMedian = median(up);
    results.push(
      summary('lab.up-all-healthy', 'ms', up, {
        what: `seclab up of the default ${IMAGES} lab until the cluster is green, Kibana available, Fleet Server healthy x3, agent online`,
        phases: phaseBreakdown(upRuns),
        ...machineCpu(upCpu),
        ...cpuBreakdowns(upCpuParts),
      }),
    );
    results.push(summary('lab.up-and-every-check-verified', 'ms', upVerified, { what: 'from the start of up until every verification check has a result (up, then all checks in-process)' }));
    results.push(summary('lab.checks-first-run', 'ms', firstChecks, { what: 'every verification check of the default lab just after up, in this process: the first in its standing probes, which up made' }));
    results.push(summary('lab.checks-in-process', 'ms', checks, { what: 'every verification check of the default lab, run concurrently in this process, once its probes stand (after the first run and a cold status)' }));
    results.push(
      summary('lab.status-cold-cli', 'ms', coldStatus, {
        what: '`seclab status --lab <lab> --json` as a new Node process: startup, rediscovery and every check',
        cli: currentCliBundle() ? 'bundle (out/cli)' : 'sources through tsx',
      }),
    );
    results.push(
      summary('lab.reset', 'ms', reset, { what: `seclab reset of the default ${IMAGES} lab until all healthy again`, phases: phaseBreakdown(resetRuns), ...machineCpu(resetCpu), ...cpuBreakdowns(resetCpuParts) }),
    );
    results.push(summary('lab.down-purge', 'ms', down, { what: 'seclab down --purge of the default lab' }));
    log('lab done');
  }
  // Only when asked for by name: it needs a lab that is already up.
  if (selected.has('status')) {
    const lab = process.env.BENCH_LAB;
    const labHome = process.env.BENCH_HOME;
    if (!lab || !labHome) throw new Error('bench status: set BENCH_LAB to a running lab and BENCH_HOME to its SECLAB_HOME');
    const labEnvironment = defaultEnvironment({ ...process.env, SECLAB_HOME: labHome });
    const checks: number[] = [];
    const coldStatus: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      checks.push(await timed(() => verifyLab(labEnvironment, lab)));
      coldStatus.push(await timed(() => coldStatusProcess(lab, labHome)));
    }
    // Whether bin/seclab.mjs ran the bundle: a source saved after `npm run build:cli` sends it to tsx.
    const cli = currentCliBundle() ? 'bundle (out/cli)' : 'sources through tsx';
    results.push(summary('lab.checks-in-process', 'ms', checks, { what: `every verification check of lab ${lab}, run concurrently in this process` }));
    results.push(summary('lab.status-cold-cli', 'ms', coldStatus, { what: `\`seclab status --lab ${lab} --json\` as a new Node process: startup, rediscovery and every check`, cli }));
    log('status done');
  }
  if (wants('compose')) {
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      samples.push(await composeUpAllHealthy(i));
      log(`compose run ${i + 1}/${RUNS}: ${samples.at(-1)} ms`);
    }
    const compose = summary('compose.up-all-healthy', 'ms', samples, {
      what: `docker compose up -d of the default ${IMAGES} lab from its seclab export, until every component is healthy and the last setup one-shot (revoke-enrollment) exited 0`,
    });
    results.push(compose);
    if (upMedian !== undefined) {
      results.push({ name: 'lab.up-vs-compose', ratio: Number((upMedian / median(samples)).toFixed(2)), target: 0.5, what: 'median seclab up ÷ median docker compose up of the same lab on the same images, same run' });
    }
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}

const machine = {
  cpus: cpus().length,
  // The same code's figures move with the hardware (2026-12-03: `up` 8.2 s on one 2-core machine, 3.8 s on
  // another): which CPU, kernel and engine a figure was measured on.
  cpuModel: cpus()[0]?.model,
  memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
  kernel: release(),
  engine: await engineDescription(),
  node: process.version,
  images: IMAGES,
  loadAverage1mBefore: loadBefore[0],
  loadAverage1mAfter: loadavg()[0],
};
process.stdout.write(`${JSON.stringify({ machine, results }, null, 2)}\n`);
process.exit(0);
