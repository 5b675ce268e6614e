import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import type { DockerEngine } from '../../docker/docker-engine.ts';
import { buildEmulatorBaseImage, collectNodeRootFilesystem } from '../../emulator-images/build-emulator-images.ts';
import type { ProbePlacement } from '../../verification/probes/run-in-network-probe.ts';
import type { DemonstrationOutput, DemonstrationTask } from './demonstration-probe.ts';

let bundled: Promise<string> | undefined;
let baseImage: Promise<string> | undefined;

function probeProgram(): Promise<string> {
  bundled ??= esbuild
    .build({ entryPoints: [fileURLToPath(new URL('./demonstration-probe.ts', import.meta.url))], bundle: true, platform: 'node', target: 'node20', format: 'cjs', write: false, logLevel: 'silent' })
    .then((result) => result.outputFiles[0].text);
  return bundled;
}

/** The same locally built Node-only image the verification probes use: no registry. */
export async function runDemonstrationProbe(engine: DockerEngine, placement: ProbePlacement, task: DemonstrationTask): Promise<DemonstrationOutput> {
  baseImage ??= buildEmulatorBaseImage(engine, collectNodeRootFilesystem(), () => undefined);
  const [program, image] = await Promise.all([probeProgram(), baseImage]);
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
  const parsed = JSON.parse(line) as DemonstrationOutput | { probeError: string };
  if ('probeError' in parsed) throw new Error(`the demonstration probe failed: ${parsed.probeError}`);
  return parsed;
}
