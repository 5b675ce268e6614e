import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { quote } from 'shell-quote';
import { packTar, type TarFile } from '../docker/tar-archive.ts';
import { isSecretReference, isTextContent, LAB_LABEL, type ContainerPlan, type LabPlan, type PlannedFile, type PlannedValue } from '../../../common/lab-plan.ts';
import { SeclabError } from '../../../common/errors.ts';
import type { DockerEngine } from '../docker/docker-engine.ts';
import { requireSecret, scrubSecrets, type LabSecrets } from '../lab-store/lab-secrets.ts';
import { keystoreToolFor } from './keystore-tools.ts';
import { ROLE_LABEL } from './one-shot-helpers.ts';

const OWNER = { uid: 1000, gid: 0 };

export interface CreatedObjects {
  containers: string[];
  volumes: string[];
  networks: string[];
}

export function resolvePlannedValue(value: PlannedValue, secrets: LabSecrets): string {
  if (isSecretReference(value)) return requireSecret(secrets, value.secret);
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/** A planned file's bytes: from the lab's PKI folder, its secrets, or the plan's own text. */
export function plannedFileContent(file: PlannedFile, certsDir: string, secrets: LabSecrets): Buffer {
  if (isSecretReference(file.from)) return Buffer.from(requireSecret(secrets, file.from.secret));
  if (isTextContent(file.from)) return Buffer.from(file.from.text);
  const { certificate, part } = file.from;
  if (part === 'ca') return readFileSync(join(certsDir, 'ca', 'ca.crt'));
  return readFileSync(join(certsDir, certificate, `${certificate}.${part === 'key' ? 'key' : 'crt'}`));
}

interface Archive {
  base: string;
  archive: Buffer;
}

/**
 * Planned files (and, when asked, the owners of the volumes' own folders) as tar archives. Each
 * `putArchive` costs the engine a mount and unmount of the container's filesystem and volumes and, on
 * Docker 20.10, a re-run of its own binary to unpack (0.15–0.6 s here), whatever the archive holds: where
 * the engine unpacks through volumes, one archive goes to the folder that holds every mount.
 */
async function archivesFor(container: ContainerPlan, plannedFiles: PlannedFile[], certsDir: string, secrets: LabSecrets, options: { withMountOwners: boolean; acrossVolumes: boolean }): Promise<Archive[]> {
  const mountOf = (file: PlannedFile) => {
    const mount = container.mounts.filter((m) => file.path.startsWith(`${m.target}/`)).sort((a, b) => b.target.length - a.target.length)[0];
    if (!mount) throw new SeclabError('PLAN_INVALID', `${container.component}: ${file.path} is not under any volume of the container`);
    return mount;
  };
  const owned = options.withMountOwners ? container.mounts.filter((m) => m.owner) : [];
  const placed = plannedFiles.map((file) => ({ file, mount: mountOf(file) }));
  // A fresh volume over a path the image lacks starts root:root 0755. Docker (and Podman) apply a tar
  // directory entry's owner and mode to a folder that exists, the mount point included: a mount's folder
  // is sent from its parent, so no root helper container is needed.
  const ownerEntries = owned.map((mount) => ({ path: mount.target, entry: { type: 'directory' as const, mode: mount.owner!.mode, uid: mount.owner!.uid, gid: mount.owner!.gid } }));
  const fileEntries = (files: typeof placed) => {
    const directories = new Set<string>();
    for (const { file, mount } of files) {
      const parts = posix.relative(mount.target, posix.dirname(file.path)).split('/').filter(Boolean);
      for (let i = 1; i <= parts.length; i++) directories.add(posix.join(mount.target, ...parts.slice(0, i)));
    }
    return [
      ...[...directories].sort().map((dir) => ({ path: dir, entry: { type: 'directory' as const, mode: 0o750, ...OWNER } })),
      ...files.map(({ file }) => ({ path: file.path, entry: { mode: file.mode, content: plannedFileContent(file, certsDir, secrets), ...OWNER } })),
    ];
  };
  const pack = async (base: string, entries: Array<{ path: string; entry: Omit<TarFile, 'name'> }>): Promise<Archive> => ({
    base,
    archive: await packTar(entries.map(({ path, entry }) => ({ ...entry, name: `${posix.relative(base, path)}${entry.type === 'directory' ? '/' : ''}` }))),
  });
  if (options.acrossVolumes) {
    const targets = [...owned.map((m) => m.target), ...placed.map(({ mount }) => mount.target)];
    if (!targets.length) return [];
    return [await pack(commonFolder(targets.map((target) => posix.dirname(target))), [...ownerEntries, ...fileEntries(placed)])];
  }
  const archives = await Promise.all(ownerEntries.map((owner) => pack(posix.dirname(owner.path), [owner])));
  for (const target of [...new Set(placed.map(({ mount }) => mount.target))]) archives.push(await pack(target, fileEntries(placed.filter(({ mount }) => mount.target === target))));
  return archives;
}

function commonFolder(folders: string[]): string {
  const split = folders.map((folder) => folder.split('/').filter(Boolean));
  const common: string[] = [];
  for (let i = 0; split.every((parts) => i < parts.length && parts[i] === split[0][i]); i++) common.push(split[0][i]);
  return `/${common.join('/')}`;
}

/**
 * Creates a planned container without starting it: its volumes, its keystore (written by the
 * image's own keystore tool), the container itself, and its certificates and secret files
 * copied in with the image user's ownership. Works the same against a remote engine: nothing
 * is bind-mounted from this machine.
 */
export async function materializeContainer(engine: DockerEngine, plan: LabPlan, container: ContainerPlan, secrets: LabSecrets, certsDir: string, created: CreatedObjects): Promise<void> {
  await prepareVolumesAndKeystore(engine, plan, container, secrets, created);
  await createContainerWithFiles(engine, plan, container, secrets, certsDir, created);
}

/** The container's volumes and its keystore in them: nothing here needs the certificates, so it can run while they are issued. */
export async function prepareVolumesAndKeystore(engine: DockerEngine, plan: LabPlan, container: ContainerPlan, secrets: LabSecrets, created: CreatedObjects): Promise<void> {
  for (const volume of plan.volumes.filter((v) => v.component === container.component)) {
    await engine.createVolume(volume.name, volume.labels);
    created.volumes.push(volume.name);
  }
  const tool = keystoreToolFor(container.kind);
  if (tool && container.keystore.length > 0) {
    await runKeystoreSteps(
      engine,
      container,
      [...(tool.addCreatesKeystore ? [] : [{ cmd: tool.create }]), ...container.keystore.map((entry) => ({ cmd: tool.add(entry.setting), stdin: `${requireSecret(secrets, entry.secret)}\n`, setting: entry.setting }))],
      secrets,
    );
  }
}

/** The container itself over its prepared volumes, with their owners set and its certificates and secret files copied in. */
export async function createContainerWithFiles(engine: DockerEngine, plan: LabPlan, container: ContainerPlan, secrets: LabSecrets, certsDir: string, created: CreatedObjects): Promise<void> {
  await createRecordedContainer(engine, plan, container, secrets, created);
  await putArchivesFor(engine, container, container.files, certsDir, secrets, true);
}

/** The container itself, as planned, counted among the objects this run created; its files go in after (copyFilesIntoAll). */
export async function createRecordedContainer(engine: DockerEngine, plan: LabPlan, container: ContainerPlan, secrets: LabSecrets, created: CreatedObjects): Promise<void> {
  await createPlannedContainer(engine, plan, container, secrets);
  created.containers.push(container.name);
}

export interface KeystoreStep {
  cmd: string[];
  stdin?: string;
  setting?: string;
}

/**
 * The image's own keystore tool, run in one-shot containers with the component's volumes (the
 * container itself is not running). One step runs the tool itself; several run in one container, in
 * order, through the image's bash, each value read from stdin: a one-shot container per step costs
 * the engine a create, start and removal each (Kibana's keystore takes five steps).
 */
export async function runKeystoreSteps(engine: DockerEngine, container: ContainerPlan, steps: KeystoreStep[], secrets: LabSecrets): Promise<void> {
  const mounts = container.mounts.map((m) => ({ source: m.source, target: m.target, readOnly: m.readOnly }));
  if (!steps.length) return;
  const batch = steps.length === 1 ? steps[0]! : keystoreBatch(steps);
  const result = await engine.runToCompletion({
    name: `${container.name}-keystore-0`,
    image: container.image,
    user: container.user,
    env: {},
    labels: { ...container.labels, 'seclab.role': 'keystore-tool' },
    // The tool reads its values from stdin and writes a file: it needs no network, and is given none.
    networkMode: 'none',
    entrypoint: batch.cmd.slice(0, 1),
    cmd: batch.cmd.slice(1),
    mounts,
    stdin: batch.stdin,
  });
  if (result.exitCode !== 0) {
    const lines = result.output.split('\n');
    const lastMark = lines.filter((line) => line.startsWith(STEP_MARK)).at(-1);
    const failed = steps.length === 1 ? steps[0] : lastMark === undefined ? undefined : steps[Number(lastMark.slice(STEP_MARK.length))];
    const output = lines.filter((line) => !line.startsWith(STEP_MARK));
    throw new SeclabError(
      'KEYSTORE_FAILED',
      `${container.component}: the image's keystore tool failed${failed?.setting ? ` on ${failed.setting}` : ' creating the keystore'} (exit ${result.exitCode}): ${scrubSecrets(output.join('\n'), secrets).trim().split('\n').slice(-3).join(' ')}`,
      { component: container.component, phase: 'keystore' },
    );
  }
}

const STEP_MARK = 'seclab keystore step ';

/**
 * The steps as one bash script: before each step it names it on stderr (so a failure names its setting),
 * then feeds that step's value, one line of stdin, to the tool through a pipe from bash's own printf:
 * values never reach argv or env. A step without a value reads nothing (stdin from /dev/null).
 */
function keystoreBatch(steps: KeystoreStep[]): { cmd: string[]; stdin: string } {
  const lines = ['set -euo pipefail'];
  const values: string[] = [];
  steps.forEach((step, index) => {
    lines.push(`echo ${quote([`${STEP_MARK}${index}`])} >&2`);
    if (step.stdin === undefined) {
      lines.push(`${quote(step.cmd)} < /dev/null`);
      return;
    }
    const value = step.stdin.replace(/\n$/, '');
    // A line per value: a secret with a line break in it would split (seclab's own never have one).
    if (/[\r\n]/.test(value)) throw new SeclabError('KEYSTORE_FAILED', `${step.setting ?? 'a keystore value'}: a value with a line break cannot be fed to the keystore tool line by line`);
    values.push(value);
    lines.push(`IFS= read -r value; printf '%s\\n' "$value" | ${quote(step.cmd)}`);
  });
  return { cmd: ['/bin/bash', '-c', lines.join('\n')], stdin: values.map((value) => `${value}\n`).join('') };
}

/** The container itself, as planned, over volumes that already exist (a new lab's, or a recreated container's). */
export async function createPlannedContainer(engine: DockerEngine, plan: LabPlan, container: ContainerPlan, secrets: LabSecrets): Promise<void> {
  const mounts = container.mounts.map((m) => ({ source: m.source, target: m.target, readOnly: m.readOnly }));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(container.env)) env[key] = resolvePlannedValue(value, secrets);
  await engine.createContainer({
    name: container.name,
    image: container.image,
    hostname: container.hostname,
    user: container.user,
    env,
    labels: container.labels,
    network: { name: plan.network.name, ip: container.ip, aliases: [container.hostname] },
    ports: container.ports,
    memoryBytes: container.memoryBytes,
    ulimits: container.ulimits,
    mounts,
    restartPolicy: 'no',
    capDrop: container.capDrop,
    healthcheck: container.healthcheck,
  });
}

