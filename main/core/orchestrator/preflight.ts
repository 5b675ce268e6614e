import { readFileSync, statfsSync } from 'node:fs';
import type { LabPlan } from '../../../common/lab-plan.ts';
import type { PreflightCheck } from '../../../common/lab-status.ts';
import { networkLeavesMayDeadlock, PODMAN_COMPONENT, type DockerEngine } from '../docker/docker-engine.ts';
import { isLoopbackPortFree } from '../lab-store/allocate-lab.ts';
import type { PortClaims } from '../lab-store/port-claims.ts';
import { isEngineUnreachable } from '../docker/engine-connection.ts';
import { engineHostPortsInUse, type EngineHostPortsReport } from './engine-host-ports.ts';
import { detectEnginePlatform, sharesHostKernel, type EnginePlatform } from './engine-platform.ts';
import { containerLimitsFix, maxMapCountFix, raiseFileLimitFix, REQUIRED_MAX_MAP_COUNT } from './platform-fixes.ts';

export { REQUIRED_MAX_MAP_COUNT } from './platform-fixes.ts';
const MIN_FREE_DISK_BYTES = 5 * 1024 ** 3;

export interface PreflightInputs {
  engine: DockerEngine;
  plan: LabPlan;
  /** Ports the lab itself holds already (a running lab's own ports are not a conflict). */
  portsHeldByLab: number[];
  labExists: boolean;
  /** This machine's vm.max_map_count: asked only when no container read the engine's and the engine runs on this machine's kernel. */
  readMaxMapCount?: () => number | undefined;
  /** Reads the engine kernel's vm.max_map_count in a throwaway container, for when the engine probe did not (a recorded lab). */
  readEngineMaxMapCount?: () => Promise<number | undefined>;
  /** process.platform of this machine, which with the engine's own description says where its kernel runs. */
  hostPlatform?: NodeJS.Platform;
  freeDiskBytes?: (path: string) => number | undefined;
  isPortFree?: (port: number) => Promise<boolean>;
  /** Ports containers of this machine's engines publish, with their holder (ports-published-here.ts). */
  portsPublishedHere?: ReadonlyMap<number, string>;
  /** Another `up` running now may have claimed a port its containers do not hold yet (port-claims.ts). */
  portClaims?: Pick<PortClaims, 'holder'>;
  /** For a remote engine: what holds each of `ports` on its host's 127.0.0.1 (engine-host-ports.ts). */
  engineHostPortsInUse?: (ports: readonly number[]) => Promise<EngineHostPortsReport>;
  engineIsLocal?: boolean;
  engineLimits?: { memoryLock?: boolean; raiseFileLimit?: boolean; fileLimitCap?: number; maxMapCount?: number };
}

const REGISTRY_TIMEOUT_MS = 15_000;

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** What the engine said when it could not reach a registry, without its HTTP wrapper ("(HTTP code 500) server error - "). */
export function registryFailureReason(error: unknown): string {
  return ((error as Error).message ?? String(error))
    .replace(/^\(HTTP code \d+\) [a-z ]+ - /, '')
    .split('\n')[0]
    .trim();
}

/** The way out when official images can't be had, in the words the Start screen and the CLI share. */
export const emulatedImagesRemedy = (registry: string) => `Start the lab on emulated images, built here with no registry (seclab up --images emulated), or connect the engine to ${registry} and try again.`;

/**
 * Official images must be on this machine or reachable: asked of the engine (which does the pulling)
 * before anything is created, so an offline machine hears it at once and is offered emulated images.
 * A warning, not a failure: the emulated lab is one click away, and a registry that comes back
 * (or images loaded by hand) makes the official lab work; a pull that still fails says so in the images phase.
 */
async function officialImagesCheck(engine: DockerEngine, plan: LabPlan): Promise<PreflightCheck> {
  const images = [...new Set(plan.containers.map((c) => c.image))];
  const missing: string[] = [];
  for (const image of images) if (!(await engine.imageExists(image))) missing.push(image);
  if (!missing.length) return { id: 'images', title: 'Images', status: 'pass', detail: `${images.length} official images on this machine` };
  const registry = missing[0].split('/')[0];
  try {
    await withTimeout(Promise.all(missing.map((image) => engine.inspectRemoteImage(image))), REGISTRY_TIMEOUT_MS, registry);
    return { id: 'images', title: 'Images', status: 'pass', detail: `${missing.length} to pull from ${registry}: ${missing.join(', ')}` };
  } catch (error) {
    return {
      id: 'images',
      title: 'Registry unreachable',
      status: 'warn',
      detail: `the Docker engine could not reach ${registry} for ${missing.join(', ')}, and they are not on this machine (${registryFailureReason(error)})`,
      fix: emulatedImagesRemedy(registry),
    };
  }
}

