import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { posix } from 'node:path';
import { z } from 'zod';
import { SeclabError } from '../../../common/errors.ts';
import type { DockerEngineInfo, EngineCandidate, EngineOption } from '../../../common/docker-engine-info.ts';

/**
 * Which Docker engine to talk to, found the way the docker CLI finds it, so that `seclab up` uses
 * the engine `docker ps` shows: a seclab flag, then DOCKER_HOST, then the current Docker context,
 * then the platform's usual sockets. Pure: the world (environment, home folder, platform, files)
 * comes in as arguments.
 */

/** What dockerode's constructor takes, as far as an engine address decides it. */
export interface EngineConnectionOptions {
  socketPath?: string;
  host?: string;
  port?: number;
  protocol?: 'http' | 'https' | 'ssh';
  username?: string;
  ca?: string;
  cert?: string;
  key?: string;
  /** For ssh:// only: seclab's own SSH session (ssh-engine-session.ts) reads these, never dockerode. */
  sshOptions?: SshAuthOptions;
}

/**
 * How seclab logs in to an ssh:// engine, as ssh(1) would without a config file: the agent at
 * SSH_AUTH_SOCK, and a key file — SECLAB_SSH_IDENTITY when set, else the first of ssh's default
 * identities (ssh_config(5), IdentityFile) that exists. Paths only: the key is read when connecting.
 */
export interface SshAuthOptions {
  agent?: string;
  identityFile?: string;
  /** True when SECLAB_SSH_IDENTITY named the file: a key that cannot be used is then an error, not skipped. */
  identityExplicit?: boolean;
}

/** The env variable that names the key file for ssh:// engines (dockerode's ssh transport has no way to find one). */
export const SSH_IDENTITY_ENV = 'SECLAB_SSH_IDENTITY';

/** ssh(1)'s default identities, in the order it tries them (ssh_config(5), IdentityFile), those ssh2 can use. */
const DEFAULT_SSH_IDENTITIES = ['.ssh/id_rsa', '.ssh/id_ecdsa', '.ssh/id_ed25519'];

export interface ResolvedEngine extends DockerEngineInfo {
  options: EngineConnectionOptions;
  /** A context made with skip-tls-verify=true, or DOCKER_TLS without DOCKER_TLS_VERIFY: TLS without checking the engine's certificate. */
  skipTlsVerify?: boolean;
}

export interface EngineChoice {
  /** `seclab --engine URL` or `--docker-host URL`: as DOCKER_HOST would write it (docker -H). */
  engine?: string;
  /** Which flag gave `engine`, for errors; --engine when not said. */
  engineFlag?: '--engine' | '--docker-host';
  /** `seclab --context NAME` (docker --context). */
  context?: string;
  /** Picked on the app's Start screen (engine.choose), not given as a flag: said so in `how` and in errors. */
  chosenInApp?: boolean;
}

export interface EngineResolutionInputs extends EngineChoice {
  env: NodeJS.ProcessEnv;
  homeDir: string;
  platform: NodeJS.Platform;
  /** A file's text, or undefined when there is no such file. */
  readFile: (path: string) => string | undefined;
  exists: (path: string) => boolean;
}

/** Where a context's files live: docker/cli cli/context/store/store.go names each context's folder by the sha256 of its name (contextdirOf). */
const contextDirectoryName = (name: string) => createHash('sha256').update(name).digest('hex');

/** docker/cli cli/command/cli.go (DefaultContextName): "default" is no stored context, only DOCKER_HOST or the platform's socket. */
const DEFAULT_CONTEXT = 'default';

/**
 * A context's meta.json as docker/cli writes it (cli/context/store/metadatastore.go, createOrUpdate:
 * `{"Name":…,"Metadata":{},"Endpoints":{"docker":{"Host":…,"SkipTLSVerify":…}}}`; the docker endpoint's
 * fields are cli/context/endpoint.go's EndpointMetaBase).
 */
const contextMetaSchema = z.object({
  Name: z.string(),
  Endpoints: z.object({
    docker: z.object({ Host: z.string().min(1, { error: 'the docker endpoint has no Host' }), SkipTLSVerify: z.boolean().optional() }, { error: 'it has no docker endpoint' }),
  }),
});

const configFileSchema = z.object({ currentContext: z.string().optional() }).loose();

