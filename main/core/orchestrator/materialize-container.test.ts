import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { parseLabSpec } from '../../../common/lab-spec.ts';
import type { ContainerPlan, LabPlan } from '../../../common/lab-plan.ts';
import type { ContainerSpec, DockerEngine } from '../docker/docker-engine.ts';
import { planLab } from '../planner/plan-lab.ts';
import { certificateRequestsFor } from '../planner/certificate-requests.ts';
import { issueLabCertificates } from '../pki/lab-pki.ts';
import { copyFilesInto, copyFilesIntoAll, createContainerWithFiles } from './materialize-container.ts';

interface Entry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  content: string;
}

function entriesOf(archive: Buffer): Promise<Entry[]> {
  const extract = tar.extract();
  const entries: Entry[] = [];
  return new Promise((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: unknown) => void chunks.push(chunk as Buffer));
      stream.on('end', () => {
        entries.push({ name: header.name, type: header.type ?? 'file', mode: header.mode ?? 0, uid: header.uid ?? -1, gid: header.gid ?? -1, content: Buffer.concat(chunks).toString('utf8') });
        next();
      });
    });
    extract.on('finish', () => resolve(entries));
    extract.on('error', reject);
    extract.end(archive);
  });
}

/** An engine that only records what is created, copied in and removed: the archive calls are what this test is about. */
function recordingEngine({ acrossVolumes = true, failCopy = false } = {}) {
  const archives: Array<{ container: string; path: string; archive: Buffer }> = [];
  const created: ContainerSpec[] = [];
  const calls: string[] = [];
  const engine = {
    createContainer: async (spec: ContainerSpec) => {
      created.push(spec);
      calls.push(`create ${spec.name}`);
      return 'id';
    },
    extractsAcrossVolumes: async () => acrossVolumes,
    putArchive: async (container: string, path: string, archive: Buffer) => {
      calls.push(`copy ${container}`);
      if (failCopy) throw new Error('no space left on device');
      archives.push({ container, path, archive });
    },
    removeContainer: async (container: string) => void calls.push(`remove ${container}`),
  } as unknown as DockerEngine;
  return { engine, archives, created, calls };
}

const secrets = { 'fleet-server-service-token': 'AAEAAWVsYXN0aWMvZmxlZXQtc2VydmVyL3Rva2VuOnNlY3JldA', 'elastic-password': 'p', 'kibana-system-password': 'k' } as const;

async function labWithCertificates(): Promise<{ plan: LabPlan; certsDir: string }> {
  const spec = parseLabSpec({ name: 'archives' });
  const plan = planLab(spec, { subnetIndex: 7, ports: { elasticsearch: 9200, kibana: 5601, fleetServer: 8220 } });
  const certsDir = mkdtempSync(join(tmpdir(), 'seclab-archives-'));
  await issueLabCertificates({ outDir: certsDir, components: certificateRequestsFor(spec, 7), now: new Date() });
  return { plan, certsDir };
}

const containerOf = (plan: LabPlan, kind: ContainerPlan['kind']) => plan.containers.find((c) => c.kind === kind)!;

describe('files copied into a new container', () => {
  it('go in one archive, from the folder that holds every mount: the volumes’ owners, folders and files together', async () => {
    const { plan, certsDir } = await labWithCertificates();
    const fleet = containerOf(plan, 'fleet-server');
    const { engine, archives } = recordingEngine();
    await createContainerWithFiles(engine, plan, fleet, { ...secrets }, certsDir, { containers: [], volumes: [], networks: [] });

    expect(archives.map(({ container, path }) => ({ container, path }))).toEqual([{ container: fleet.name, path: '/usr/share/elastic-agent' }]);
    const entries = await entriesOf(archives[0].archive);
    // Each volume's own folder, with the owner and mode the plan gives it (a fresh volume starts root:root 0755).
    for (const mount of fleet.mounts) {
      const folder = entries.find((entry) => entry.name === `${mount.target.slice('/usr/share/elastic-agent/'.length)}/`);
      expect(folder, mount.target).toMatchObject({ type: 'directory', uid: mount.owner!.uid, gid: mount.owner!.gid, mode: mount.owner!.mode });
    }
    // Every planned file, at its path under that folder, with its mode, owned by the image user.
    for (const file of fleet.files) {
      const entry = entries.find((e) => `/usr/share/elastic-agent/${e.name}` === file.path);
      expect(entry, file.path).toMatchObject({ type: 'file', mode: file.mode, uid: 1000, gid: 0 });
    }
    expect(entries.find((e) => e.name.endsWith('fleet-server-service-token'))?.content).toBe(secrets['fleet-server-service-token']);
    // Folders between a volume and its files come before the files, and every entry stays under its volume.
    const names = entries.map((entry) => entry.name);
    for (const file of entries.filter((entry) => entry.type === 'file')) {
      const parent = `${file.name.slice(0, file.name.lastIndexOf('/'))}/`;
      expect(names.indexOf(parent), file.name).toBeGreaterThanOrEqual(0);
      expect(names.indexOf(parent)).toBeLessThan(names.indexOf(file.name));
      expect(
        fleet.mounts.some((mount) => `/usr/share/elastic-agent/${file.name}`.startsWith(`${mount.target}/`)),
        file.name,
      ).toBe(true);
    }
  });

  it('leave the owner of a volume the plan gives none as it is: no entry for its folder', async () => {
    const { plan, certsDir } = await labWithCertificates();
    const node = containerOf(plan, 'elasticsearch');
    const { engine, archives } = recordingEngine();
    await createContainerWithFiles(engine, plan, node, { ...secrets }, certsDir, { containers: [], volumes: [], networks: [] });

    expect(archives).toHaveLength(1);
    expect(archives[0].path).toBe('/usr/share/elasticsearch');
    const names = (await entriesOf(archives[0].archive)).map((entry) => entry.name);
    for (const mount of node.mounts) expect(names).not.toContain(`${mount.target.slice('/usr/share/elasticsearch/'.length)}/`);
    expect(names).toContain('config/elasticsearch.yml');
  });

  it('go into each volume by itself where the engine writes nothing through a volume from above it (Podman)', async () => {
    const { plan, certsDir } = await labWithCertificates();
    const fleet = containerOf(plan, 'fleet-server');
    const { engine, archives } = recordingEngine({ acrossVolumes: false });
    await createContainerWithFiles(engine, plan, fleet, { ...secrets }, certsDir, { containers: [], volumes: [], networks: [] });

    const owners = fleet.mounts.map((mount) => ({ path: '/usr/share/elastic-agent', names: [`${mount.target.slice('/usr/share/elastic-agent/'.length)}/`] }));
    const withFiles = [...new Set(fleet.files.map((file) => fleet.mounts.find((mount) => file.path.startsWith(`${mount.target}/`))!.target))];
    const calls = await Promise.all(archives.map(async ({ path, archive }) => ({ path, names: (await entriesOf(archive)).map((entry) => entry.name) })));
    expect(calls.slice(0, owners.length)).toEqual(owners);
    expect(calls.slice(owners.length).map((call) => call.path)).toEqual(withFiles);
    // Each volume's archive holds its files relative to the volume itself.
    for (const call of calls.slice(owners.length)) {
      const expected = fleet.files.filter((file) => file.path.startsWith(`${call.path}/`)).map((file) => file.path.slice(call.path.length + 1));
      expect(call.names.filter((name) => !name.endsWith('/')).sort()).toEqual(expected.sort());
    }
  });

  it('a file outside every volume is refused, naming it, and nothing is copied', async () => {
    const { plan, certsDir } = await labWithCertificates();
    const node = containerOf(plan, 'elasticsearch');
    const { engine, archives } = recordingEngine();
    const stray = { path: '/etc/elasticsearch.yml', from: { text: 'x' }, mode: 0o644 };
    await expect(copyFilesInto(engine, node, [stray], certsDir, { ...secrets })).rejects.toThrow(`${node.component}: /etc/elasticsearch.yml is not under any volume of the container`);
    expect(archives).toEqual([]);
  });
});

