import { randomBytes } from 'node:crypto';
import type { ContainerSpec, DockerEngine } from '../docker/docker-engine.ts';
import { emulatorBaseImage } from '../emulator-images/build-emulator-images.ts';

/**
 * What the engine itself sees (its limits, its host's ports), asked with node scripts in throwaway
 * containers of the emulator base image (built here, no registry needed). The image is found once;
 * the result runs one script per container, named seclab-<lab>-<purpose>-<random>.
 */
export async function engineProbe(engine: DockerEngine, lab: string, purpose: string) {
  const image = await emulatorBaseImage(engine);
  return (script: string, options: Pick<ContainerSpec, 'ulimits' | 'networkMode'> = {}) =>
    engine.runToCompletion(
      {
        name: `seclab-${lab}-${purpose}-${randomBytes(3).toString('hex')}`,
        image,
        user: '1000:0',
        env: {},
        labels: { 'seclab.lab': lab, 'seclab.role': 'engine-probe' },
        entrypoint: ['/usr/local/bin/node'],
        cmd: ['-e', script],
        ...options,
      },
      30_000,
    );
}

/** The JSON line a probe script printed last, or {} when it printed none (an engine that mangles output). */
export function probeReport(output: string): Record<string, unknown> {
  try {
    return JSON.parse(output.trim().split('\n').pop() ?? '') as Record<string, unknown>;
  } catch {
    return {};
  }
}
