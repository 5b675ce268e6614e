import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_LABEL } from '../../common/lab-plan.ts';
import { DockerEngine } from '../../main/core/docker/docker-engine.ts';
import { emulatorBaseImage, linuxNodeSourceFor } from '../../main/core/emulator-images/build-emulator-images.ts';
import { bundledLinuxNodePath, linuxArchOf, useAppResources } from '../../main/core/emulator-images/linux-node-source.ts';
import { runProbeProgram } from '../../main/core/verification/probes/run-probe-program.ts';
import { runSeclab } from '../support/run-seclab.ts';
import { freeTestSubnet } from '../support/test-lab.ts';

/**
 * Issue 18: in the desktop app process.execPath is Electron, so the probe image must be made from a
 * Linux Node found elsewhere. Each case builds the base on the real engine from a copy of this
 * machine's Node that is NOT process.execPath (a few bytes longer, which Node ignores) and runs a
 * probe on it; the probe reports the size of the Node it ran on, so a base made from
 * process.execPath again fails here.
 */
const engine = new DockerEngine();
const lab = `linux-node-${process.pid}`;
const network = `seclab-${lab}`;
const PROBE = join(import.meta.dirname, 'fixtures/node-identity-probe.ts');
const arch = linuxArchOf(process.arch)!;

/** At a fixed path with a fixed mtime, so its base image (named by path, size and mtime) is built once per machine, not per run. */
function nodeCopy(path: string, marker: string): string {
  if (!existsSync(path) || statSync(path).size !== statSync(realpathSync(process.execPath)).size + marker.length) {
    mkdirSync(dirname(path), { recursive: true });
    copyFileSync(realpathSync(process.execPath), path);
    appendFileSync(path, marker);
  }
  utimesSync(path, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
  return path;
}

const fixtures = join(tmpdir(), 'seclab-linux-node-test');
const explicitNode = nodeCopy(join(fixtures, 'explicit/node'), '\nseclab-explicit\n');
const appResources = join(fixtures, 'app-resources');
const shippedNode = nodeCopy(bundledLinuxNodePath(appResources, arch), '\nseclab-shipped-with-app\n');

let ip = '';
let probeNumber = 0;
async function probeNodeSize(): Promise<{ nodeSize: number; execPath: string; version: string }> {
  // A home per probe run: the probe image is remembered per home, and each case must find its own.
  const home = mkdtempSync(join(tmpdir(), 'seclab-linux-node-home-'));
  probeNumber += 1;
  const { answer } = await runProbeProgram<{ nodeSize: number; execPath: string; version: string }>(
    engine,
    PROBE,
    { lab, vantage: `node-${probeNumber}`, from: { network, ip: () => `${ip}.${10 + probeNumber}` } },
    { timeoutMs: 5_000 },
    'node identity probe',
    home,
  );
  return answer;
}

const sizeOf = (path: string) => statSync(path).size;

describe.skipIf(process.platform !== 'linux' || !arch)('the Linux Node of the probe image, on the real engine', () => {
  const savedEnv = process.env.SECLAB_LINUX_NODE;

  beforeAll(async () => {
    const { subnet, gateway, base } = await freeTestSubnet(engine);
    await engine.createNetwork(network, subnet, gateway, { [LAB_LABEL]: lab });
    ip = base;
  });
  afterAll(async () => {
    if (savedEnv === undefined) delete process.env.SECLAB_LINUX_NODE;
    else process.env.SECLAB_LINUX_NODE = savedEnv;
    for (const container of (await engine.labObjects(lab)).containers) await engine.removeContainer(container.name).catch(() => undefined);
    await engine.removeNetwork(network).catch(() => undefined);
  });

  it('SECLAB_LINUX_NODE: the probe runs on the named Node', async () => {
    process.env.SECLAB_LINUX_NODE = explicitNode;
    try {
      expect(await linuxNodeSourceFor(engine)).toMatchObject({ kind: 'binary', from: 'SECLAB_LINUX_NODE', binary: explicitNode });
      const seen = await probeNodeSize();
      expect(seen.nodeSize).toBe(sizeOf(explicitNode));
      expect(seen.nodeSize).not.toBe(sizeOf(realpathSync(process.execPath)));
      expect(seen.version).toBe(process.version);
    } finally {
      delete process.env.SECLAB_LINUX_NODE;
    }
  }, 300_000);

  it('the desktop app (process.versions.electron set): the Node shipped in its resources, where main.ts says they are', async () => {
    const versions = process.versions as Record<string, string | undefined>;
    Object.defineProperty(versions, 'electron', { value: '38.0.0', configurable: true, enumerable: true });
    useAppResources(appResources);
    try {
      expect(await linuxNodeSourceFor(engine)).toMatchObject({ kind: 'binary', from: 'app-resources', binary: shippedNode });
      const image = await emulatorBaseImage(engine);
      expect(await engine.imageExists(image)).toBe(true);
      const seen = await probeNodeSize();
      expect(seen.nodeSize).toBe(sizeOf(shippedNode));
      expect(seen.execPath).toBe('/usr/local/bin/node');
    } finally {
      delete versions.electron;
    }
  }, 300_000);

  it('seclab doctor says which Node, or why the one named cannot be used', async () => {
    const env = { ...process.env, SECLAB_HOME: mkdtempSync(join(tmpdir(), 'seclab-linux-node-doctor-')), NO_COLOR: '1' };
    const lab = ['doctor', '--lab', `lnd-${process.pid}`];
    const named = await runSeclab(lab, { ...env, SECLAB_LINUX_NODE: explicitNode }, 120_000);
    expect(named.stdout).toContain(`Lab images' Node: ${explicitNode} (SECLAB_LINUX_NODE)`);
    const unusable = await runSeclab([...lab, '--json'], { ...env, SECLAB_LINUX_NODE: '/etc/passwd' }, 120_000);
    expect(JSON.parse(unusable.stdout).linuxNode).toEqual({ problem: "SECLAB_LINUX_NODE=/etc/passwd cannot be the lab images' Node: it is not a Linux executable (no ELF header)" });
  }, 300_000);

  it('macOS and Windows: the base is asked of the registry, and an engine that cannot reach it gives the way out, not a crash', async () => {
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    Object.defineProperty(process, 'platform', { value: 'darwin' });
    try {
      expect(await linuxNodeSourceFor(engine)).toMatchObject({ kind: 'registry', image: 'node:20-bookworm-slim' });
      // No registry here: this engine cannot pull the image, so only the refusal is proved.
      const engineHasIt = await engine.imageExists('node:20-bookworm-slim');
      if (!engineHasIt) {
        await expect(emulatorBaseImage(engine)).rejects.toThrow(/the lab images and probes are built from node:20-bookworm-slim here, and the engine could not get it \(.+\): let the engine reach Docker Hub/);
      }
    } finally {
      Object.defineProperty(process, 'platform', platform);
    }
  }, 300_000);
});
