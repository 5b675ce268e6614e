import Docker from 'dockerode';
import { PassThrough, type Readable } from 'node:stream';
import { LAB_LABEL } from '../../../common/lab-plan.ts';
import { SeclabError } from '../../../common/errors.ts';

/**
 * The only module that talks to the Docker engine. Every object it creates carries the
 * `seclab.lab` label, and every removal first checks that label on the object itself, so the
 * app never touches a container, volume or network it did not make — even one with a lab-like name.
 */

export interface EngineVersion {
  version: string;
  apiVersion: string;
  os: string;
  kernelVersion: string;
  memoryBytes: number;
  operatingSystem: string;
}

export interface LabObjects {
  containers: Array<{ id: string; name: string; state: string; labels: Record<string, string> }>;
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
  /** Dropped from the bounding set; every seclab container drops all unless it names its own list. */
  capDrop?: string[];
  healthcheck?: { test: string[]; intervalSeconds: number; timeoutSeconds: number; retries: number; startPeriodSeconds: number };
}

const NANOSECONDS_PER_SECOND = 1e9;

export interface OneShotResult {
  exitCode: number;
  output: string;
}

function requireLabLabel(kind: string, name: string, labels: Record<string, string> | null | undefined): void {
  if (!labels || !labels[LAB_LABEL]) {
    throw new SeclabError('NOT_A_LAB_OBJECT', `refusing to touch ${kind} "${name}": it has no ${LAB_LABEL} label, so seclab did not create it`);
  }
}

const isNotFound = (error: unknown) => (error as { statusCode?: number })?.statusCode === 404;

export class DockerEngine {
  readonly docker: Docker;