const FILE_LIMIT_NEEDED = 65535;

/**
 * A multi-node cluster binds transport to the lab network, so Elasticsearch enforces its bootstrap
 * checks and exits 78 below 65535 open files (BootstrapChecks.FileDescriptorCheck). Memory locking
 * is only asked for where the engine grants it, as start-local does inside LXC.
 */
function containerLimitsCheck(plan: LabPlan, limits: NonNullable<PreflightInputs['engineLimits']>, platform: EnginePlatform): PreflightCheck {
  const raiseEngineLimits = `raise the engine's default ulimits: ${raiseFileLimitFix(platform)}`;
  const nodes = plan.containers.filter((c) => c.kind === 'elasticsearch').length;
  const fileCap = limits.fileLimitCap === undefined ? 'below 65535' : `at ${limits.fileLimitCap}`;
  const memlockNote = limits.memoryLock === false ? '; memlock cannot be unlimited, so the lab runs without bootstrap.memory_lock (as start-local does inside LXC)' : '';
  if (limits.raiseFileLimit === false && nodes >= 2) {
    if (!plan.emulated) {
      return {
        id: 'memlock',
        title: 'Container limits',
        status: 'fail',
        detail: `the engine caps open files ${fileCap}: Elasticsearch enforces its bootstrap checks in a ${nodes}-node cluster and exits with code 78 below ${FILE_LIMIT_NEEDED} ("max file descriptors [...] is too low")${memlockNote}`,
        fix: `Either ${raiseEngineLimits}; or run one node (--nodes 1), planned as single-node discovery, where the bootstrap checks are not enforced.`,
      };
    }
    return {
      id: 'memlock',
      title: 'Container limits',
      status: 'warn',
      detail: `the engine caps open files ${fileCap}: Elastic's official images would exit with code 78 in a ${nodes}-node cluster here; the emulated nodes log that bootstrap-check failure and run on${memlockNote}`,
      fix: `Before using official images, ${raiseEngineLimits}; or use --nodes 1.`,
    };
  }
  if (limits.memoryLock === false || limits.raiseFileLimit === false) {
    return {
      id: 'memlock',
      title: 'Container limits',
      status: 'warn',
      detail: `the engine caps container ulimits${limits.raiseFileLimit === false ? ` (open files ${fileCap}; a single node does not enforce the bootstrap checks)` : ''}${memlockNote}`,
      fix: containerLimitsFix(platform),
    };
  }
  return { id: 'memlock', title: 'Container limits', status: 'pass', detail: `memlock unlimited and ${FILE_LIMIT_NEEDED} open files can be granted` };
}

function localMaxMapCount(): number | undefined {
  try {
    return Number(readFileSync('/proc/sys/vm/max_map_count', 'utf8').trim());
  } catch {
    return undefined;
  }
}

type MaxMapCountReading = { value: number; where: 'engine' | 'host' } | undefined;

/**
 * The engine kernel's vm.max_map_count, which is what Elasticsearch's bootstrap check reads: from a
 * container on the engine (the engine probe's, else a throwaway one), and from this machine's /proc
 * only where that is the same kernel. On Docker Desktop, a Podman machine or a remote engine this
 * machine's value says nothing about the engine's, so it is never used there.
 */
async function readEngineKernelMaxMapCount(inputs: PreflightInputs, platform: EnginePlatform, hostPlatform: NodeJS.Platform): Promise<MaxMapCountReading> {
  const probed = inputs.engineLimits?.maxMapCount;
  if (probed !== undefined) return { value: probed, where: 'engine' };
  if (sharesHostKernel(platform, hostPlatform)) {
    const value = (inputs.readMaxMapCount ?? localMaxMapCount)();
    return value === undefined ? undefined : { value, where: 'host' };
  }
  const value = await inputs.readEngineMaxMapCount?.();
  return value === undefined ? undefined : { value, where: 'engine' };
}

const READ_WHERE = { engine: 'read inside a container on the engine', host: 'read on this machine, whose kernel the engine runs on (no container on the engine read it)' };

