import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { SeclabError } from '../../../../common/errors.ts';
import type { DockerEngine } from '../../docker/docker-engine.ts';
import { emulatorBaseImageFrom, linuxNodeSourceFor } from '../../emulator-images/build-emulator-images.ts';
import type { LinuxNodeSource } from '../../emulator-images/linux-node-source.ts';
import { readHomeMemo, writeHomeMemo } from '../../files/home-memo.ts';
import { labBeingTakenDown } from '../../lab-store/lab-lock.ts';
import { probeProgram } from './probe-bundle.ts';
import { addressOn, PROBE_USER, probeContainerSpec, standingProbe, type StandingPlacement } from './standing-probe.ts';

export interface ProbePlacement {
  lab: string;
  /** The vantage point, in the probe container's name: the standing one is `seclab-<lab>-probe-<vantage>`. */
  vantage: string;
  /** Share this container's network stack (its address is the source), or join the lab network at an address `ip()` proposes. */
  from: StandingPlacement;
  /** Run in the lab's standing probe at this vantage point (verification, every few seconds); else in a one-shot container. */
  standing?: boolean;
}

export interface ProbeAnswer<T> {
  answer: T;
  /** The probe's address on the lab network, when it stood on it (not in a node's stack). */
  address?: string;
}

const probeImages = new Map<string, Promise<string>>();
const PROBE_IMAGE_FILE = 'probe-image.json';

/**
 * The image a probe runs on: the emulated images' base (emulatorBaseImage: a Linux Node from
 * linux-node-source.ts, never simply this process's binary, which is Electron in the app). Naming
 * a base made from this host runs `ldd` on a dozen host binaries, synchronously: 0.2 s in which no
 * other check of a run can progress, at every `seclab status`. So the tag is remembered in the
 * seclab home (private, like everything there) with the Node it was made from, and reused while
 * that Node is still the one found and the engine has the image: a probe needs Node's built-ins
 * and nothing else, which every base image has.
 */
async function probeImage(engine: DockerEngine, home: string | undefined): Promise<string> {
  const source = await linuxNodeSourceFor(engine);
  const node = linuxNodeIdentity(source);
  const remembered = home ? rememberedProbeImage(home, node) : undefined;
  if (remembered && (await engine.imageExists(remembered))) return remembered;
  const tag = await emulatorBaseImageFrom(engine, source);
  writeHomeMemo(home, PROBE_IMAGE_FILE, { tag, node });
  return tag;
}

/** Another Node binary (or the same path rewritten) is another base image. */
function linuxNodeIdentity(source: LinuxNodeSource): string {
  if (source.kind === 'registry') return source.image;
  const stats = statSync(source.binary);
  return `${source.binary}:${stats.size}:${stats.mtimeMs}`;
}

function rememberedProbeImage(home: string, node: string): string | undefined {
  const remembered = readHomeMemo(home, PROBE_IMAGE_FILE) as { tag?: unknown; node?: unknown } | null | undefined;
  return typeof remembered?.tag === 'string' && remembered.tag.startsWith('seclab-emulator/base:') && remembered.node === node ? remembered.tag : undefined;
}

/**
 * Runs a probe program (a TS entry's path, bundled once: probe-bundle.ts) at a vantage point of the
 * lab, task on stdin, answer as the last line of its output: exec'd in the lab's standing probe
 * there (standing-probe.ts), or, when none can stand (the lab is being taken down, the engine
 * refused it), in a one-shot container. Both run on the Node-only base image the emulated products
 * use: built locally (from the registry's Node image only on macOS and Windows).
 */
export async function runProbeProgram<T>(engine: DockerEngine, entry: string, placement: ProbePlacement, task: { timeoutMs: number }, what: string, home?: string): Promise<ProbeAnswer<T>> {
  const [program, image] = await Promise.all([probeProgram(entry, home), probeImageOnce(engine, home)]);
  const deadlineMs = task.timeoutMs * 4 + 10_000;
  const standing = await inStandingProbe(engine, placement, image, program, task, deadlineMs, home).catch(() => undefined);
  if (!standing) await refuseOneShotDuringTeardown(engine, placement, home);
  const { output, address } = standing ?? (await inOneShotProbe(engine, placement, image, program, task, deadlineMs));
  const line = output.trim().split('\n').pop() ?? '';
  const parsed = JSON.parse(line) as T | { probeError: string };
  if (parsed && typeof parsed === 'object' && 'probeError' in parsed) throw new Error(`the ${what} failed: ${parsed.probeError}`);
  return { answer: parsed as T, address };
}

