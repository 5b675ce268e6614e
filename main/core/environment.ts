import { randomBytes } from 'node:crypto';
import { seclabHome } from './lab-store/lab-home.ts';
import { DockerEngine } from './docker/docker-engine.ts';

/**
 * What core services take from the world, injected so tests can pin them: where labs live,
 * the engine, the clock and randomness.
 */
export interface CoreEnvironment {
  home: string;
  engine: () => DockerEngine;
  now: () => Date;
  randomBytes: (size: number) => Buffer;
  /** Where official images come from; SECLAB_OFFICIAL_REGISTRY points tests at a local address. */
  officialRegistry?: string;
}

export function defaultEnvironment(env: NodeJS.ProcessEnv = process.env): CoreEnvironment {
  let engine: DockerEngine | undefined;
  return {
    home: seclabHome(env),
    engine: () => (engine ??= new DockerEngine()),
    now: () => new Date(),
    randomBytes: (size) => randomBytes(size),
    ...(env.SECLAB_OFFICIAL_REGISTRY ? { officialRegistry: env.SECLAB_OFFICIAL_REGISTRY } : {}),
  };
}
