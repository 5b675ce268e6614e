import * as esbuild from 'esbuild';
import type { DockerEngine } from '../../docker/docker-engine.ts';
import { buildEmulatorBaseImage, collectNodeRootFilesystem } from '../../emulator-images/build-emulator-images.ts';

export interface ProbePlacement {
  lab: string;
  name: string;
  /** Share this container's network stack (its address is the source), or join the lab network at `ip`. */
  from: { container: string } | { network: string; ip: string };
}

const bundles = new Map<string, Promise<string>>();
let baseImage: Promise<string> | undefined;

function bundle(path: string): Promise<string> {
  let program = bundles.get(path);
  if (!program) {
    program = esbuild.build({ entryPoints: [path], bundle: true, platform: 'node', target: 'node20', format: 'cjs', write: false, logLevel: 'silent' }).then((result) => result.outputFiles[0].text);
    bundles.set(path, program);
  }
  return program;
}

/**
 * Runs a probe program (a TS entry's path, bundled once) in a one-shot container placed on the lab's network,
 * task on stdin, answer as the last line of its output. The probes run on the same Node-only base image
 * the emulated products use: built locally, no registry.
 */
export async function runProbeProgram<T>(engine: DockerEngine, entry: string, placement: ProbePlacement, task: { timeoutMs: number }, what: string): Promise<T> {
  baseImage ??= buildEmulatorBaseImage(engine, collectNodeRootFilesystem(), () => undefined);
  const [program, image] = await Promise.all([bundle(entry), baseImage]);
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
