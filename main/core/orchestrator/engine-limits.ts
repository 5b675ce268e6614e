import { randomBytes } from 'node:crypto';
import type { DockerEngine } from '../docker/docker-engine.ts';
import { buildEmulatorBaseImage, collectNodeRootFilesystem } from '../emulator-images/build-emulator-images.ts';

export interface EngineLimits {
  memoryLock: boolean;
  raiseFileLimit: boolean;
}

/**
 * Whether the engine may grant the ulimits Elastic's recipe asks for (memlock unlimited,
 * nofile 65535). Rootless engines, LXC and sandboxes cap them and runc then refuses to start
 * the container at all, so ask once with a throwaway container before planning around them.
 */
export async function probeEngineLimits(engine: DockerEngine, lab: string): Promise<EngineLimits> {
  const image = await buildEmulatorBaseImage(engine, collectNodeRootFilesystem(), () => undefined);
  const tryLimit = async (name: string, soft: number, hard: number) => {
    try {
      const result = await engine.runToCompletion({
        name: `seclab-${lab}-limits-${randomBytes(3).toString('hex')}`,
        image,
        user: '1000:0',
        env: {},
        labels: { 'seclab.lab': lab, 'seclab.role': 'engine-probe' },
        entrypoint: ['/usr/local/bin/node'],
        cmd: ['-e', '0'],
        ulimits: [{ name, soft, hard }],
      }, 30_000);
      return result.exitCode === 0;
    } catch {
      return false;
    }
  };
  const [memoryLock, raiseFileLimit] = await Promise.all([tryLimit('memlock', -1, -1), tryLimit('nofile', 65535, 65535)]);
  return { memoryLock, raiseFileLimit };
}
