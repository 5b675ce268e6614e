import type { DockerEngine } from '../docker/docker-engine.ts';
import { engineProbe, probeReport } from './engine-probe.ts';

export interface EngineLimits {
  memoryLock: boolean;
  raiseFileLimit: boolean;
  /** The open-files limit a container gets when it asks for nothing (known when it can't be raised). */
  fileLimitCap?: number;
  /**
   * vm.max_map_count as a container on the engine sees it: the engine kernel's (a VM's on Docker
   * Desktop or a Podman machine), which is the one Elasticsearch's bootstrap check reads.
   */
  maxMapCount?: number;
}

/** /proc/sys is mounted read-only in a container but shows the kernel's own values; vm.* is not namespaced. */
const READ_MAX_MAP_COUNT = "let maxMapCount; try { maxMapCount = Number(fs.readFileSync('/proc/sys/vm/max_map_count', 'utf8').trim()); } catch {}";
const READ_DEFAULTS =
  "const fs = require('fs'); " +
  "const openFiles = fs.readFileSync('/proc/self/limits', 'utf8').split('\\n').find((l) => l.startsWith('Max open files')).split(/\\s+/)[4]; " +
  `${READ_MAX_MAP_COUNT} ` +
  'console.log(JSON.stringify({ openFiles: Number(openFiles), maxMapCount }))';
const READ_MAX_MAP_COUNT_ONLY = `const fs = require('fs'); ${READ_MAX_MAP_COUNT} console.log(JSON.stringify({ maxMapCount }))`;

const integerOrUndefined = (value: unknown) => (Number.isInteger(value) ? (value as number) : undefined);

/**
 * Whether the engine may grant the ulimits Elastic's recipe asks for (memlock unlimited,
 * nofile 65535). Rootless engines, LXC and sandboxes cap them and runc then refuses to start
 * the container at all, so ask once with a throwaway container before planning around them.
 * The container that reads the default open-files limit reads vm.max_map_count too, so the
 * engine kernel's value costs no container of its own.
 */
export async function probeEngineLimits(engine: DockerEngine, lab: string): Promise<EngineLimits> {
  const runProbe = await engineProbe(engine, lab, 'limits');
  const tryLimit = async (name: string, soft: number, hard: number) => {
    try {
      return (await runProbe('0', { ulimits: [{ name, soft, hard }] })).exitCode === 0;
    } catch {
      return false;
    }
  };
  const readDefaults = async () => {
    try {
      const result = await runProbe(READ_DEFAULTS, { ulimits: [] });
      return result.exitCode === 0 ? probeReport(result.output) : {};
    } catch {
      return {};
    }
  };
  const [memoryLock, raiseFileLimit, defaults] = await Promise.all([tryLimit('memlock', -1, -1), tryLimit('nofile', 65535, 65535), readDefaults()]);
  const fileLimitCap = integerOrUndefined(defaults.openFiles);
  const maxMapCount = integerOrUndefined(defaults.maxMapCount);
  return {
    memoryLock,
    raiseFileLimit,
    ...(raiseFileLimit || fileLimitCap === undefined ? {} : { fileLimitCap }),
    ...(maxMapCount === undefined ? {} : { maxMapCount }),
  };
}

/**
 * vm.max_map_count alone, from one throwaway container: for a lab whose limits are recorded (so
 * probeEngineLimits does not run) on an engine whose kernel this machine cannot read, such as a
 * Docker Desktop VM that a restart may have reset. Undefined when the container could not run.
 */
export async function readEngineMaxMapCount(engine: DockerEngine, lab: string): Promise<number | undefined> {
  try {
    const result = await (await engineProbe(engine, lab, 'limits'))(READ_MAX_MAP_COUNT_ONLY, { ulimits: [] });
    return result.exitCode === 0 ? integerOrUndefined(probeReport(result.output).maxMapCount) : undefined;
  } catch {
    return undefined;
  }
}
