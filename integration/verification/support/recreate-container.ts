import type Docker from 'dockerode';
import { LAB_LABEL } from '../../../common/lab-plan.ts';
import type { DockerEngine } from '../../../main/core/docker/docker-engine.ts';

export type CreateOptions = Docker.ContainerCreateOptions & { name: string };

/**
 * Everything `docker create` needs to make the same container again, read from `docker inspect`:
 * name, image, hostname, user, env, labels, entrypoint/cmd, ports, memory, ulimits, volume mounts,
 * restart policy, security options, and the lab network with its static IP and aliases.
 */
export function createOptionsOf(info: Docker.ContainerInspectInfo): CreateOptions {
  const networks: Record<string, Docker.EndpointSettings> = {};
  const shortId = info.Id.slice(0, 12);
  for (const [name, endpoint] of Object.entries(info.NetworkSettings.Networks ?? {})) {
    networks[name] = {
      IPAMConfig: endpoint.IPAMConfig ?? undefined,
      // Docker adds the container's short id to its aliases; the new container gets its own.
      Aliases: (endpoint.Aliases ?? []).filter((alias: string) => alias !== shortId),
    };
  }
  const host = info.HostConfig;
  return {
    name: info.Name.replace(/^\//, ''),
    // The image id, not the tag: emulator images are rebuilt under the same tag while tests run, and a
    // node recreated from a newer build would not be "the same container" (nor always join its cluster).
    Image: info.Image,
    Hostname: info.Config.Hostname,
    User: info.Config.User,
    Env: [...(info.Config.Env ?? [])],
    Labels: { ...(info.Config.Labels ?? {}) },
    Entrypoint: info.Config.Entrypoint ?? undefined,
    Cmd: info.Config.Cmd ?? undefined,
    WorkingDir: info.Config.WorkingDir || undefined,
    ExposedPorts: { ...(info.Config.ExposedPorts ?? {}) },
    HostConfig: {
      PortBindings: JSON.parse(JSON.stringify(host.PortBindings ?? {})),
      Memory: host.Memory,
      MemorySwap: host.MemorySwap,
      Ulimits: (host.Ulimits ?? []).map((u) => ({ ...u })),
      Mounts: (host.Mounts ?? []).map((m) => ({ Type: m.Type, Source: m.Source, Target: m.Target, ReadOnly: m.ReadOnly })),
      NetworkMode: host.NetworkMode,
      RestartPolicy: host.RestartPolicy,
      SecurityOpt: host.SecurityOpt ?? undefined,
    },
    NetworkingConfig: { EndpointsConfig: networks },
  };
}

/** Sets (or, with `undefined`, removes) one environment variable. */
export function setEnv(options: CreateOptions, key: string, value: string | undefined): void {
  const env = (options.Env ?? []).filter((entry) => !entry.startsWith(`${key}=`));
  if (value !== undefined) env.push(`${key}=${value}`);
  options.Env = env;
}

export function envValue(options: CreateOptions, key: string): string | undefined {
  const entry = (options.Env ?? []).find((e) => e.startsWith(`${key}=`));
  return entry?.slice(key.length + 1);
}

/** Re-publishes every published port on `hostIp` (same host ports). */
export function bindPortsTo(options: CreateOptions, hostIp: string): void {
  const bindings = (options.HostConfig?.PortBindings ?? {}) as Record<string, Array<{ HostIp: string; HostPort: string }>>;
  for (const hosts of Object.values(bindings)) for (const host of hosts ?? []) host.HostIp = hostIp;
}

/** Removes the lab container of that name (refusing one without the lab label) and creates and starts `options` in its place. */
export async function replaceContainer(engine: DockerEngine, options: CreateOptions, lab: string): Promise<void> {
  if (options.Labels?.[LAB_LABEL] !== lab) throw new Error(`refusing to create ${options.name}: it would not carry ${LAB_LABEL}=${lab}`);
  // Docker would silently create a missing named volume, without the lab label: refuse instead
  // (e.g. the lab was torn down while a restore was still under way).
  for (const mount of options.HostConfig?.Mounts ?? []) {
    if (mount.Type !== 'volume' || !mount.Source) continue;
    const volume = await engine.docker
      .getVolume(mount.Source)
      .inspect()
      .catch(() => undefined);
    if (volume?.Labels?.[LAB_LABEL] !== lab) throw new Error(`refusing to create ${options.name}: volume ${mount.Source} is missing or not a volume of lab ${lab}`);
  }
  const current = await engine.inspectContainer(options.name);
  if (current) {
    if (current.Config.Labels?.[LAB_LABEL] !== lab) throw new Error(`refusing to replace ${options.name}: it is not a container of lab ${lab}`);
    // A graceful stop first, so an Elasticsearch node leaves the cluster and flushes its data volume.
    await engine.stopContainer(options.name, 10).catch(() => undefined);
    await engine.removeContainer(options.name);
  }
  const created = await engine.docker.createContainer(structuredClone(options));
  await created.start();
}

export interface Recreated {
  /** The container's configuration before the break. */
  original: CreateOptions;
  /** The configuration that was applied. */
  broken: CreateOptions;
  /** Recreates the container from `original` (named volumes kept data, keystores and certificates). */
  restore(): Promise<void>;
}

/**
 * Recreates a running lab container with the same configuration except what `mutate` changes.
 * Named volumes survive, so an Elasticsearch node rejoins with its data, keystore and certificates.
 */
export async function recreateContainer(engine: DockerEngine, name: string, mutate: (options: CreateOptions) => void): Promise<Recreated> {
  const info = await engine.inspectContainer(name);
  if (!info) throw new Error(`container ${name} does not exist`);
  const lab = info.Config.Labels?.[LAB_LABEL];
  if (!lab) throw new Error(`refusing to recreate ${name}: it has no ${LAB_LABEL} label`);
  const original = createOptionsOf(info);
  const broken = structuredClone(original);
  mutate(broken);
  await replaceContainer(engine, broken, lab);
  return { original, broken, restore: () => replaceContainer(engine, original, lab) };
}
