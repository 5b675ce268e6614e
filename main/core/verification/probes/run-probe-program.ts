import { statSync } from 'node:fs';
import type { DockerEngine } from '../../docker/docker-engine.ts';
import { emulatorBaseImageFrom, linuxNodeSourceFor } from '../../emulator-images/build-emulator-images.ts';
import type { LinuxNodeSource } from '../../emulator-images/linux-node-source.ts';
import { readHomeMemo, writeHomeMemo } from '../../files/home-memo.ts';
import { probeProgram } from './probe-bundle.ts';

export interface ProbePlacement {
  lab: string;
  name: string;
  /** Share this container's network stack (its address is the source), or join the lab network at `ip`. */
  from: { container: string } | { network: string; ip: string };
}

const probeImages = new Map<string, Promise<string>>();
const PROBE_IMAGE_FILE = 'probe-image.json';

/**
 * The image a probe runs on: the emulated images' base (emulatorBaseImage: a Linux Node from
 * linux-node-source.ts, never simply this process's binary, which is Electron in the app). Naming
 * a base made from this host runs `ldd` on a dozen host binaries, synchronously: 0.2 s in which no
 * other check of a run can progress, at every `seclab status`. So the tag is remembered in the
 * seclab home (private, like everything there) with the Node it was made from, and reused while
 * that Node is still the one found and the engine has the image: a probe needs Node's built-ins
 * and nothing else, which every base image has.
 */
async function probeImage(engine: DockerEngine, home: string | undefined): Promise<string> {
  const source = await linuxNodeSourceFor(engine);
  const node = linuxNodeIdentity(source);
  const remembered = home ? rememberedProbeImage(home, node) : undefined;
  if (remembered && (await engine.imageExists(remembered))) return remembered;
  const tag = await emulatorBaseImageFrom(engine, source);
  writeHomeMemo(home, PROBE_IMAGE_FILE, { tag, node });
  return tag;
}

/** Another Node binary (or the same path rewritten) is another base image. */
function linuxNodeIdentity(source: LinuxNodeSource): string {
  if (source.kind === 'registry') return source.image;
  const stats = statSync(source.binary);
  return `${source.binary}:${stats.size}:${stats.mtimeMs}`;
}

function rememberedProbeImage(home: string, node: string): string | undefined {
  const remembered = readHomeMemo(home, PROBE_IMAGE_FILE) as { tag?: unknown; node?: unknown } | null | undefined;
  return typeof remembered?.tag === 'string' && remembered.tag.startsWith('seclab-emulator/base:') && remembered.node === node ? remembered.tag : undefined;
}

/**
 * Runs a probe program (a TS entry's path, bundled once: probe-bundle.ts) in a one-shot container placed on the lab's network,
 * task on stdin, answer as the last line of its output. The probes run on the same Node-only base image
 * the emulated products use: built locally (from the registry's Node image only on macOS and Windows).
 */
export async function runProbeProgram<T>(engine: DockerEngine, entry: string, placement: ProbePlacement, task: { timeoutMs: number }, what: string, home?: string): Promise<T> {
  const key = home ?? '';
  if (!probeImages.has(key)) {
    // A failure is not remembered: the next run tries again.
    const image = probeImage(engine, home);
    image.catch(() => probeImages.delete(key));
    probeImages.set(key, image);
  }
  const [program, image] = await Promise.all([probeProgram(entry, home), probeImages.get(key)!]);
  const result = await engine.runToCompletion(
    {
      name: placement.name,
      image,
      user: '1000:0',
      env: {},
      labels: { 'seclab.lab': placement.lab, 'seclab.role': 'probe' },
      entrypoint: ['/usr/local/bin/node'],
      cmd: ['-e', program],
      ...('container' in placement.from ? { networkMode: `container:${placement.from.container}` } : { network: { name: placement.from.network, ip: placement.from.ip } }),
      memoryBytes: 128 * 1024 ** 2,
      stdin: JSON.stringify(task),
    },
    task.timeoutMs * 4 + 10_000,
  );
  const line = result.output.trim().split('\n').pop() ?? '';
  const parsed = JSON.parse(line) as T | { probeError: string };
  if (parsed && typeof parsed === 'object' && 'probeError' in parsed) throw new Error(`the ${what} failed: ${parsed.probeError}`);
  return parsed as T;
}
