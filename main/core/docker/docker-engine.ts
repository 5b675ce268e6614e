import Docker from 'dockerode';
import { Agent } from 'node:https';
import { PassThrough, type Duplex, type Readable } from 'node:stream';
import { LAB_LABEL } from '../../../common/lab-plan.ts';
import { SeclabError } from '../../../common/errors.ts';
import { checkedImageReference, checkedObjectName } from './docker-names.ts';
import { translateConnectionErrors } from './engine-connection.ts';
import { resolveEngineHere, type ResolvedEngine } from './engine-resolution.ts';
import type { DockerEngineInfo } from '../../../common/docker-engine-info.ts';
import { hostSubnets } from './host-subnets.ts';
import { healthcheckOverdue, podmanHealthcheckDeadlineMs } from './podman-health.ts';
import { rlimitRefusal } from './rlimit-refusal.ts';
import { sshSessionFor, type SshEngineSession } from './ssh-engine-session.ts';
import { localPublishedPorts, publishedPortAccessFor, type PublishedPortAccess } from './published-ports.ts';

/**
 * The only module that talks to the Docker engine. Every object it creates carries the
 * `seclab.lab` label, and every removal first checks that label on the object itself, so the
 * app never touches a container, volume or network it did not make — even one with a lab-like name.
 */

/** Docker's inspection of one container, as the engine returns it (the adapter's name for dockerode's type). */
export type ContainerInspection = Docker.ContainerInspectInfo;

export interface EngineVersion {
  version: string;
  apiVersion: string;
  os: string;
  kernelVersion: string;
  memoryBytes: number;
  operatingSystem: string;
  /** What /version lists as the engine's parts ("Engine", "containerd"…; Podman's compat API says "Podman Engine"). */
  components: string[];
}

export interface LabObjects {
  containers: Array<{
    id: string;
    name: string;
    state: string;
    labels: Record<string, string>;
    /** `container:<id>` when it shares another container's network stack; undefined where the engine's listing does not say (Podman's). */
    networkMode?: string;
    /** The networks it is attached to, by name; undefined where the engine's listing does not say. */
    networks?: string[];
  }>;
  volumes: Array<{ name: string; labels: Record<string, string> }>;
  networks: Array<{ id: string; name: string; labels: Record<string, string>; subnets: string[] }>;
}

export interface ContainerSpec {
  name: string;
  image: string;
  hostname?: string;
  user: string;
  env: Record<string, string>;
  labels: Record<string, string>;
  cmd?: string[];
  entrypoint?: string[];
  network?: { name: string; ip?: string; aliases?: string[] };
  /** `container:<name>` shares that container's network stack (probes that must come from a node's own address). */
  networkMode?: string;
  ports?: Array<{ hostIp: string; hostPort: number; containerPort: number }>;
  memoryBytes?: number;
  ulimits?: Array<{ name: string; soft: number; hard: number }>;
  mounts?: Array<{ source: string; target: string; readOnly: boolean }>;
  openStdin?: boolean;
  restartPolicy?: 'no' | 'on-failure' | 'unless-stopped';
  /** The engine removes the container once it exits (one-shot containers). */
  autoRemove?: boolean;
  /** Dropped from the bounding set; every seclab container drops all unless it names its own list. */
  capDrop?: string[];
  healthcheck?: { test: string[]; intervalSeconds: number; timeoutSeconds: number; retries: number; startPeriodSeconds: number };
}

const NANOSECONDS_PER_SECOND = 1e9;

export interface OneShotResult {
  exitCode: number;
  output: string;
}

/**
 * The one-shot containers this process has asked for and not yet seen removed, each with what removes
 * it. The engine removes a one-shot once it exits (AutoRemove), but not one created and never started:
 * a process that ends between the create and the start leaves it behind. removeOneShotsInFlight is what
 * a process that can end cleanly (the app, `seclab ui`) calls before it exits.
 */
const oneShotsInFlight = new Set<() => Promise<void>>();

/** Removes every one-shot container of this process still in flight, including one whose create has not answered yet. */
export async function removeOneShotsInFlight(): Promise<void> {
  await Promise.allSettled([...oneShotsInFlight].map((remove) => remove()));
}

function requireLabLabel(kind: string, name: string, labels: Record<string, string> | null | undefined): void {
  if (!labels || !labels[LAB_LABEL]) {
    throw new SeclabError('NOT_A_LAB_OBJECT', `refusing to touch ${kind} "${name}": it has no ${LAB_LABEL} label, so seclab did not create it`);
  }
}

