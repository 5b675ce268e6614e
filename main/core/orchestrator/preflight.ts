import { readFileSync, statfsSync } from 'node:fs';
import type { LabPlan } from '../../../common/lab-plan.ts';
import type { PreflightCheck } from '../../../common/lab-status.ts';
import type { DockerEngine } from '../docker/docker-engine.ts';
import { isLoopbackPortFree } from '../lab-store/allocate-lab.ts';

export const REQUIRED_MAX_MAP_COUNT = 262144;
const MIN_FREE_DISK_BYTES = 5 * 1024 ** 3;

export interface PreflightInputs {
  engine: DockerEngine;
  plan: LabPlan;
  /** Ports the lab itself holds already (a running lab's own ports are not a conflict). */
  portsHeldByLab: number[];
  labExists: boolean;
  readMaxMapCount?: () => number | undefined;
  freeDiskBytes?: (path: string) => number | undefined;
  isPortFree?: (port: number) => Promise<boolean>;
  engineIsLocal?: boolean;
  engineLimits?: { memoryLock?: boolean; raiseFileLimit?: boolean };
}

function localMaxMapCount(): number | undefined {
  try {
    return Number(readFileSync('/proc/sys/vm/max_map_count', 'utf8').trim());
  } catch {
    return undefined;
  }
}

function localFreeDisk(path: string): number | undefined {
  try {
    const stats = statfsSync(path);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}

export function engineIsLocal(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.DOCKER_HOST || env.DOCKER_HOST.startsWith('unix://');
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

/** The checks `up` runs before it creates anything, and `seclab doctor` runs alone. */
export async function runPreflight(inputs: PreflightInputs): Promise<PreflightCheck[]> {
  const checks: PreflightCheck[] = [];
  let engineInfo;
  try {
    engineInfo = await inputs.engine.version();
    checks.push({ id: 'docker', title: 'Docker engine', status: 'pass', detail: `Docker ${engineInfo.version} (API ${engineInfo.apiVersion}) on ${engineInfo.operatingSystem}, kernel ${engineInfo.kernelVersion}` });
  } catch (error) {
    checks.push({ id: 'docker', title: 'Docker engine', status: 'fail', detail: (error as Error).message, fix: 'Start Docker (Linux: sudo systemctl start docker; macOS/Windows: start Docker Desktop), or point DOCKER_HOST at a running engine.' });
    return checks;
  }

  const needed = inputs.plan.containers.reduce((sum, c) => sum + c.memoryBytes, 0);
  const memoryStatus = needed > engineInfo.memoryBytes ? 'fail' : needed > engineInfo.memoryBytes * 0.8 ? 'warn' : 'pass';
  checks.push({
    id: 'memory',
    title: 'Memory',
    status: memoryStatus,
    detail: `the lab's memory limits add up to ${gib(needed)}; the engine has ${gib(engineInfo.memoryBytes)}`,
    ...(memoryStatus === 'pass' ? {} : { fix: 'Give Docker more memory (Docker Desktop: Settings → Resources), or plan fewer nodes or less memory per node (--nodes, --memory).' }),
  });

  const isLocal = inputs.engineIsLocal ?? engineIsLocal();
  if (engineInfo.os === 'linux') {
    const current = isLocal ? (inputs.readMaxMapCount ?? localMaxMapCount)() : undefined;
    if (current === undefined) {
      checks.push({ id: 'max-map-count', title: 'vm.max_map_count', status: 'warn', detail: 'could not read vm.max_map_count of the engine\'s kernel (remote engine)', fix: `Make sure it is at least ${REQUIRED_MAX_MAP_COUNT} on the engine's host.` });
    } else if (current < REQUIRED_MAX_MAP_COUNT) {
      checks.push({
        id: 'max-map-count',
        title: 'vm.max_map_count',
        status: 'fail',
        detail: `vm.max_map_count is ${current}; Elasticsearch's bootstrap check needs at least ${REQUIRED_MAX_MAP_COUNT}`,
        fix: `Linux: sudo sysctl -w vm.max_map_count=${REQUIRED_MAX_MAP_COUNT} (add it to /etc/sysctl.conf to keep it). Docker Desktop/WSL: wsl -d docker-desktop -u root sysctl -w vm.max_map_count=${REQUIRED_MAX_MAP_COUNT}.`,
      });
    } else {
      checks.push({ id: 'max-map-count', title: 'vm.max_map_count', status: 'pass', detail: `vm.max_map_count is ${current}` });
    }
  }

  if (inputs.engineLimits) {
    const capped = [
      ...(inputs.engineLimits.memoryLock === false ? ['memlock cannot be unlimited'] : []),
      ...(inputs.engineLimits.raiseFileLimit === false ? ['open files cannot be raised to 65535'] : []),
    ];
    checks.push(
      capped.length
        ? {
            id: 'memlock',
            title: 'Container limits',
            status: 'warn',
            detail: `the engine caps container ulimits (${capped.join('; ')}): the lab runs without bootstrap.memory_lock, like start-local inside LXC`,
            fix: 'For production-like settings run Docker where containers may raise ulimits (not rootless, not inside LXC), e.g. LimitMEMLOCK=infinity and LimitNOFILE=1048576 in docker.service.',
          }
        : { id: 'memlock', title: 'Container limits', status: 'pass', detail: 'memlock unlimited and 65535 open files can be granted' },
    );
  }

  const isPortFree = inputs.isPortFree ?? isLoopbackPortFree;
  const wanted = inputs.plan.containers.flatMap((c) => c.ports.map((p) => ({ component: c.component, port: p.hostPort })));
  const busy: string[] = [];
  for (const { component, port } of wanted) {
    if (!inputs.portsHeldByLab.includes(port) && !(await isPortFree(port))) busy.push(`127.0.0.1:${port} (${component})`);
  }
  checks.push(
    busy.length
      ? { id: 'ports', title: 'Host ports', status: 'fail', detail: `already in use: ${busy.join(', ')}`, fix: 'Stop what holds them, or choose other ports (--port-elasticsearch, --port-kibana, --port-fleet-server).' }
      : { id: 'ports', title: 'Host ports', status: 'pass', detail: `free on 127.0.0.1: ${wanted.map((w) => w.port).join(', ')}` },
  );

  const free = isLocal ? (inputs.freeDiskBytes ?? localFreeDisk)('/var/lib/docker') ?? (inputs.freeDiskBytes ?? localFreeDisk)('/') : undefined;
  if (free !== undefined) {
    checks.push(
      free < MIN_FREE_DISK_BYTES
        ? { id: 'disk', title: 'Disk space', status: 'fail', detail: `${gib(free)} free; Elasticsearch's disk watermarks stall a lab on a nearly full disk`, fix: 'Free at least 5 GiB (docker system prune removes unused images), then try again.' }
        : { id: 'disk', title: 'Disk space', status: 'pass', detail: `${gib(free)} free` },
    );
  }

  checks.push(
    inputs.labExists
      ? { id: 'lab-exists', title: `Lab "${inputs.plan.lab}"`, status: 'warn', detail: `lab "${inputs.plan.lab}" exists already; up starts it again with its data and passwords`, fix: 'To start from scratch: seclab reset, or seclab down then up.' }
      : { id: 'lab-exists', title: `Lab "${inputs.plan.lab}"`, status: 'pass', detail: `no lab named "${inputs.plan.lab}" yet` },
  );
  return checks;
}