/**
 * While `seclab down` takes the lab apart on an engine where containers leaving one network together may deadlock
 * it (DockerEngine.concurrentNetworkLeavesMayDeadlock), a one-shot probe on that network would join and leave it
 * beside the teardown's own leaves: none starts then. One in a node's stack has no endpoint of its own, and runs.
 */
export async function refuseOneShotDuringTeardown(engine: DockerEngine, placement: ProbePlacement, home: string | undefined): Promise<void> {
  if (!home || !('network' in placement.from) || !labBeingTakenDown(home, placement.lab)) return;
  if (!(await engine.concurrentNetworkLeavesMayDeadlock())) return;
  throw new SeclabError(
    'LAB_BUSY',
    `lab "${placement.lab}" is being taken down: no probe joins its network meanwhile, as this Docker (before 20.10.27) may deadlock when containers leave one network together; run the checks again once it is done`,
    { lab: placement.lab },
  );
}

/** The probe image, named once per seclab home in this process. */
function probeImageOnce(engine: DockerEngine, home: string | undefined): Promise<string> {
  const key = home ?? '';
  if (!probeImages.has(key)) {
    // A failure is not remembered: the next run tries again.
    const image = probeImage(engine, home);
    image.catch(() => probeImages.delete(key));
    probeImages.set(key, image);
  }
  return probeImages.get(key)!;
}

/**
 * Makes the standing probe at a vantage point (standingProbe) and runs nothing in it: `up` makes a new
 * lab's probes while it waits on Fleet, so the first verification after it only execs.
 */
export async function standProbe(engine: DockerEngine, placement: ProbePlacement, home?: string): Promise<void> {
  await standingProbe(engine, { lab: placement.lab, name: standingProbeName(placement), image: await probeImageOnce(engine, home), from: placement.from }, home);
}

export function standingProbeName(placement: ProbePlacement): string {
  return `seclab-${placement.lab}-probe-${placement.vantage}`;
}

interface ProbeOutput {
  output: string;
  address?: string;
}

async function inStandingProbe(engine: DockerEngine, placement: ProbePlacement, image: string, program: string, task: object, deadlineMs: number, home?: string): Promise<ProbeOutput | undefined> {
  if (!placement.standing) return undefined;
  const probe = await standingProbe(engine, { lab: placement.lab, name: standingProbeName(placement), image, from: placement.from }, home);
  if (!probe) return undefined;
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    engine.exec(probe.Id, ['/usr/local/bin/node', '-e', program], { stdin: `${JSON.stringify(task)}\n`, user: PROBE_USER }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs / 1000}s`)), deadlineMs);
    }),
  ]).finally(() => clearTimeout(timer));
  // A probe that could not start its program (the container went away under it) answers nothing: try a one-shot.
  if (result.exitCode !== 0 && !result.output.trim()) throw new Error(`exit ${result.exitCode}`);
  return { output: result.output, address: 'network' in placement.from ? addressOn(probe, placement.from.network) : undefined };
}

async function inOneShotProbe(engine: DockerEngine, placement: ProbePlacement, image: string, program: string, task: object, deadlineMs: number): Promise<ProbeOutput> {
  // Another probe may hold the proposed address at this moment: try another.
  for (let attempt = 1; ; attempt++) {
    const ip = 'network' in placement.from ? placement.from.ip() : undefined;
    try {
      const result = await engine.runToCompletion(
        {
          ...probeContainerSpec({ name: `seclab-${placement.lab}-${placement.vantage}-${randomBytes(3).toString('hex')}`, lab: placement.lab, image, from: placement.from, ip, cmd: ['-e', program] }),
          stdin: `${JSON.stringify(task)}\n`,
        },
        deadlineMs,
      );
      return { output: result.output, address: ip };
    } catch (error) {
      if (!ip || attempt >= 4 || !/already in use/i.test((error as Error).message)) throw error;
    }
  }
}