/** A listed container's name, without the leading slash the engine's listing gives it. */
const listedName = (container: Docker.ContainerInfo) => container.Names[0]?.replace(/^\//, '') ?? container.Id;

const isNotFound = (error: unknown) => (error as { statusCode?: number })?.statusCode === 404;
/** The engine is removing it already (an AutoRemove one-shot that just exited, say). */
const isRemovalInProgress = (error: unknown) => (error as { statusCode?: number })?.statusCode === 409 && /removal of container .* is already in progress/i.test((error as Error).message);
const REMOVAL_WAIT_MS = 15_000;
/** A network removal the engine refuses while an endpoint is still attached. */
const hasActiveEndpoints = (error: unknown) => (error as { statusCode?: number })?.statusCode === 403 && /has active endpoints/i.test((error as Error).message);

/** The component Podman's compat API lists in /version. */
export const PODMAN_COMPONENT = 'Podman Engine';

/**
 * Docker before 20.10.27 (Debian 12's docker.io is 20.10.24) takes libnetwork's network and controller locks in
 * opposite orders in getSvcRecords, which an endpoint's leave calls, and processEndpointDelete, which its deletion
 * queues (moby/moby#46661, fixed by moby/libnetwork#2679 in 20.10.27 and by moby/moby#42545 from 22.06): a
 * network's containers that leave it at the same moment (exit, removal, disconnect) may deadlock it, and every
 * call about them then hangs until the engine restarts. Podman is another engine.
 */
export function networkLeavesMayDeadlock(version: string, components: readonly string[]): boolean {
  return !components.includes(PODMAN_COMPONENT) && dockerBefore20_10_27(version);
}

/** "20.10.24+dfsg1" → true, "20.10.27" → false, "24.0.7" → false, "19.03.15" → true; a version it cannot read → false. */
export function dockerBefore20_10_27(version: string): boolean {
  const [major, minor, patch] = (/^(\d+)\.(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number);
  if (major === undefined || Number.isNaN(major)) return false;
  if (major !== 20) return major < 20;
  return minor < 10 || (minor === 10 && patch < 27);
}

/** What the engine's resolution may show: everything but the connection options (a TLS key among them). */
export function engineInfoOf(resolved: ResolvedEngine): DockerEngineInfo {
  const { source, address, contextName, how, label, candidates } = resolved;
  return { source, address, ...(contextName ? { contextName } : {}), how, label, candidates };
}

/**
 * A dockerode client for exactly the resolved engine. Every connection field is set, even to
 * undefined: docker-modem fills the ones left out from process.env's DOCKER_HOST, which may name another engine.
 */
export function dockerClientFor(resolved: ResolvedEngine, session?: SshEngineSession): Docker {
  const unset = { socketPath: undefined, host: undefined, port: undefined, protocol: undefined, username: undefined, ca: undefined, cert: undefined, key: undefined };
  // ssh://: plain HTTP over seclab's own SSH session (one connection for the API and the tunnels), not docker-modem's one per request.
  if (session) return new Docker({ ...unset, protocol: 'http', host: resolved.options.host, port: resolved.options.port, agent: session.dockerAgent() } as Docker.DockerOptions);
  const agent = resolved.skipTlsVerify ? { agent: new Agent({ rejectUnauthorized: false }) } : {};
  return new Docker({ ...unset, ...resolved.options, ...agent } as Docker.DockerOptions);
}

export class DockerEngine {
  readonly docker: Docker;
  /** The engine this talks to and how it was found; absent for a client made by hand (tests). */
  readonly info: DockerEngineInfo | undefined;
  /** How the ports labs publish on the engine host's 127.0.0.1 are reached from here (published-ports.ts). */
  readonly publishedPorts: PublishedPortAccess;
  /** How long a container's or network's removal may take the engine before seclab says it is stuck (tests shorten it). */
  removalWaitMs = REMOVAL_WAIT_MS;

  /** Without a client: the engine the docker CLI would use here (engine-resolution.ts). */
  constructor(docker?: Docker, info?: DockerEngineInfo, publishedPorts: PublishedPortAccess = localPublishedPorts) {
    if (docker) {
      this.docker = docker;
      this.info = info;
      this.publishedPorts = publishedPorts;
    } else {
      const resolved = resolveEngineHere();
      const session = sshSessionFor(resolved);
      this.docker = dockerClientFor(resolved, session);
      this.info = engineInfoOf(resolved);
      this.publishedPorts = publishedPortAccessFor(resolved, session);
    }
    translateConnectionErrors(this.docker.modem, this.info);
  }

  static forResolvedEngine(resolved: ResolvedEngine): DockerEngine {
    const session = sshSessionFor(resolved);
    return new DockerEngine(dockerClientFor(resolved, session), engineInfoOf(resolved), publishedPortAccessFor(resolved, session));
  }

  // Every name that goes into a request path passes Docker's own name rule first (docker-names.ts).
  private container(name: string): Docker.Container {
    return this.docker.getContainer(checkedObjectName('container', name));
  }

  private volume(name: string): Docker.Volume {
    return this.docker.getVolume(checkedObjectName('volume', name));
  }

  private network(idOrName: string): Docker.Network {
    return this.docker.getNetwork(checkedObjectName('network', idOrName));
  }

  private image(reference: string): Docker.Image {
    return this.docker.getImage(checkedImageReference(reference));
  }

  async version(): Promise<EngineVersion> {
    try {
      const [version, info] = await Promise.all([this.docker.version(), this.docker.info()]);
      return {
        version: version.Version,
        apiVersion: version.ApiVersion,
        os: version.Os,
        kernelVersion: version.KernelVersion ?? info.KernelVersion,
        memoryBytes: info.MemTotal,
        operatingSystem: info.OperatingSystem,
        components: (version.Components ?? []).map((component) => component.Name),
      };
    } catch (error) {
      if (error instanceof SeclabError) throw error;
      throw new SeclabError(
        'DOCKER_UNREACHABLE',
        `cannot reach the Docker engine (${(error as Error).message}): start Docker (Linux: \`sudo systemctl start docker\` or \`dockerd &\`; macOS/Windows: start Docker Desktop) or set DOCKER_HOST`,
      );
    }
  }

  /**
   * What tells one engine from another, and the same engine before and after a change that moves
   * its limits (another VM, rootless mode, a new kernel or version): the key of measured limits.
   */
  async identity(): Promise<string> {
    const info = await this.docker.info();
    return JSON.stringify([this.info?.address, info.ID, info.ServerVersion, info.KernelVersion, info.OperatingSystem, info.CgroupVersion, info.SecurityOptions, info.DefaultRuntime, info.NCPU, info.MemTotal]);
  }

  /** Each of the lab's containers by name, and whether it runs: one listing, cheaper for the engine than an inspect per container. */
  async labContainerStates(lab: string): Promise<Map<string, { running: boolean }>> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${LAB_LABEL}=${lab}`] } });
    return new Map(containers.map((c) => [listedName(c), { running: c.State === 'running' }]));
  }

  async labObjects(lab?: string): Promise<LabObjects> {
    const filter = { label: [lab ? `${LAB_LABEL}=${lab}` : LAB_LABEL] };
    const [containers, volumes, networks] = await Promise.all([this.docker.listContainers({ all: true, filters: filter }), this.docker.listVolumes({ filters: filter }), this.docker.listNetworks({ filters: filter })]);
    return {
      containers: containers.map((c) => ({
        id: c.Id,
        name: listedName(c),
        state: c.State,
        labels: c.Labels,
        networkMode: c.HostConfig?.NetworkMode,
        networks: c.NetworkSettings?.Networks ? Object.keys(c.NetworkSettings.Networks) : undefined,
      })),
      volumes: (volumes.Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {} })),
      networks: networks.map((n) => ({
        id: n.Id,
        name: n.Name,
        labels: n.Labels ?? {},
        subnets: (n.IPAM?.Config ?? []).map((config) => config.Subnet ?? '').filter(Boolean),
      })),
    };
  }

  private listedVersion: Promise<Docker.DockerVersion> | undefined;

  /** /version, asked once (again after a failure): what isPodman and concurrentNetworkLeavesMayDeadlock read. */
  private engineVersion(): Promise<Docker.DockerVersion> {
    this.listedVersion ??= this.docker.version().catch((error: unknown) => {
      this.listedVersion = undefined;
      throw error;
    });
    return this.listedVersion;
  }

  /**
   * Whether containers that leave one network at the same moment may deadlock this engine for good
   * (networkLeavesMayDeadlock). Seen here: a teardown's parallel forced removals of seven lab containers.
   */
  async concurrentNetworkLeavesMayDeadlock(): Promise<boolean> {
    return this.engineVersion().then(
      (version) =>
        networkLeavesMayDeadlock(
          version.Version,
          (version.Components ?? []).map((component) => component.Name),
        ),
      () => false,
    );
  }

  /**
   * Disconnects a running container from each of its networks, one after the other: its endpoints leave while it
   * runs, so its exit afterwards has none to release. Gone, stopped or already disconnected is done.
   */
  async detachFromNetworks(container: string): Promise<void> {
    const info = await this.inspectContainer(container);
    if (!info) return;
    requireLabLabel('container', container, info.Config.Labels);
    if (!info.State.Running) return;
    for (const network of Object.keys(info.NetworkSettings?.Networks ?? {})) {
      try {
        await this.network(network).disconnect({ Container: info.Id, Force: true });
      } catch (error) {
        if (!isNotFound(error) && !/is not connected to (the )?network/i.test((error as Error).message)) throw error;
      }
    }
  }

  /** Podman's Docker-compatible API (podman system service): /version lists a "Podman Engine" component (podman pkg/api/handlers/compat/version.go). */
  async isPodman(): Promise<boolean> {
    return this.engineVersion().then(
      (version) => (version.Components ?? []).some((component) => component.Name === PODMAN_COMPONENT),
      () => false,
    );
  }

  /**
   * Whether an archive sent to a folder above a stopped container's volumes lands in those volumes. Docker
   * mounts the container's volumes for the copy (daemon/archive.go containerExtractToDir, mountVolumes);
   * Podman resolves a volume only when the destination itself is in it, and otherwise writes into the
   * container's own layer, under the volume (libpod/container_copy_linux.go), where it is never seen.
   */
  async extractsAcrossVolumes(): Promise<boolean> {
    return !(await this.isPodman());
  }

  async engineSubnets(): Promise<string[]> {
    const networks = await this.docker.listNetworks();
    const own = networks.flatMap((n) => (n.IPAM?.Config ?? []).map((config) => config.Subnet ?? '')).filter(Boolean);
    // An engine on a local socket shares this machine's routes: a subnet another engine's bridge is on
    // (Podman's, for Docker; Docker's, for Podman) is taken, though neither network list shows it.
    // Podman refuses such a subnet (see host-subnets.ts); Docker takes it, and then the lab's
    // containers are unreachable from here, the host's route going to the other bridge.
    const socketPath = (this.docker.modem as { socketPath?: unknown }).socketPath;
    if (typeof socketPath === 'string' && socketPath.startsWith('/') && !socketPath.startsWith('//')) return [...new Set([...own, ...hostSubnets()])];
    return own;
  }

  async createNetwork(name: string, subnet: string, gateway: string, labels: Record<string, string>): Promise<void> {
    requireLabLabel('network', name, labels);
    checkedObjectName('network', name);
    try {
      await this.docker.createNetwork({
        Name: name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: labels,
        IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: gateway }] },
      });
    } catch (error) {
      // Docker says "Pool overlaps with other one on this address space"; Podman, for the same refusal,
      // "subnet … is already used on the host or by another config" (containers/common libnetwork validateSubnet).
      // Said one way, so that a subnet taken since it was chosen is chosen again on either engine.
      if (/is already used on the host or by another config/i.test((error as Error).message)) {
        throw new SeclabError('SUBNET_TAKEN', `subnet ${subnet} overlaps one already used on the engine's host (${(error as Error).message})`);
      }
      throw error;
    }
  }

  async createVolume(name: string, labels: Record<string, string>): Promise<void> {
    requireLabLabel('volume', name, labels);
    checkedObjectName('volume', name);
    await this.docker.createVolume({ Name: name, Labels: labels });
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    requireLabLabel('container', spec.name, spec.labels);
    checkedObjectName('container', spec.name);
    checkedImageReference(spec.image);
    const exposed: Record<string, object> = {};
    const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
    for (const port of spec.ports ?? []) {
      exposed[`${port.containerPort}/tcp`] = {};
      bindings[`${port.containerPort}/tcp`] = [{ HostIp: port.hostIp, HostPort: String(port.hostPort) }];
    }
    const container = await this.docker.createContainer({
      name: spec.name,
      Image: spec.image,
      Hostname: spec.hostname,
      User: spec.user,
      Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
      Labels: spec.labels,
      Cmd: spec.cmd,
      Entrypoint: spec.entrypoint,
      ExposedPorts: exposed,
      // Without a network the engine need not wire one: on Docker 20.10 that spares two re-runs of dockerd's
      // own binary per start (its libnetwork-setkey prestart hook and set-ipv6), a fifth of a keystore one-shot.
      NetworkDisabled: spec.networkMode === 'none',
      OpenStdin: spec.openStdin ?? false,
      StdinOnce: spec.openStdin ?? false,
      AttachStdin: spec.openStdin ?? false,
      AttachStdout: spec.openStdin ?? false,
      AttachStderr: spec.openStdin ?? false,
      Healthcheck: spec.healthcheck
        ? {
            Test: spec.healthcheck.test,
            Interval: spec.healthcheck.intervalSeconds * NANOSECONDS_PER_SECOND,
            Timeout: spec.healthcheck.timeoutSeconds * NANOSECONDS_PER_SECOND,
            Retries: spec.healthcheck.retries,
            StartPeriod: spec.healthcheck.startPeriodSeconds * NANOSECONDS_PER_SECOND,
          }
        : undefined,
      HostConfig: {
        PortBindings: bindings,
        Memory: spec.memoryBytes,
        Ulimits: spec.ulimits?.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
        Mounts: spec.mounts?.map((m) => ({ Type: 'volume' as const, Source: m.source, Target: m.target, ReadOnly: m.readOnly })),
        NetworkMode: spec.networkMode ?? spec.network?.name,
        RestartPolicy: { Name: spec.restartPolicy ?? 'no' },
        AutoRemove: spec.autoRemove ?? false,
        SecurityOpt: ['no-new-privileges'],
        CapDrop: spec.capDrop ?? ['ALL'],
      },
      NetworkingConfig:
        spec.network && !spec.networkMode
          ? {
              EndpointsConfig: {
                [spec.network.name]: {
                  IPAMConfig: spec.network.ip ? { IPv4Address: spec.network.ip } : undefined,
                  Aliases: spec.network.aliases,
                },
              },
            }
          : undefined,
    });
    return container.id;
  }

  /** Copies a tar archive into a created or running container (volumes included). */
  async putArchive(container: string, path: string, archive: Buffer): Promise<void> {
    await this.container(container).putArchive(archive, { path });
  }

  async startContainer(container: string): Promise<void> {
    try {
      await this.container(container).start();
    } catch (error) {
      // Already running (started by an earlier, interrupted run): what start was asked for is true.
      if ((error as { statusCode?: number }).statusCode === 304) return;
      const taken = /Bind for (\S+) failed: port is already allocated/.exec((error as Error).message);
      if (taken) {
        throw new SeclabError('PORT_TAKEN', `${taken[1]} was taken by another program after seclab chose it: run the command again (free ports are chosen anew), or pass another --port-* option`, {
          component: container,
        });
      }
      const refused = rlimitRefusal((error as Error).message, container, await this.isPodman());
      if (refused) throw new SeclabError('ENGINE_LIMITS', refused, { component: container });
      throw error;
    }
  }

  async stopContainer(container: string, timeoutSeconds = 10): Promise<void> {
    const info = await this.container(container).inspect();
    requireLabLabel('container', container, info.Config.Labels);
    if (info.State.Running) await this.container(container).stop({ t: timeoutSeconds });
  }

  async inspectContainer(container: string): Promise<ContainerInspection | undefined> {
    try {
      const info = await this.container(container).inspect();
      if (!healthcheckOverdue(info, Date.now()) || !(await this.isPodman())) return info;
      // Nothing runs this Podman's healthchecks (see podman-health.ts): run it now, as `podman healthcheck run` does.
      await this.runPodmanHealthcheck(info.Id, podmanHealthcheckDeadlineMs(info)).catch(() => undefined);
      return await this.container(info.Id).inspect();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Podman's own API, GET /libpod/containers/{id}/healthcheck: runs the container's healthcheck once and records it.
   * Given up at `deadlineMs`: an inspect, and so `seclab status`, must not wait on an exec Podman never ends.
   */
  private runPodmanHealthcheck(id: string, deadlineMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.docker.modem.dial(
        {
          path: `/v4.0.0/libpod/containers/${checkedObjectName('container', id)}/healthcheck`,
          method: 'GET',
          abortSignal: AbortSignal.timeout(deadlineMs),
          statusCodes: { 200: true, 404: 'no such container', 409: 'container has no healthcheck or is not running', 500: 'server error' },
        },
        (error) => (error ? reject(error) : resolve()),
      );
    });
  }

  async removeContainer(container: string): Promise<void> {
    const info = await this.inspectContainer(container);
    if (!info) return;
    requireLabLabel('container', container, info.Config.Labels);
    try {
      await this.container(info.Id).remove({ force: true, v: false });
    } catch (error) {
      if (isNotFound(error)) return;
      if (!isRemovalInProgress(error) && !/failed to remove root filesystem/i.test((error as Error).message)) throw error;
      await this.waitUntilGone(info.Id);
    }
  }

  /**
   * SIGKILL, no removal: most of a forced removal's cost (the runtime's teardown, the network's) without the
   * order a removal needs between containers that share a network stack. Gone or already stopped is done.
   */
  async killContainer(container: string): Promise<void> {
    const info = await this.inspectContainer(container);
    if (!info) return;
    requireLabLabel('container', container, info.Config.Labels);
    if (!info.State.Running) return;
    try {
      await this.container(info.Id).kill({ signal: 'SIGKILL' });
    } catch (error) {
      // 409: it stopped between the inspect and the kill.
      if (isNotFound(error) || (error as { statusCode?: number })?.statusCode === 409) return;
      throw error;
    }
  }

  private async waitUntilGone(containerId: string): Promise<void> {
    const deadline = Date.now() + this.removalWaitMs;
    for (let info = await this.inspectContainer(containerId); info; info = await this.inspectContainer(containerId)) {
      // A removal that failed half-way ("failed to remove root filesystem … directory not empty") leaves the
      // container dead; asking again finishes it.
      if (info.State.Dead)
        await this.container(containerId)
          .remove({ force: true, v: false })
          .catch(() => undefined);
      if (Date.now() > deadline)
        throw new SeclabError('REMOVAL_STUCK', `the engine has been removing container ${containerId.slice(0, 12)} for ${this.removalWaitMs / 1000} s: check \`docker ps -a\`, then run the command again`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async removeVolume(name: string): Promise<void> {
    let info: { Labels?: Record<string, string> | null };
    try {
      info = await this.volume(name).inspect();
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    requireLabLabel('volume', name, info.Labels);
    await this.volume(name).remove();
  }

  async removeNetwork(idOrName: string): Promise<void> {
    let info: { Name: string; Labels?: Record<string, string> };
    try {
      info = await this.network(idOrName).inspect();
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    requireLabLabel('network', info.Name, info.Labels);
    const deadline = Date.now() + this.removalWaitMs;
    for (;;) {
      try {
        await this.network(idOrName).remove();
        return;
      } catch (error) {
        if (isNotFound(error)) return;
        if (!hasActiveEndpoints(error)) throw error;
        // An endpoint may outlive its container's removal for a moment, or for good (moby/moby#42119): wait, then say which.
        if (Date.now() > deadline) {
          const attached = await this.network(idOrName)
            .inspect()
            .then((network: { Containers?: Record<string, { Name?: string }> }) => Object.values(network.Containers ?? {}).map((endpoint) => endpoint.Name))
            .catch(() => []);
          throw new SeclabError(
            'REMOVAL_STUCK',
            attached.length > 0
              ? `network ${info.Name} still has containers attached after ${this.removalWaitMs / 1000} s (${attached.join(', ')}): remove them (\`docker ps -a --filter network=${info.Name}\`), then run the command again`
              : `the engine still counts endpoints on network ${info.Name} though no container is attached (a Docker bug, moby/moby#42119): restart the Docker engine, then run the command again`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  async imageExists(tag: string): Promise<boolean> {
    try {
      await this.image(tag).inspect();
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async imageLabels(tag: string): Promise<Record<string, string>> {
    const info = await this.image(tag).inspect();
    return info.Config?.Labels ?? {};
  }

  /** Builds from a tar build context (Dockerfile at its root) with the engine's classic builder. */
  async buildImage(context: Readable | Buffer, tag: string, onLine?: (line: string) => void): Promise<void> {
    const stream = await this.docker.buildImage(context as NodeJS.ReadableStream, { t: checkedImageReference(tag), rm: true, forcerm: true });
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (error: Error | null, output: Array<{ error?: string }>) => {
          const failed = output?.find((entry) => entry.error);
          if (error) reject(error);
          else if (failed) reject(new SeclabError('IMAGE_BUILD_FAILED', `building ${tag} failed: ${failed.error}`));
          else resolve();
        },
        (event: { stream?: string }) => {
          if (event.stream && onLine) onLine(event.stream.trimEnd());
        },
      );
    });
  }

  /** Has the engine fetch the image's manifest from its registry, without pulling a layer. */
  async inspectRemoteImage(tag: string): Promise<void> {
    await this.image(tag).distribution({});
  }

  async pullImage(tag: string, onProgress: (event: { id?: string; status: string; current?: number; total?: number }) => void): Promise<void> {
    const stream = await this.docker.pull(checkedImageReference(tag));
    await new Promise<void>((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (error: Error | null) => (error ? reject(error) : resolve()),
        (event: { id?: string; status: string; progressDetail?: { current?: number; total?: number } }) =>
          onProgress({ id: event.id, status: event.status, current: event.progressDetail?.current, total: event.progressDetail?.total }),
      );
    });
  }

  /**
   * Runs a labelled container to completion (keystore tools and the like), feeding `stdin`.
   * The engine removes it when it exits (AutoRemove, as `docker run --rm`), so a CLI killed
   * mid-run leaves none behind. As the docker CLI does for --rm, the output is attached and the
   * wait for removal registered before the start, so nothing is lost to the removal. Output is
   * returned for error messages; callers must not log it raw if the command could echo a secret.
   */
  async runToCompletion(spec: ContainerSpec & { stdin?: string }, timeoutMs = 120_000): Promise<OneShotResult> {
    const created = this.createContainer({ ...spec, openStdin: spec.stdin !== undefined, autoRemove: true });
    const removeNow = () => created.then((id) => this.removeOneShot(id)).catch(() => undefined);
    oneShotsInFlight.add(removeNow);
    let id: string;
    try {
      id = await created;
    } catch (error) {
      oneShotsInFlight.delete(removeNow);
      throw error;
    }
    const container = this.container(id);
    let attached: NodeJS.ReadWriteStream | undefined;
    let removal: Readable | undefined;
    // The deadline covers every step after the create, not only the run: an attach or a start the engine
    // never answers (a connection that stalled) must end here too, and the container be removed.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SeclabError('ONE_SHOT_TIMEOUT', `${spec.name} did not finish within ${timeoutMs / 1000}s`)), timeoutMs);
    });
    deadline.catch(() => undefined);
    const withinDeadline = <T>(step: Promise<T>): Promise<T> => Promise.race([step, deadline]);
    try {
      const output = new PassThrough();
      const chunks: Buffer[] = [];
      output.on('data', (chunk: Buffer) => chunks.push(chunk));
      const stream = (attached = await withinDeadline(this.attachForOneShot(id, spec.stdin !== undefined)));
      const outputComplete = new Promise<void>((resolve) => {
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', () => resolve());
      });
      container.modem.demuxStream(stream, output, output);
      removal = await withinDeadline(this.openExitWait(id, (await this.isPodman()) ? 'next-exit' : 'removed'));
      const exited = readWaitResult(removal);
      // A failed start ends the wait too: the start's error is the one to report, never an unhandled rejection.
      exited.catch(() => undefined);
      await withinDeadline(container.start());
      if (spec.stdin !== undefined) {
        stream.write(spec.stdin);
        (stream as unknown as { end: () => void }).end();
      }
      const result = await withinDeadline(exited);
      await Promise.race([outputComplete, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      return { exitCode: result.StatusCode, output: Buffer.concat(chunks).toString('utf8') };
    } finally {
      clearTimeout(timer);
      removal?.destroy();
      (attached as unknown as Duplex | undefined)?.destroy();
      // After a timeout or a failed start the container may still be there; and the engine answers the
      // removal wait a moment before the container is really gone: callers may count on it being gone.
      await this.removeOneShot(id);
      oneShotsInFlight.delete(removeNow);
    }
  }

  private async removeOneShot(id: string): Promise<void> {
    await this.docker
      .getContainer(id)
      .remove({ force: true })
      .catch(() => undefined);
    await this.waitUntilGone(id).catch(() => undefined);
  }

  /**
   * `docker exec`: runs `cmd` in a running container, feeding `stdin` (then closing it). The output is
   * stdout and stderr together, for evidence and error messages.
   */
  async exec(container: string, cmd: string[], options: { stdin?: string; user?: string } = {}): Promise<OneShotResult> {
    const handle = this.container(container);
    const withStdin = options.stdin !== undefined;
    const exec = await handle.exec({ Cmd: cmd, User: options.user, AttachStdin: withStdin, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: withStdin });
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk));
    handle.modem.demuxStream(stream, output, output);
    const ended = new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
    if (withStdin) {
      stream.write(options.stdin);
      (stream as unknown as { end: () => void }).end();
    }
    await ended;
    const info = await exec.inspect();
    return { exitCode: info.ExitCode ?? -1, output: Buffer.concat(chunks).toString('utf8') };
  }

  /**
   * POST /containers/{id}/attach with its options in the query and an empty body. dockerode's attach also
   * sends the options as a JSON body, which Docker ignores but Podman hands to the container as the first
   * bytes of its stdin (a keystore value fed on stdin then began with `{"stream":true,…}`).
   */
  private attachForOneShot(id: string, stdin: boolean): Promise<NodeJS.ReadWriteStream> {
    return new Promise((resolve, reject) => {
      this.docker.modem.dial(
        {
          path: `/containers/${checkedObjectName('container', id)}/attach?`,
          method: 'POST',
          isStream: true,
          hijack: true,
          openStdin: stdin,
          options: { stream: true, stdin, stdout: true, stderr: true },
          // An empty body said with Content-Length: 0 (docker-modem otherwise sends the options, or a chunked body the engine waits on).
          file: Buffer.alloc(0),
          statusCodes: { 101: true, 200: true, 400: 'bad parameter', 404: 'no such container', 409: 'container is paused', 500: 'server error' },
        },
        (error, stream) => (error ? reject(error) : resolve(stream as NodeJS.ReadWriteStream)),
      );
    });
  }

  /**
   * POST /containers/{id}/wait; resolves once the engine has registered the wait (it sends the headers then).
   * Docker answers condition=removed with the exit code; Podman answers it with StatusCode 0 whatever the
   * code was (the container and its exit code are gone by then; podman pkg/api/handlers/compat/containers.go,
   * WaitContainerDocker), so on Podman the exit is awaited instead (next-exit, which it answers with the code)
   * and the removal below in runToCompletion.
   */
  private openExitWait(id: string, condition: 'removed' | 'next-exit'): Promise<Readable> {
    return new Promise((resolve, reject) => {
      this.docker.modem.dial(
        {
          path: `/containers/${checkedObjectName('container', id)}/wait?`,
          method: 'POST',
          isStream: true,
          options: { condition },
          statusCodes: { 200: true, 400: 'bad parameter', 404: 'no such container', 500: 'server error' },
        },
        (error, stream) => (error ? reject(error) : resolve(stream as Readable)),
      );
    });
  }

  async logs(container: string, options: { tail?: number; follow?: false; since?: number }): Promise<string>;
  async logs(container: string, options: { tail?: number; follow: true; since?: number }): Promise<Readable>;
  async logs(container: string, options: { tail?: number; follow?: boolean; since?: number }): Promise<string | Readable> {
    const handle = this.container(container);
    // Left out when unset: dockerode would send `since=`, which Docker reads as 0 and Podman refuses
    // with HTTP 400 ("failed to parse query parameter 'since': """).
    const since = options.since === undefined ? {} : { since: options.since };
    if (options.follow) {
      const raw = await handle.logs({ follow: true, stdout: true, stderr: true, tail: options.tail ?? 100, ...since });
      const output = new PassThrough();
      handle.modem.demuxStream(raw, output, output);
      raw.on('end', () => output.end());
      // A dropped engine connection ends the follow with an error for whoever listens; never the process.
      raw.on('error', (error: Error) => output.destroy(error));
      output.on('error', () => undefined);
      return output;
    }
    const raw = (await handle.logs({ follow: false, stdout: true, stderr: true, tail: options.tail ?? 100, ...since })) as Buffer;
    return demuxBuffer(raw);
  }

  async events(filters: Record<string, string[]>): Promise<NodeJS.ReadableStream> {
    return this.docker.getEvents({ filters });
  }
}

/** Docker multiplexes stdout/stderr of non-TTY containers into 8-byte-header frames. */
export function demuxBuffer(raw: Buffer): string {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= raw.length) {
    const type = raw[offset];
    const size = raw.readUInt32BE(offset + 4);
    if (type > 2 || raw[offset + 1] !== 0) return raw.toString('utf8');
    parts.push(raw.subarray(offset + 8, offset + 8 + size));
    offset += 8 + size;
  }
  return Buffer.concat(parts).toString('utf8');
}

function readWaitResult(stream: Readable): Promise<{ StatusCode: number }> {
  return new Promise((resolve, reject) => {
    let body = '';
    stream.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    stream.on('end', () => {
      try {
        resolve(JSON.parse(body) as { StatusCode: number });
      } catch {
        reject(new SeclabError('ONE_SHOT_WAIT_FAILED', `the engine's answer to waiting for a one-shot container was not JSON: ${body.slice(0, 200)}`));
      }
    });
    stream.on('error', reject);
  });
}