  constructor(docker?: Docker) {
    // dockerode reads DOCKER_HOST (unix, tcp with DOCKER_TLS_VERIFY/DOCKER_CERT_PATH, ssh://).
    this.docker = docker ?? new Docker();
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
      };
    } catch (error) {
      throw new SeclabError(
        'DOCKER_UNREACHABLE',
        `cannot reach the Docker engine (${(error as Error).message}): start Docker (Linux: \`sudo systemctl start docker\` or \`dockerd &\`; macOS/Windows: start Docker Desktop) or set DOCKER_HOST`,
      );
    }
  }

  async labObjects(lab?: string): Promise<LabObjects> {
    const filter = { label: [lab ? `${LAB_LABEL}=${lab}` : LAB_LABEL] };
    const [containers, volumes, networks] = await Promise.all([
      this.docker.listContainers({ all: true, filters: filter }),
      this.docker.listVolumes({ filters: filter }),
      this.docker.listNetworks({ filters: filter }),
    ]);
    return {
      containers: containers.map((c) => ({ id: c.Id, name: c.Names[0]?.replace(/^\//, '') ?? c.Id, state: c.State, labels: c.Labels })),
      volumes: (volumes.Volumes ?? []).map((v) => ({ name: v.Name, labels: v.Labels ?? {} })),
      networks: networks.map((n) => ({
        id: n.Id,
        name: n.Name,
        labels: n.Labels ?? {},
        subnets: (n.IPAM?.Config ?? []).map((config) => config.Subnet ?? '').filter(Boolean),
      })),
    };
  }

  async engineSubnets(): Promise<string[]> {
    const networks = await this.docker.listNetworks();
    return networks.flatMap((n) => (n.IPAM?.Config ?? []).map((config) => config.Subnet ?? '')).filter(Boolean);
  }

  async createNetwork(name: string, subnet: string, gateway: string, labels: Record<string, string>): Promise<void> {
    requireLabLabel('network', name, labels);
    await this.docker.createNetwork({
      Name: name,
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: labels,
      IPAM: { Driver: 'default', Config: [{ Subnet: subnet, Gateway: gateway }] },
    });
  }

  async createVolume(name: string, labels: Record<string, string>): Promise<void> {
    requireLabLabel('volume', name, labels);
    await this.docker.createVolume({ Name: name, Labels: labels });
  }

  async createContainer(spec: ContainerSpec): Promise<string> {
    requireLabLabel('container', spec.name, spec.labels);
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
        SecurityOpt: ['no-new-privileges'],
        CapDrop: spec.capDrop ?? ['ALL'],
      },
      NetworkingConfig: spec.network && !spec.networkMode
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
    await this.docker.getContainer(container).putArchive(archive, { path });
  }

  async startContainer(container: string): Promise<void> {
    try {
      await this.docker.getContainer(container).start();
    } catch (error) {
      const taken = /Bind for (\S+) failed: port is already allocated/.exec((error as Error).message);
      if (taken) {
        throw new SeclabError('PORT_TAKEN', `${taken[1]} was taken by another program after seclab chose it: run the command again (free ports are chosen anew), or pass another --port-* option`, { component: container });
      }
      throw error;
    }
  }

  async stopContainer(container: string, timeoutSeconds = 10): Promise<void> {
    const info = await this.docker.getContainer(container).inspect();
    requireLabLabel('container', container, info.Config.Labels);
    if (info.State.Running) await this.docker.getContainer(container).stop({ t: timeoutSeconds });
  }

  async inspectContainer(container: string): Promise<Docker.ContainerInspectInfo | undefined> {
    try {
      return await this.docker.getContainer(container).inspect();
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async removeContainer(container: string): Promise<void> {
    const info = await this.inspectContainer(container);
    if (!info) return;
    requireLabLabel('container', container, info.Config.Labels);
    await this.docker.getContainer(info.Id).remove({ force: true, v: false });
  }

  async removeVolume(name: string): Promise<void> {
    let info: { Labels?: Record<string, string> | null };
    try {
      info = await this.docker.getVolume(name).inspect();
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    requireLabLabel('volume', name, info.Labels);
    await this.docker.getVolume(name).remove();
  }

  async removeNetwork(idOrName: string): Promise<void> {
    let info: { Name: string; Labels?: Record<string, string> };
    try {
      info = await this.docker.getNetwork(idOrName).inspect();
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    requireLabLabel('network', info.Name, info.Labels);
    await this.docker.getNetwork(idOrName).remove();
  }

  async imageExists(tag: string): Promise<boolean> {
    try {
      await this.docker.getImage(tag).inspect();
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  async imageLabels(tag: string): Promise<Record<string, string>> {
    const info = await this.docker.getImage(tag).inspect();
    return info.Config?.Labels ?? {};
  }

  /** Builds from a tar build context (Dockerfile at its root) with the engine's classic builder. */
  async buildImage(context: Readable | Buffer, tag: string, onLine?: (line: string) => void): Promise<void> {
    const stream = await this.docker.buildImage(context as NodeJS.ReadableStream, { t: tag, rm: true, forcerm: true });
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
    await this.docker.getImage(tag).distribution({});
  }

  async pullImage(tag: string, onProgress: (event: { id?: string; status: string; current?: number; total?: number }) => void): Promise<void> {
    const stream = await this.docker.pull(tag);
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
   * Runs a labelled container to completion (keystore tools and the like), feeding `stdin`,
   * and removes it. Output is returned for error messages; callers must not log it raw if
   * the command could echo a secret.
   */
  async runToCompletion(spec: ContainerSpec & { stdin?: string }, timeoutMs = 120_000): Promise<OneShotResult> {
    const id = await this.createContainer({ ...spec, openStdin: spec.stdin !== undefined });
    const container = this.docker.getContainer(id);
    try {
      const output = new PassThrough();
      const chunks: Buffer[] = [];
      output.on('data', (chunk: Buffer) => chunks.push(chunk));
      const attached = (await container.attach({ stream: true, stdin: spec.stdin !== undefined, stdout: true, stderr: true, hijack: true })) as NodeJS.ReadWriteStream;
      container.modem.demuxStream(attached, output, output);
      await container.start();
      if (spec.stdin !== undefined) {
        attached.write(spec.stdin);
        (attached as unknown as { end: () => void }).end();
      }
      let timer: NodeJS.Timeout | undefined;
      const result = (await Promise.race([
        container.wait(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new SeclabError('ONE_SHOT_TIMEOUT', `${spec.name} did not finish within ${timeoutMs / 1000}s`)), timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer))) as { StatusCode: number };
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { exitCode: result.StatusCode, output: Buffer.concat(chunks).toString('utf8') };
    } finally {
      await container.remove({ force: true }).catch(() => undefined);
    }
  }

  async logs(container: string, options: { tail?: number; follow?: false; since?: number }): Promise<string>;
  async logs(container: string, options: { tail?: number; follow: true; since?: number }): Promise<Readable>;
  async logs(container: string, options: { tail?: number; follow?: boolean; since?: number }): Promise<string | Readable> {
    const handle = this.docker.getContainer(container);
    if (options.follow) {
      const raw = await handle.logs({ follow: true, stdout: true, stderr: true, tail: options.tail ?? 100, since: options.since });
      const output = new PassThrough();
      handle.modem.demuxStream(raw, output, output);
      raw.on('end', () => output.end());
      return output;
    }
    const raw = (await handle.logs({ follow: false, stdout: true, stderr: true, tail: options.tail ?? 100, since: options.since })) as Buffer;
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
