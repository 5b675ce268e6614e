import { LAB_LABEL } from '../../../../common/lab-plan.ts';
import type { ContainerInspection, ContainerSpec, DockerEngine } from '../../docker/docker-engine.ts';
import { labBeingTakenDown } from '../../lab-store/lab-lock.ts';
import { ROLE_LABEL, STANDING_LABEL } from '../../orchestrator/one-shot-helpers.ts';

/**
 * Where a standing probe stands: in a node's own network stack (`container`), or on the lab
 * network at an address `ip()` proposes (asked again when the engine finds it taken).
 */
export type StandingPlacement = { container: string } | { network: string; ip: () => string };

export interface StandingProbeSpec {
  lab: string;
  /** `seclab-<lab>-probe-<vantage point>`: one per lab and vantage point, so every verification finds it. */
  name: string;
  image: string;
  from: StandingPlacement;
}

/** PID 1 ignores signals it has no handler for: without this, stopping the lab would wait out the engine's 10 s. */
const IDLE_PROGRAM = "process.on('SIGTERM', () => process.exit(0)); setInterval(() => undefined, 2 ** 31 - 1);";
/** Room for the idle Node and one probe run beside it. */
const PROBE_MEMORY_BYTES = 128 * 1024 ** 2;
export const PROBE_USER = '1000:0';
const ATTEMPTS = 4;

const ensuring = new Map<string, Promise<ContainerInspection>>();

/**
 * A probe container that stays between verification runs, idle, so that each run `docker exec`s the
 * probe program in it instead of starting a container. A container's start costs the engine about
 * four times an exec's CPU (network endpoint, runc, the engine's hooks): on two cores, the two
 * probe containers of every run were half of its time. It is labelled like every one-shot helper
 * (the lab's label, role `probe`): `down` and `reset` remove it with the lab, and nothing counts it
 * as a component. It holds nothing: each run hands the probe its task (certificates included) on
 * stdin, as the one-shot probe got it.
 *
 * Undefined while `seclab down` works on the lab: a probe made then could outlive the teardown.
 */
export async function standingProbe(engine: DockerEngine, spec: StandingProbeSpec, home?: string): Promise<ContainerInspection | undefined> {
  if (home && labBeingTakenDown(home, spec.lab)) return undefined;
  let ready = ensuring.get(spec.name);
  if (!ready) {
    ready = readyProbe(engine, spec).finally(() => ensuring.delete(spec.name));
    ensuring.set(spec.name, ready);
  }
  return ready;
}

async function readyProbe(engine: DockerEngine, spec: StandingProbeSpec): Promise<ContainerInspection> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    let info = await engine.inspectContainer(spec.name);
    if (info && (info.Config.Image !== spec.image || info.Config.Labels?.[LAB_LABEL] !== spec.lab)) {
      await engine.removeContainer(spec.name);
      info = undefined;
    }
    if (!info) {
      // Another verification (the app's watcher, a CLI status) may make the same probe at this moment: then use that one.
      await engine.createContainer(containerSpecOf(spec)).catch((error: unknown) => {
        if (!isNameConflict(error)) throw error;
      });
      info = await engine.inspectContainer(spec.name);
      if (!info) continue;
    }
    if (info.State.Running && 'container' in spec.from && (await joinedBeforeTargetStarted(engine, info, spec.from.container))) {
      // Sharing a network stack means sharing the one that existed when the probe started: after its
      // node restarted, that stack is gone and the probe would see nothing. Starting again joins the new one.
      await engine.docker.getContainer(spec.name).restart({ t: 1 });
      continue;
    }
    if (info.State.Running) return info;
    try {
      await engine.startContainer(spec.name);
    } catch (error) {
      // Its network was made anew since, or its address is taken now: make it again.
      lastError = error;
      await engine.removeContainer(spec.name);
    }
  }
  throw new Error(`the standing probe ${spec.name} could not be started: ${(lastError as Error | undefined)?.message ?? 'it kept changing state'}`);
}

async function joinedBeforeTargetStarted(engine: DockerEngine, probe: ContainerInspection, target: string): Promise<boolean> {
  const node = await engine.inspectContainer(target);
  return Boolean(node?.State.Running && Date.parse(node.State.StartedAt) > Date.parse(probe.State.StartedAt));
}

function containerSpecOf(spec: StandingProbeSpec): ContainerSpec {
  const probe = probeContainerSpec({ name: spec.name, lab: spec.lab, image: spec.image, from: spec.from, cmd: ['-e', IDLE_PROGRAM] });
  return { ...probe, labels: { ...probe.labels, [STANDING_LABEL]: 'container' in spec.from ? 'stack' : 'network' } };
}

/** A probe container, standing or one-shot: the probe image's Node as uid 1000, the lab's label with role `probe`, at its vantage point. */
export function probeContainerSpec(probe: { name: string; lab: string; image: string; from: StandingPlacement; ip?: string; cmd: string[] }): ContainerSpec {
  return {
    name: probe.name,
    image: probe.image,
    user: PROBE_USER,
    env: {},
    labels: { [LAB_LABEL]: probe.lab, [ROLE_LABEL]: 'probe' },
    entrypoint: ['/usr/local/bin/node'],
    cmd: probe.cmd,
    ...('container' in probe.from ? { networkMode: `container:${probe.from.container}` } : { network: { name: probe.from.network, ip: probe.ip ?? probe.from.ip() } }),
    memoryBytes: PROBE_MEMORY_BYTES,
  };
}

function isNameConflict(error: unknown): boolean {
  return (error as { statusCode?: number }).statusCode === 409 && /already in use/i.test((error as Error).message);
}

/** The standing probe's address on `network` (for evidence: the address the allow lists were tested from). */
export function addressOn(info: ContainerInspection, network: string): string | undefined {
  return info.NetworkSettings?.Networks?.[network]?.IPAddress || undefined;
}