function maxMapCountCheck(reading: MaxMapCountReading, platform: EnginePlatform): PreflightCheck {
  const check = { id: 'max-map-count', title: 'vm.max_map_count' } as const;
  if (reading === undefined) {
    return {
      ...check,
      status: 'warn',
      detail: `could not read vm.max_map_count of the engine's kernel: no container on the engine could read it${platform === 'remote' ? ', and the engine is on another machine' : ''}`,
      fix: `Make sure it is at least ${REQUIRED_MAX_MAP_COUNT}. ${maxMapCountFix(platform)}`,
    };
  }
  const read = `vm.max_map_count is ${reading.value}, ${READ_WHERE[reading.where]}`;
  if (reading.value < REQUIRED_MAX_MAP_COUNT) {
    return { ...check, status: 'fail', detail: `${read}; Elasticsearch's bootstrap check needs at least ${REQUIRED_MAX_MAP_COUNT}`, fix: maxMapCountFix(platform) };
  }
  return { ...check, status: 'pass', detail: read };
}

function localFreeDisk(path: string): number | undefined {
  try {
    const stats = statfsSync(path);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}

/** A unix socket or a Windows named pipe is an engine on this machine (or in its VM); tcp:// and ssh:// may be anywhere. */
export function engineIsLocal(address: string | undefined): boolean {
  return !address || address.startsWith('unix://') || address.startsWith('npipe://');
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

const PORT_FLAGS = '--port-elasticsearch, --port-kibana, --port-fleet-server';
const PORTS_FIX = `Stop what holds them, or choose other ports (${PORT_FLAGS}).`;

/**
 * The lab's ports on the loopback they are published on: this machine's for a local engine; the engine
 * host's for a remote one (an ssh:// engine's tunnels then listen on any free port here), checked on the engine.
 */
async function portsCheck(inputs: PreflightInputs): Promise<PreflightCheck> {
  const wanted = inputs.plan.containers.flatMap((c) => c.ports.map((p) => ({ component: c.component, port: p.hostPort })));
  const toCheck = wanted.filter((w) => !inputs.portsHeldByLab.includes(w.port));
  const access = inputs.engine.publishedPorts;
  if (access && access.kind !== 'local' && !inputs.isPortFree) {
    const where = `${access.host ?? 'the engine host'}'s 127.0.0.1`;
    const report = await (inputs.engineHostPortsInUse ?? ((ports) => engineHostPortsInUse(inputs.engine, inputs.plan.lab, ports)))(toCheck.map((w) => w.port));
    const busy = toCheck.filter((w) => report.busy.has(w.port)).map((w) => `${w.port} (${w.component}, held by ${report.busy.get(w.port)})`);
    if (busy.length) return { id: 'ports', title: 'Host ports', status: 'fail', detail: `already in use on ${where}, checked on the engine: ${busy.join(', ')}`, fix: PORTS_FIX };
    if (report.partial)
      return {
        id: 'ports',
        title: 'Host ports',
        status: 'warn',
        detail: `no container publishes ${wanted.map((w) => w.port).join(', ')} on ${where}; ${report.partial}`,
        fix: `If up says a port is taken, choose other ports (${PORT_FLAGS}).`,
      };
    return { id: 'ports', title: 'Host ports', status: 'pass', detail: `free on ${where} (checked on the engine): ${wanted.map((w) => w.port).join(', ')}` };
  }
  const isPortFree = inputs.isPortFree ?? isLoopbackPortFree;
  const busy: string[] = [];
  for (const { component, port } of toCheck) {
    const holder = inputs.portsPublishedHere?.get(port);
    const claim = inputs.portClaims?.holder(port);
    if (holder) busy.push(`127.0.0.1:${port} (${component}, published by ${holder})`);
    else if (claim) busy.push(`127.0.0.1:${port} (${component}, being taken by \`seclab up\` of lab "${claim.lab}", pid ${claim.pid})`);
    else if (!(await isPortFree(port))) busy.push(`127.0.0.1:${port} (${component})`);
  }
  return busy.length
    ? { id: 'ports', title: 'Host ports', status: 'fail', detail: `already in use: ${busy.join(', ')}`, fix: PORTS_FIX }
    : { id: 'ports', title: 'Host ports', status: 'pass', detail: `free on 127.0.0.1: ${wanted.map((w) => w.port).join(', ')}` };
}

/** The checks `up` runs before it creates anything, and `seclab doctor` runs alone. */
/** DockerEngine.concurrentNetworkLeavesMayDeadlock: said where the engine is named, not a failure (teardown works around it). */
const NETWORK_LEAVES_MAY_DEADLOCK_NOTE =
  "before 20.10.27, a network's containers leaving it together can deadlock it (moby/moby#46661), so seclab takes a lab's containers off its network one at a time; Docker 20.10.27 or later fixes it";

export async function runPreflight(inputs: PreflightInputs): Promise<PreflightCheck[]> {
  const checks: PreflightCheck[] = [];
  let engineInfo;
  try {
    engineInfo = await inputs.engine.version();
    const podman = engineInfo.components.includes(PODMAN_COMPONENT);
    checks.push({
      id: 'docker',
      title: 'Docker engine',
      status: 'pass',
      detail:
        `${podman ? 'Podman' : 'Docker'} ${engineInfo.version} (API ${engineInfo.apiVersion}) on ${engineInfo.operatingSystem}, kernel ${engineInfo.kernelVersion}` +
        (networkLeavesMayDeadlock(engineInfo.version, engineInfo.components) ? `; ${NETWORK_LEAVES_MAY_DEADLOCK_NOTE}` : ''),
    });
  } catch (error) {
    // A connection that never opened is already said with its fix, naming the socket (engine-connection.ts).
    const fix = isEngineUnreachable(error) ? {} : { fix: 'Start Docker (Linux: sudo systemctl start docker; macOS/Windows: start Docker Desktop), or point DOCKER_HOST at a running engine.' };
    checks.push({ id: 'docker', title: 'Docker engine', status: 'fail', detail: (error as Error).message, ...fix });
    return checks;
  }

  if (!inputs.plan.emulated) checks.push(await officialImagesCheck(inputs.engine, inputs.plan));

  const needed = inputs.plan.containers.reduce((sum, c) => sum + c.memoryBytes, 0);
  const memoryStatus = needed > engineInfo.memoryBytes ? 'fail' : needed > engineInfo.memoryBytes * 0.8 ? 'warn' : 'pass';
  checks.push({
    id: 'memory',
    title: 'Memory',
    status: memoryStatus,
    detail: `the lab's memory limits add up to ${gib(needed)}; the engine has ${gib(engineInfo.memoryBytes)}`,
    ...(memoryStatus === 'pass' ? {} : { fix: 'Give Docker more memory (Docker Desktop: Settings → Resources), or plan fewer nodes or less memory per node (--nodes, --memory).' }),
  });

  // The engine as resolved (a Docker context may name a remote one); DOCKER_HOST for a client made by hand.
  const isLocal = inputs.engineIsLocal ?? engineIsLocal(inputs.engine.info?.address ?? process.env.DOCKER_HOST);
  const hostPlatform = inputs.hostPlatform ?? process.platform;
  const platform = detectEnginePlatform({ engine: engineInfo, hostPlatform, engineIsLocal: isLocal });
  if (engineInfo.os === 'linux') checks.push(maxMapCountCheck(await readEngineKernelMaxMapCount(inputs, platform, hostPlatform), platform));
  if (inputs.engineLimits) checks.push(containerLimitsCheck(inputs.plan, inputs.engineLimits, platform));

  checks.push(await portsCheck(inputs));

  const free = isLocal ? ((inputs.freeDiskBytes ?? localFreeDisk)('/var/lib/docker') ?? (inputs.freeDiskBytes ?? localFreeDisk)('/')) : undefined;
  if (free !== undefined) {
    checks.push(
      free < MIN_FREE_DISK_BYTES
        ? {
            id: 'disk',
            title: 'Disk space',
            status: 'fail',
            detail: `${gib(free)} free; Elasticsearch's disk watermarks stall a lab on a nearly full disk`,
            fix: 'Free at least 5 GiB (docker system prune removes unused images), then try again.',
          }
        : { id: 'disk', title: 'Disk space', status: 'pass', detail: `${gib(free)} free` },
    );
  }

  checks.push(
    inputs.labExists
      ? {
          id: 'lab-exists',
          title: `Lab "${inputs.plan.lab}"`,
          status: 'warn',
          detail: `lab "${inputs.plan.lab}" exists already; up starts it again with its data and passwords`,
          fix: 'To start from scratch: seclab reset, or seclab down then up.',
        }
      : { id: 'lab-exists', title: `Lab "${inputs.plan.lab}"`, status: 'pass', detail: `no lab named "${inputs.plan.lab}" yet` },
  );
  return checks;
}
