/**
 * Which Docker engine seclab talks to and how it was found, as the CLI (`seclab doctor`) and the
 * app's Start screen show it. Found the way the docker CLI finds it (main/core/docker/engine-resolution.ts).
 */

/** How the engine was chosen: a seclab flag, the app's Start screen (engine.choose), DOCKER_HOST, the current Docker context, or the platform's default sockets. */
export type EngineSource = 'flag' | 'app' | 'DOCKER_HOST' | 'context' | 'default';

/** One place seclab looked for an engine; `found` is false for a socket that is not there. */
export interface EngineCandidate {
  address: string;
  source: EngineSource;
  found: boolean;
  why?: string;
}

export interface DockerEngineInfo {
  source: EngineSource;
  /** As DOCKER_HOST would write it: unix:///var/run/docker.sock, tcp://host:2376, npipe:////./pipe/docker_engine, ssh://user@host. */
  address: string;
  /** The Docker context used, when one was. */
  contextName?: string;
  /** How it was found, in words: 'DOCKER_HOST', 'the current Docker context "x"', 'the default for Linux' … */
  how: string;
  /** The engine and how it was found, in one phrase for sentences: 'the Docker context "x" (unix:///…)'. */
  label: string;
  /** Every place looked at, in order, the chosen one included. */
  candidates: EngineCandidate[];
  /** The engines the app offers to switch to (engine.current only): see EngineOption. */
  choices?: EngineOption[];
}

/**
 * An engine on this machine the Start screen offers: the one seclab finds with no choice made
 * (`choice` {}), then each platform socket that is there (`choice` { engine: address }).
 */
export interface EngineOption {
  address: string;
  /** What it is, in words: 'Podman (rootless)', 'Docker Engine (the default for Linux)', 'DOCKER_HOST'… */
  kind: string;
  choice: { engine?: string; context?: string };
}