describe('files copied into several containers at once', () => {
  const nodesOf = (plan: LabPlan) => plan.containers.filter((c) => c.kind === 'elasticsearch');
  /** What `up` copies once the cluster has formed: every node's elasticsearch.yml without its bootstrap-only settings. */
  const copyOnceFormed = (engine: DockerEngine, plan: LabPlan, certsDir: string) =>
    copyFilesIntoAll(
      engine,
      plan.lab,
      nodesOf(plan).map((node) => ({ container: node, files: node.filesOnceFormed })),
      certsDir,
      { ...secrets },
    );

  it('go through one carrier where the engine unpacks through volumes: created over their volumes side by side, never started, one archive, then removed', async () => {
    const { plan, certsDir } = await labWithCertificates();
    const nodes = nodesOf(plan);
    const { engine, archives, created, calls } = recordingEngine();
    await copyOnceFormed(engine, plan, certsDir);

    expect(created).toHaveLength(1);
    const carrier = created[0];
    expect(carrier.name).toMatch(new RegExp(`^seclab-${plan.lab}-carrier-[0-9a-f]{6}$`));
    expect(carrier).toMatchObject({ image: nodes[0].image, networkMode: 'none', labels: { 'seclab.lab': plan.lab, 'seclab.role': 'carrier' } });
    expect(carrier.mounts).toEqual(nodes.flatMap((node) => node.mounts.map((mount) => ({ source: mount.source, target: `/seclab-carrier/${node.component}${mount.target}`, readOnly: false }))));
    expect(calls).toEqual([`create ${carrier.name}`, `copy ${carrier.name}`, `remove ${carrier.name}`]);
    expect(archives[0].path).toBe('/seclab-carrier');
    const files = (await entriesOf(archives[0].archive)).filter((entry) => entry.type === 'file');
    expect(files.map((entry) => entry.name)).toEqual(nodes.map((node) => `${node.component}/usr/share/elasticsearch/config/elasticsearch.yml`));
    for (const file of files) {
      expect(file).toMatchObject({ mode: 0o664, uid: 1000, gid: 0 });
      expect(file.content).not.toContain('cluster.initial_master_nodes');
    }
  });

  it('go into each container by itself where the engine writes nothing through a volume from above it (Podman), with no carrier', async () => {
    const { plan, certsDir } = await labWithCertificates();
    const nodes = nodesOf(plan);
    const { engine, archives, created } = recordingEngine({ acrossVolumes: false });
    await copyOnceFormed(engine, plan, certsDir);

    expect(created).toEqual([]);
    expect(archives.map(({ container, path }) => ({ container, path }))).toEqual(nodes.map((node) => ({ container: node.name, path: '/usr/share/elasticsearch/config' })));
  });

  it('remove the carrier when the copy fails, and say why', async () => {
    const { plan, certsDir } = await labWithCertificates();
    const { engine, calls } = recordingEngine({ failCopy: true });
    await expect(copyOnceFormed(engine, plan, certsDir)).rejects.toThrow('no space left on device');
    expect(calls.at(-1)).toMatch(/^remove seclab-archives-carrier-/);
  });
});
