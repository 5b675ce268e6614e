import { randomBytes } from 'node:crypto';
import type { DockerEngine } from '../docker/docker-engine.ts';
import { buildEmulatorBaseImage, collectNodeRootFilesystem } from '../emulator-images/build-emulator-images.ts';

export interface EngineLimits {
  memoryLock: boolean;
  raiseFileLimit: boolean;
  /** The open-files limit a container gets when it asks for nothing (known when it can't be raised). */
  fileLimitCap?: number;
}

const READ_OPEN_FILES_LIMIT = "const line = require('fs').readFileSync('/proc/self/limits', 'utf8').split('\\n').find((l) => l.startsWith('Max open files')); console.log(line.split(/\\s+/)[4])";

/**
 * Whether the engine may grant the ulimits Elastic's recipe asks for (memlock unlimited,
 * nofile 65535). Rootless engines, LXC and sandboxes cap them and runc then refuses to start
 * the container at all, so ask once with a throwaway container before planning around them.
 */
export async function probeEngineLimits(engine: DockerEngine, lab: string): Promise<EngineLimits> {
  const image = await buildEmulatorBaseImage(engine, collectNodeRootFilesystem(), () => undefined);
  const runProbe = (script: string, ulimits: Array<{ name: string; soft: number; hard: number }>) =>
    engine.runToCompletion(
      {
        name: `seclab-${lab}-limits-${randomBytes(3).toString('hex')}`,
        image,
        user: '1000:0',
        env: {},
        labels: { 'seclab.lab': lab, 'seclab.role': 'engine-probe' },
        entrypoint: ['/usr/local/bin/node'],
        cmd: ['-e', script],
        ulimits,
      },
      30_000,
    );
  const tryLimit = async (name: string, soft: number, hard: number) => {
    try {
      return (await runProbe('0', [{ name, soft, hard }])).exitCode === 0;
    } catch {
      return false;
    }
  };
  const defaultFileLimit = async () => {
    try {
      const result = await runProbe(READ_OPEN_FILES_LIMIT, []);
      const hard = Number(result.output.trim().split('\n').pop());
      return result.exitCode === 0 && Number.isInteger(hard) ? hard : undefined;
    } catch {
      return undefined;
    }
  };
  const [memoryLock, raiseFileLimit, fileLimitCap] = await Promise.all([tryLimit('memlock', -1, -1), tryLimit('nofile', 65535, 65535), defaultFileLimit()]);
  return { memoryLock, raiseFileLimit, ...(raiseFileLimit || fileLimitCap === undefined ? {} : { fileLimitCap }) };
}