const PLATFORM_NAMES: Partial<Record<NodeJS.Platform, string>> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' };

interface DefaultSocket {
  path: string;
  what: string;
}

/**
 * The sockets an engine listens on when nothing names one, in the order they are tried. The docker
 * CLI's own default comes first (docker/docker client: DefaultDockerHost, unix:///var/run/docker.sock
 * and npipe:////./pipe/docker_engine), except on macOS, where Docker Desktop's per-user socket comes
 * first as it does for dockerode (docker-modem lib/modem.js, findDefaultUnixSocket); then the other
 * engines' own places: rootless Docker, Docker Desktop for Linux, Podman and Podman machines.
 */
function defaultSockets(inputs: EngineResolutionInputs): DefaultSocket[] {
  const { env, homeDir } = inputs;
  const runtime = env.XDG_RUNTIME_DIR;
  const join = posix.join;
  const machines = join(homeDir, '.local/share/containers/podman/machine');
  if (inputs.platform === 'win32') {
    return [
      { path: '//./pipe/docker_engine', what: 'Docker Desktop / Docker Engine' },
      { path: '//./pipe/podman-machine-default', what: 'Podman machine' },
    ];
  }
  if (inputs.platform === 'darwin') {
    return [
      { path: join(homeDir, '.docker/run/docker.sock'), what: 'Docker Desktop' },
      { path: '/var/run/docker.sock', what: 'Docker Desktop (system socket)' },
      ...(env.TMPDIR ? [{ path: join(env.TMPDIR, 'podman/podman-machine-default-api.sock'), what: 'Podman machine' }] : []),
      { path: join(machines, 'applehv/podman.sock'), what: 'Podman machine' },
      { path: join(machines, 'qemu/podman.sock'), what: 'Podman machine' },
      { path: join(machines, 'podman-machine-default/podman.sock'), what: 'Podman machine' },
    ];
  }
  return [
    { path: '/var/run/docker.sock', what: 'Docker Engine' },
    ...(runtime ? [{ path: join(runtime, 'docker.sock'), what: 'rootless Docker' }] : []),
    { path: join(homeDir, '.docker/desktop/docker.sock'), what: 'Docker Desktop for Linux' },
    ...(runtime ? [{ path: join(runtime, 'podman/podman.sock'), what: 'Podman (rootless)' }] : []),
    { path: '/run/podman/podman.sock', what: 'Podman' },
  ];
}

const socketAddress = (path: string) => (path.startsWith('//') ? `npipe://${path}` : `unix://${path}`);

const ADDRESS_FORMS = 'unix:///path/to/docker.sock, tcp://host:2376, npipe:////./pipe/docker_engine or ssh://user@host';

interface TlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
  skipVerify?: boolean;
}

/** dockerode's options for an address as DOCKER_HOST writes it; `refuse` says what is wrong with it in the words of where it came from. */
function connectionOptions(address: string, tls: TlsMaterial | undefined, inputs: EngineResolutionInputs, refuse: (problem: string) => never): { options: EngineConnectionOptions; skipTlsVerify?: boolean } {
  const scheme = /^([a-z]+):\/\//.exec(address)?.[1];
  const rest = scheme ? address.slice(scheme.length + 3) : '';
  if (scheme === 'unix' || scheme === 'npipe') {
    if (!rest) refuse(`"${address}" names no socket`);
    return { options: { socketPath: rest } };
  }
  if (scheme === 'tcp' || scheme === 'ssh') {
    let url: URL;
    try {
      url = new URL(address);
    } catch {
      refuse(`"${address}" is not an address (use ${ADDRESS_FORMS})`);
    }
    if (!url.hostname) refuse(`"${address}" names no host`);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (scheme === 'ssh') {
      return { options: { protocol: 'ssh', host, port: Number(url.port || 22), ...(url.username ? { username: decodeURIComponent(url.username) } : {}), sshOptions: sshAuth(inputs) } };
    }
    // docker/docker client: 2375 without TLS, 2376 with it (opts/hosts.go, DefaultHTTPPort/DefaultTLSHTTPPort).
    const port = Number(url.port || (tls ? 2376 : 2375));
    if (!tls) return { options: { protocol: 'http', host, port } };
    return {
      options: { protocol: 'https', host, port, ...(tls.ca ? { ca: tls.ca } : {}), ...(tls.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}) },
      ...(tls.skipVerify ? { skipTlsVerify: true } : {}),
    };
  }
  refuse(`"${address}" is not a Docker engine address: use ${ADDRESS_FORMS}`);
}