/** Writes planned files into a created or running container's volumes, owned by the image user. */
export async function copyFilesInto(engine: DockerEngine, container: ContainerPlan, files: PlannedFile[], certsDir: string, secrets: LabSecrets): Promise<void> {
  await putArchivesFor(engine, container, files, certsDir, secrets, false);
}

async function putArchivesFor(engine: DockerEngine, container: ContainerPlan, files: PlannedFile[], certsDir: string, secrets: LabSecrets, withMountOwners: boolean): Promise<void> {
  const archives = await archivesFor(container, files, certsDir, secrets, { withMountOwners, acrossVolumes: await engine.extractsAcrossVolumes() });
  for (const { base, archive } of archives) await engine.putArchive(container.name, base, archive);
}

/** Where a carrier mounts each container's volumes: under its own folder, at the paths the container mounts them. */
const CARRIER_ROOT = '/seclab-carrier';

/**
 * Writes planned files into several containers that exist (created or running). Where the engine unpacks
 * through volumes (Docker), one archive goes to a carrier: a container created over all their volumes side
 * by side, never started, removed once the copy is done. On Docker 20.10 each copy re-runs the engine's own
 * binary (about 0.24 CPU-s here): one instead of one per container. The containers must exist first: the
 * engine fills an empty volume from the image when a container is created over it, and a volume the carrier
 * had written to would not be filled. The carrier is made from the first container's image: Elastic's
 * images declare no VOLUME (distribution/docker/src/docker/dockerfiles/default/Dockerfile, nor do the
 * emulated ones), so it brings no anonymous volume with it. Podman copies into one container's volumes at a time.
 */
