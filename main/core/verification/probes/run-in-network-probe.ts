import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import type { DockerEngine } from '../../docker/docker-engine.ts';
import { buildEmulatorBaseImage, collectNodeRootFilesystem } from '../../emulator-images/build-emulator-images.ts';
import type { NodeObservation, ProbeTask } from './in-network-probe.ts';

let bundled: Promise<string> | undefined;
let baseImage: Promise<string> | undefined;

function probeProgram(): Promise<string> {
  bundled ??= esbuild
    .build({ entryPoints: [fileURLToPath(new URL('./in-network-probe.ts', import.meta.url))], bundle: true, platform: 'node', target: 'node20', format: 'cjs', write: false, logLevel: 'silent' })
    .then((result) => result.outputFiles[0].text);
  return bundled;
}

/** The probes run on the same Node-only base image the emulated products use: built locally, no registry. */
function probeImage(engine: DockerEngine): Promise<string> {
  baseImage ??= buildEmulatorBaseImage(engine, collectNodeRootFilesystem(), () => undefined);
  return baseImage;
}

export interface ProbePlacement {
  lab: string;
  name: string;
  /** Share this container's network stack (its address is the source), or join the lab network at `ip`. */
  from: { container: string } | { network: string; ip: string };
}

export async function runInNetworkProbe(engine: DockerEngine, placement: ProbePlacement, task: ProbeTask): Promise<NodeObservation[]> {
  const [program, image] = await Promise.all([probeProgram(), probeImage(engine)]);
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
  const parsed = JSON.parse(line) as NodeObservation[] | { probeError: string };
  if (!Array.isArray(parsed)) throw new Error(`the in-network probe failed: ${parsed.probeError}`);
  return parsed;
}
