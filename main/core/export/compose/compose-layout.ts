import { posix } from 'node:path';
import type { ContainerPlan, PlannedFile } from '../../../../common/lab-plan.ts';

/**
 * Where things live in a Compose export, on the host (relative to the export folder) and inside
 * the setup containers. One place, so the compose file, the scripts and the writer agree.
 */
export const EXPORT_PATHS = {
  setupDir: 'setup',
  secretsDir: 'secrets',
  componentDir: (component: string) => `components/${component}`,
  /** Inside a container: the export's setup folder, secrets and the component's own files (read-only binds). */
  setupInContainer: '/seclab/setup',
  secretsInContainer: '/seclab/secrets',
  componentInContainer: '/seclab/component',
  /** Inside the setup containers: another component's volume, mounted by name. */
  volumeInContainer: (volume: string) => `/seclab/volumes/${volume}`,
};

/** A planned file's source in the component's export folder: `<volume purpose>/<path under the mount>`. */
export function sourceOfPlannedFile(container: ContainerPlan, file: PlannedFile, variant = ''): string {
  const mount = mountHolding(container, file.path);
  const relative = posix.relative(mount.target, file.path);
  const purpose = posix.basename(mount.target);
  return `${purpose}/${variant ? withVariant(relative, variant) : relative}`;
}

export function mountHolding(container: ContainerPlan, path: string) {
  const mount = container.mounts.filter((m) => path.startsWith(`${m.target}/`)).sort((a, b) => b.target.length - a.target.length)[0];
  if (!mount) throw new Error(`${container.component}: ${path} is not under any volume of the container`);
  return mount;
}

/** `elasticsearch.yml` → `elasticsearch.once-formed.yml`. */
function withVariant(relative: string, variant: string): string {
  const ext = posix.extname(relative);
  return `${relative.slice(0, relative.length - ext.length)}.${variant}${ext}`;
}

/** The file a keystore entry's value is read from, in the component's export folder. */
export const keystoreValueSource = (setting: string) => `keystore/${setting}`;

/** Where a token made at run time is written for a component (the setup services write it). */
export const TOKEN_FILES = {
  /** Fleet Server's service token: the plan's own path (FLEET_SERVER_SERVICE_TOKEN_PATH). */
  fleetServerToken: (fleetServer: ContainerPlan) => fleetServer.files.find((f) => typeof f.from === 'object' && 'secret' in f.from && f.from.secret === 'fleet-server-service-token')?.path,
  /** The agents' enrollment token: Elastic's agent image reads it only from env, so the entrypoint reads this file into env. */
  enrollmentToken: (agent: ContainerPlan) => `${certsMount(agent)}/secrets/enrollment-token`,
  enrollmentKeyId: (agent: ContainerPlan) => `${certsMount(agent)}/secrets/enrollment-key-id`,
};

function certsMount(agent: ContainerPlan): string {
  const mount = agent.mounts.find((m) => m.target.endsWith('/certs'));
  if (!mount) throw new Error(`${agent.component}: no certs volume to hold its enrollment token`);
  return mount.target;
}

/** A path in a component's volume, as a setup container that mounts that volume by name sees it. */
export function pathInSetupContainer(container: ContainerPlan, path: string): string {
  const mount = mountHolding(container, path);
  return `${EXPORT_PATHS.volumeInContainer(mount.source)}/${posix.relative(mount.target, path)}`;
}