export async function copyFilesIntoAll(
  engine: DockerEngine,
  lab: string,
  targets: Array<{ container: ContainerPlan; files: PlannedFile[] }>,
  certsDir: string,
  secrets: LabSecrets,
  { withMountOwners = false }: { withMountOwners?: boolean } = {},
): Promise<void> {
  const withFiles = targets.filter(({ container, files }) => files.length > 0 || (withMountOwners && container.mounts.some((mount) => mount.owner)));
  if (withFiles.length < 2 || !(await engine.extractsAcrossVolumes())) {
    await Promise.all(withFiles.map(({ container, files }) => putArchivesFor(engine, container, files, certsDir, secrets, withMountOwners)));
    return;
  }
  const carried = (container: ContainerPlan, path: string) => `${CARRIER_ROOT}/${container.component}${path}`;
  const carrier: ContainerPlan = {
    ...withFiles[0].container,
    component: `carrier of ${withFiles.map(({ container }) => container.component).join(', ')}`,
    mounts: withFiles.flatMap(({ container }) => container.mounts.map((mount) => ({ ...mount, target: carried(container, mount.target), readOnly: false }))),
  };
  const files = withFiles.flatMap(({ container, files: planned }) => planned.map((file) => ({ ...file, path: carried(container, file.path) })));
  const archives = await archivesFor(carrier, files, certsDir, secrets, { withMountOwners, acrossVolumes: true });
  const name = `seclab-${lab}-carrier-${randomBytes(3).toString('hex')}`;
  try {
    await engine.createContainer({
      name,
      image: carrier.image,
      user: carrier.user,
      env: {},
      labels: { [LAB_LABEL]: lab, [ROLE_LABEL]: 'carrier' },
      networkMode: 'none',
      mounts: carrier.mounts.map((mount) => ({ source: mount.source, target: mount.target, readOnly: false })),
    });
    for (const { base, archive } of archives) await engine.putArchive(name, base, archive);
  } finally {
    await engine.removeContainer(name);
  }
}
