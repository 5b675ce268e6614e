/**
 * `npm run bench`: the project's performance figures as JSON (median of several runs each).
 * Runs against the real Docker engine with emulated images, in its own SECLAB_HOME, on
 * loopback only. `npm run bench -- pki cluster` runs a subset.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLabSpec, DEFAULT_STACK_VERSION } from '../common/lab-spec.ts';
import { defaultEnvironment } from '../main/core/environment.ts';
import { issueLabCertificates } from '../main/core/pki/lab-pki.ts';
import { certificateRequestsFor } from '../main/core/planner/certificate-requests.ts';
import { buildEmulatorImages } from '../main/core/emulator-images/build-emulator-images.ts';
import { upLab, type LabContext } from '../main/core/orchestrator/up-lab.ts';
import { downLab } from '../main/core/orchestrator/down-lab.ts';
import { resetLab } from '../main/core/orchestrator/reset-lab.ts';
import { verifyLab } from '../main/core/verification/verify-lab.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

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

function summary(name: string, unit: string, samples: number[], extra: Record<string, unknown> = {}) {
  return { name, unit, runs: samples.length, median: median(samples), min: Math.min(...samples), max: Math.max(...samples), samples, ...extra };
}

const home = mkdtempSync(join(tmpdir(), 'seclab-bench-'));
const environment = defaultEnvironment({ ...process.env, SECLAB_HOME: home });
const context: LabContext = { environment, emit: () => undefined };
const engine = environment.engine();
const selected = new Set(process.argv.slice(2));
const wants = (name: string) => selected.size === 0 || selected.has(name);
const results: unknown[] = [];
const log = (text: string) => process.stderr.write(`bench: ${text}\n`);

try {
  if (wants('pki')) {
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'seclab-bench-pki-'));
      samples.push(await timed(() => issueLabCertificates({ outDir: dir, components: certificateRequestsFor(parseLabSpec({}), 1), now: new Date() })));
      rmSync(dir, { recursive: true, force: true });
    }
    results.push(summary('pki.default-lab', 'ms', samples, { what: 'lab CA + 5 component certificates (3 nodes, Kibana, Fleet Server), RSA 2048' }));
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
      samples.push(await timed(() => upLab(context, { name: lab, images: 'emulated', kibana: false, fleetServer: false, agents: 0 })));
      await downLab(context, lab, { purge: true });
    }
    results.push(summary('emulated.three-node-cluster-green', 'ms', samples, { what: 'up of 3 emulated ES nodes until _cluster/health is green with 3 nodes (keystores, certificates, network included)' }));
    log('cluster done');
  }
  if (wants('lab')) {
    const up: number[] = [];
    const status: number[] = [];
    const reset: number[] = [];
    const down: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const lab = `bl${process.pid % 10000}${i}`;
      up.push(await timed(() => upLab(context, { name: lab, images: 'emulated' })));
      for (let j = 0; j < 1; j++) status.push(await timed(() => verifyLab(environment, lab)));
      reset.push(await timed(() => resetLab(context, lab)));
      down.push(await timed(() => downLab(context, lab, { purge: true })));
    }
    results.push(summary('lab.up-all-healthy', 'ms', up, { what: 'seclab up of the default emulated lab until the cluster is green, Kibana available, Fleet Server healthy x3, agent online' }));
    results.push(summary('lab.status-with-all-checks', 'ms', status, { what: 'every verification check of the default emulated lab, run concurrently' }));
    results.push(summary('lab.reset', 'ms', reset, { what: 'seclab reset of the default emulated lab until all healthy again' }));
    results.push(summary('lab.down', 'ms', down, { what: 'seclab down --purge of the default emulated lab' }));
    log('lab done');
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}

process.stdout.write(`${JSON.stringify({ machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, results }, null, 2)}\n`);
process.exit(0);