function sshAuth(inputs: EngineResolutionInputs): SshAuthOptions {
  const { env } = inputs;
  const agent = env.SSH_AUTH_SOCK ? { agent: env.SSH_AUTH_SOCK } : {};
  const explicit = env[SSH_IDENTITY_ENV];
  if (explicit) return { ...agent, identityFile: explicit.startsWith('~/') ? posix.join(inputs.homeDir, explicit.slice(2)) : explicit, identityExplicit: true };
  const found = DEFAULT_SSH_IDENTITIES.map((file) => posix.join(inputs.homeDir, file)).find((path) => inputs.exists(path));
  return { ...agent, ...(found ? { identityFile: found } : {}) };
}

/** ca.pem, cert.pem and key.pem of a folder, those that are there (docker/cli cli/context/tlsdata.go and cli/flags: missing files are left out). */
function tlsFiles(folder: string, inputs: EngineResolutionInputs): TlsMaterial {
  const read = (file: string) => inputs.readFile(posix.join(folder, file));
  const [ca, cert, key] = [read('ca.pem'), read('cert.pem'), read('key.pem')];
  return { ...(ca ? { ca } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
}

/** DOCKER_TLS_VERIFY (or DOCKER_TLS, which skips the check) with files from DOCKER_CERT_PATH or the Docker config folder, as docker/cli cli/flags/options.go reads them. */
function environmentTls(inputs: EngineResolutionInputs, configDir: string): TlsMaterial | undefined {
  const { env } = inputs;
  const verify = Boolean(env.DOCKER_TLS_VERIFY);
  if (!verify && !env.DOCKER_TLS) return undefined;
  return { ...tlsFiles(env.DOCKER_CERT_PATH || configDir, inputs), ...(verify ? {} : { skipVerify: true }) };
}

function socketCandidate(address: string, options: EngineConnectionOptions, source: EngineCandidate['source'], inputs: EngineResolutionInputs): EngineCandidate {
  if (!options.socketPath || inputs.platform === 'win32') return { address, source, found: true };
  return inputs.exists(options.socketPath) ? { address, source, found: true } : { address, source, found: false, why: 'no socket there' };
}

const tilde = (path: string, homeDir: string) => (path.startsWith(`${homeDir}/`) ? `~${path.slice(homeDir.length)}` : path);

type ContextOrigin = '--context' | 'app' | 'DOCKER_CONTEXT' | 'config';

function resolveContext(name: string, origin: ContextOrigin, configDir: string, inputs: EngineResolutionInputs): ResolvedEngine {
  const configFile = posix.join(configDir, 'config.json');
  const chosenBy = { '--context': 'chosen with --context', app: 'chosen in the app', DOCKER_CONTEXT: 'named by DOCKER_CONTEXT', config: `the current context in ${tilde(configFile, inputs.homeDir)}` }[origin];
  const id = contextDirectoryName(name);
  const metaFile = posix.join(configDir, 'contexts', 'meta', id, 'meta.json');
  const shown = tilde(metaFile, inputs.homeDir);
  const fixes =
    origin === 'app'
      ? 'see the contexts there are with `docker context ls` and type one of their names, or pick an engine found on this machine'
      : 'see the contexts there are with `docker context ls` and choose one (`docker context use NAME`, or seclab --context NAME), or go back to the default engine with `docker context use default`';
  const broken = (problem: string, fix: string = fixes): never => {
    throw new SeclabError('DOCKER_CONTEXT_BROKEN', `The Docker context "${name}" (${chosenBy}) cannot be used: ${problem}. To fix: ${fix}`);
  };
  const text = inputs.readFile(metaFile);
  if (text === undefined) return broken(`there is no such context (no ${shown})`);
  const recreate = `recreate it (\`docker context rm ${name}\`, then \`docker context create ${name} --docker host=…\`), or ${fixes}`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return broken(`${shown} is not JSON (${(error as Error).message})`, recreate);
  }
  const parsed = contextMetaSchema.safeParse(json);
  if (!parsed.success) return broken(`${shown} is not a Docker context's description (${parsed.error.issues[0].message})`, recreate);
  const endpoint = parsed.data.Endpoints.docker;
  const address = endpoint.Host;
  const isSocket = /^(unix|npipe):\/\//.test(address);
  // docker/cli cli/context/docker/load.go: TLS material (contexts/tls/<id>/docker/) only for a host that is not a socket.
  const files = tlsFiles(posix.join(configDir, 'contexts', 'tls', id, 'docker'), inputs);
  const tls = !isSocket && (files.ca || files.cert || endpoint.SkipTLSVerify) ? { ...files, skipVerify: endpoint.SkipTLSVerify } : undefined;
  const { options, skipTlsVerify } = connectionOptions(address, tls, inputs, (problem) => broken(`its docker endpoint ${problem}`));
  const how = origin === 'config' ? `the current Docker context "${name}"` : `the Docker context "${name}" (${{ '--context': '--context', app: 'chosen in the app', DOCKER_CONTEXT: 'DOCKER_CONTEXT' }[origin]})`;
  const source = origin === '--context' ? 'flag' : origin === 'app' ? 'app' : 'context';
  return {
    source,
    address,
    contextName: name,
    how,
    label: `the Docker context "${name}" (${address})`,
    options,
    ...(skipTlsVerify ? { skipTlsVerify } : {}),
    candidates: [socketCandidate(address, options, source, inputs)],
  };
}

const ADDRESS_ORIGINS = {
  flag: { field: '--engine', how: '--engine', code: 'BAD_OPTION' },
  'docker-host-flag': { field: '--docker-host', how: '--docker-host', code: 'BAD_OPTION' },
  app: { field: 'engine', how: 'chosen in the app', code: 'INVALID_INPUT' },
  DOCKER_HOST: { field: 'DOCKER_HOST', how: 'DOCKER_HOST', code: 'DOCKER_HOST_INVALID' },
} as const;

function resolveAddress(address: string, source: keyof typeof ADDRESS_ORIGINS, configDir: string, inputs: EngineResolutionInputs): ResolvedEngine {
  const origin = ADDRESS_ORIGINS[source];
  const engineSource = source === 'docker-host-flag' ? 'flag' : source;
  const refuse = (problem: string): never => {
    throw new SeclabError(origin.code, `${origin.field}: ${problem}`);
  };
  const { options, skipTlsVerify } = connectionOptions(address, environmentTls(inputs, configDir), inputs, refuse);
  return {
    source: engineSource,
    address,
    how: origin.how,
    label: `${address} (${origin.how})`,
    options,
    ...(skipTlsVerify ? { skipTlsVerify } : {}),
    candidates: [socketCandidate(address, options, engineSource, inputs)],
  };
}

function resolveDefault(inputs: EngineResolutionInputs): ResolvedEngine {
  const sockets = defaultSockets(inputs);
  const chosen = sockets.find((socket) => inputs.exists(socket.path)) ?? sockets[0];
  const address = socketAddress(chosen.path);
  const how = `the default for ${PLATFORM_NAMES[inputs.platform] ?? 'this platform'}`;
  return {
    source: 'default',
    address,
    how,
    label: `${address} (${how})`,
    options: { socketPath: chosen.path },
    candidates: sockets.map((socket) => {
      const found = inputs.exists(socket.path);
      const why = socket === chosen ? socket.what : `${socket.what}: ${found ? 'also there; the first one found is used' : 'not there'}`;
      return { address: socketAddress(socket.path), source: 'default', found, why };
    }),
  };
}

function currentContextOfConfig(configDir: string, inputs: EngineResolutionInputs): string | undefined {
  const file = posix.join(configDir, 'config.json');
  const text = inputs.readFile(file);
  if (text === undefined) return undefined;
  try {
    return configFileSchema.parse(JSON.parse(text)).currentContext || undefined;
  } catch (error) {
    throw new SeclabError(
      'DOCKER_CONFIG_INVALID',
      `The Docker configuration ${tilde(file, inputs.homeDir)} cannot be read (${(error as Error).message}), so the current Docker context is unknown. To fix: correct or move that file (the docker command cannot read it either), or name an engine with seclab --engine URL`,
    );
  }
}

/**
 * The engine, in the docker CLI's order (docker/cli cli/command/cli.go, resolveContextName): --context,
 * then --engine (docker -H), then DOCKER_HOST, then DOCKER_CONTEXT, then `currentContext` in
 * config.json; the context "default" and no context at all mean the platform's sockets.
 * DOCKER_CONFIG replaces ~/.docker, as it does for docker (docker/cli cli/config/config.go).
 */
export function resolveDockerEngine(inputs: EngineResolutionInputs): ResolvedEngine {
  const { env } = inputs;
  const app = inputs.chosenInApp === true;
  if (inputs.engine !== undefined && inputs.context !== undefined) {
    throw new SeclabError(
      app ? 'INVALID_INPUT' : 'BAD_OPTION',
      app ? 'context: an engine address was given too: choose one of them' : `${inputs.engineFlag ?? '--engine'} and --context both name an engine: use one of them`,
    );
  }
  if (inputs.context !== undefined && !inputs.context.trim()) throw new SeclabError(app ? 'INVALID_INPUT' : 'BAD_OPTION', `${app ? 'context' : '--context'}: name a Docker context (see \`docker context ls\`)`);
  const configDir = env.DOCKER_CONFIG || posix.join(inputs.homeDir, '.docker');
  if (inputs.engine !== undefined) return resolveAddress(inputs.engine.trim(), app ? 'app' : inputs.engineFlag === '--docker-host' ? 'docker-host-flag' : 'flag', configDir, inputs);
  if (inputs.context !== undefined && inputs.context !== DEFAULT_CONTEXT) return resolveContext(inputs.context, app ? 'app' : '--context', configDir, inputs);
  if (env.DOCKER_HOST) return resolveAddress(env.DOCKER_HOST, 'DOCKER_HOST', configDir, inputs);
  if (inputs.context === DEFAULT_CONTEXT) return resolveDefault(inputs);
  if (env.DOCKER_CONTEXT) return env.DOCKER_CONTEXT === DEFAULT_CONTEXT ? resolveDefault(inputs) : resolveContext(env.DOCKER_CONTEXT, 'DOCKER_CONTEXT', configDir, inputs);
  const current = currentContextOfConfig(configDir, inputs);
  if (current && current !== DEFAULT_CONTEXT) return resolveContext(current, 'config', configDir, inputs);
  return resolveDefault(inputs);
}

function readIfThere(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/**
 * The engines the app offers (EngineOption): the one found with `launchChoice` (the CLI's flags, or
 * none) as the docker CLI would find it, then the platform's sockets that are there, each once. A
 * launch engine that cannot be resolved (a broken context) is left out: the sockets may still serve.
 */
export function engineOptions(inputs: EngineResolutionInputs): EngineOption[] {
  const sockets = defaultSockets(inputs).filter((socket) => inputs.exists(socket.path));
  const options: EngineOption[] = [];
  try {
    const launch = resolveDockerEngine(inputs);
    const socket = launch.source === 'default' ? sockets.find((s) => socketAddress(s.path) === launch.address) : undefined;
    options.push({ address: launch.address, kind: socket ? `${socket.what} (${launch.how})` : launch.how, choice: {} });
  } catch {
    // Shown by engine.current as the engine's error; the sockets below are still offered.
  }
  for (const socket of sockets) {
    const address = socketAddress(socket.path);
    if (!options.some((option) => option.address === address)) options.push({ address, kind: socket.what, choice: { engine: address } });
  }
  return options;
}

const inputsHere = (env: NodeJS.ProcessEnv, choice: EngineChoice): EngineResolutionInputs => ({ ...choice, env, homeDir: homedir(), platform: process.platform, readFile: readIfThere, exists: existsSync });

/** The engine for this process: its environment, the user's home folder, this platform, the real files. */
export function resolveEngineHere(env: NodeJS.ProcessEnv = process.env, choice: EngineChoice = {}): ResolvedEngine {
  return resolveDockerEngine(inputsHere(env, choice));
}

/** engineOptions on this machine, for the engine seclab was started with (`launchChoice`: its flags). */
export function engineOptionsHere(env: NodeJS.ProcessEnv = process.env, launchChoice: EngineChoice = {}): EngineOption[] {
  return engineOptions(inputsHere(env, launchChoice));
}
