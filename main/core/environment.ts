import { randomBytes } from 'node:crypto';
import { seclabHome } from './lab-store/lab-home.ts';
import { DockerEngine } from './docker/docker-engine.ts';
import { resolveEngineHere, type EngineChoice } from './docker/engine-resolution.ts';

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

/**
 * `engineChoice`: the engine a person named (seclab --engine / --context), asked for when the engine
 * is first needed, so the CLI can build the environment before it has parsed its flags.
 */
export function defaultEnvironment(env: NodeJS.ProcessEnv = process.env, engineChoice: () => EngineChoice = () => ({})): CoreEnvironment {
  let engine: DockerEngine | undefined;
  return {
    home: seclabHome(env),
    // Found as the docker CLI finds it (DOCKER_HOST, the current Docker context, the platform's sockets).
    engine: () => (engine ??= DockerEngine.forResolvedEngine(resolveEngineHere(env, engineChoice()))),
    now: () => new Date(),
    randomBytes: (size) => randomBytes(size),
    ...(env.SECLAB_OFFICIAL_REGISTRY ? { officialRegistry: env.SECLAB_OFFICIAL_REGISTRY } : {}),
  };
}
