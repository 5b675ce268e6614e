import { randomBytes } from 'node:crypto';
import { seclabHome } from './lab-store/lab-home.ts';
import { DockerEngine } from './docker/docker-engine.ts';
import { engineOptionsHere, resolveEngineHere, type EngineChoice } from './docker/engine-resolution.ts';
import type { DockerEngineInfo, EngineOption } from '../../common/docker-engine-info.ts';

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
  /** Switching engines from the app (engine.choose); absent where the engine is fixed (a test's own client). */
  engineSelection?: EngineSelection;
  /** Lets go of what the engine holds open (an ssh:// engine's connection and tunnels) once a command is done. */
  close?(): Promise<void>;
}

export interface EngineSelection {
  /** From now on engine() is this one; a choice that cannot be resolved throws and changes nothing. {} = as seclab was started. */
  choose(choice: EngineChoice): DockerEngineInfo;
  /** The engines on this machine to offer. */
  options(): EngineOption[];
}

const sameChoice = (a: EngineChoice, b: EngineChoice) => a.engine === b.engine && a.context === b.context && Boolean(a.chosenInApp) === Boolean(b.chosenInApp);

/**
 * `engineChoice`: the engine a person named (seclab --engine / --context), asked for when the engine
 * is first needed, so the CLI can build the environment before it has parsed its flags. The app's
 * choice (engineSelection.choose) wins over it until the app goes back to {}.
 */
export function defaultEnvironment(env: NodeJS.ProcessEnv = process.env, engineChoice: () => EngineChoice = () => ({})): CoreEnvironment {
  let appChoice: EngineChoice | undefined;
  // One client, kept while the choice it was made for holds: a new choice (the app's, or the CLI's flags
  // once parsed) drops it, and the next engine() resolves again. Resolving first means a choice that
  // cannot be used throws before the client in use is dropped.
  let cached: { choice: EngineChoice; engine: DockerEngine } | undefined;
  const engineFor = (choice: EngineChoice): DockerEngine => {
    if (!cached || !sameChoice(cached.choice, choice)) {
      const engine = DockerEngine.forResolvedEngine(resolveEngineHere(env, choice));
      // The engine given up closes its SSH connection and tunnels (ssh:// engines; nothing for the others).
      void cached?.engine.publishedPorts.close();
      cached = { choice, engine };
    }
    return cached.engine;
  };
  return {
    home: seclabHome(env),
    // Found as the docker CLI finds it (DOCKER_HOST, the current Docker context, the platform's sockets).
    engine: () => engineFor(appChoice ?? engineChoice()),
    now: () => new Date(),
    randomBytes: (size) => randomBytes(size),
    async close() {
      const engine = cached?.engine;
      cached = undefined;
      await engine?.publishedPorts.close();
    },
    ...(env.SECLAB_OFFICIAL_REGISTRY ? { officialRegistry: env.SECLAB_OFFICIAL_REGISTRY } : {}),
    engineSelection: {
      choose(choice) {
        const next = choice.engine !== undefined || choice.context !== undefined ? { ...choice, chosenInApp: true } : undefined;
        const engine = engineFor(next ?? engineChoice());
        appChoice = next;
        return engine.info!;
      },
      options: () => engineOptionsHere(env, engineChoice()),
    },
  };
}
