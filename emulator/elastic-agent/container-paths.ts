import { createHash } from 'node:crypto';
import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { containerPaths } from './container-env';
import { goPathError } from './go-errors';

/**
 * elastic-agent internal/pkg/agent/cmd/container.go `setPaths` (and `logContainerCmd` before it), the
 * first thing `elastic-agent container` does after initContainer. Nothing here fixes ownership: a
 * STATE_PATH the agent's user cannot write (a fresh named volume is root:root 0755, the image has no
 * state/ to copy into it) fails with
 *   preparing STATE_PATH(/usr/share/elastic-agent/state) failed: mkdir /usr/share/elastic-agent/state/data: permission denied
 * and the container exits 1.
 */
export class ContainerStartError extends Error {}

export interface ResolvedContainerPaths {
  home: string;
  state: string;
  /** paths.Top(): $STATE_PATH/data. */
  top: string;
  config: string;
  logs: string;
  /** The control socket (unix path, no scheme). */
  socket: string;
}

const GO_ERROR = Symbol('goError');
type FsFailure = Error & { [GO_ERROR]: string };

function fail(op: string, path: string, error: unknown): never {
  throw Object.assign(new Error(goPathError(op, path, error)), { [GO_ERROR]: goPathError(op, path, error) }) as FsFailure;
}

function isNotExist(error: unknown): boolean {
  return (error as { code?: string }).code === 'ENOENT';
}

/** Go os.MkdirAll: an existing directory is fine, an existing file is ENOTDIR, else parents first. */
export function goMkdirAll(path: string, mode: number): void {
  try {
    if (statSync(path).isDirectory()) return;
    fail('mkdir', path, Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }));
  } catch (error) {
    if ((error as FsFailure)[GO_ERROR]) throw error;
  }
  const parent = dirname(path);
  if (parent !== path) goMkdirAll(parent, mode);
  try {
    mkdirSync(path, { mode });
  } catch (error) {
    try {
      if (lstatSync(path).isDirectory()) return;
    } catch {
      /* report the mkdir error */
    }
    fail('mkdir', path, error);
  }
}

/** utils.SocketURLWithFallback: base64url of the first 24 bytes of sha256(id), under dir unless the URL gets too long. */
export function socketUrlWithFallback(id: string, dir: string): string {
  const filename = createHash('sha256').update(id).digest().subarray(0, 24).toString('base64url') + '.sock';
  const candidate = `unix://${join('/', dir, filename)}`;
  return candidate.length < 104 ? candidate : `unix://${join('/tmp/elastic-agent', filename)}`;
}

export function controlSocketOf(statePath: string): string {
  return socketUrlWithFallback(statePath, join(statePath, 'data')).slice('unix://'.length);
}

function goCreate(path: string, content: string, mode = 0o666): void {
  let fd: number;
  try {
    fd = openSync(path, 'w', mode);
  } catch (error) {
    fail('open', path, error);
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}

/** container.go copyFile: keep the source's mode; errors are Go's *PathError, unwrapped. */
function copyFile(destination: string, source: string): void {
  let mode = 0o644;
  let content: Buffer;
  try {
    mode = statSync(source).mode & 0o777;
    content = readFileSync(source);
  } catch (error) {
    fail('open', source, error);
  }
  let fd: number;
  try {
    fd = openSync(destination, 'w', mode);
  } catch (error) {
    fail('open', destination, error);
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}

function step<T>(wrap: (goError: string) => string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    const goError = (error as FsFailure)[GO_ERROR];
    throw new ContainerStartError(goError ? wrap(goError) : error instanceof Error ? error.message : String(error));
  }
}

/** logContainerCmd, then setPaths(…, writePaths=true). Throws ContainerStartError with the agent's message. */
export function prepareContainerPaths(env: NodeJS.ProcessEnv): ResolvedContainerPaths {
  const { home, state, config, logs } = containerPaths(env);
  if (logs) {
    step(
      (e) => `preparing LOGS_PATH(${logs}) failed: ${e}`,
      () => goMkdirAll(logs, 0o775),
    );
    const startupLog = join(logs, 'elastic-agent-startup.log');
    step(
      (e) => `opening startup log(${startupLog}) failed: ${e}`,
      () => goCreate(startupLog, ''),
    );
  }
  const top = join(state, 'data');
  let configMissing = false;
  try {
    statSync(config);
  } catch (error) {
    configMissing = isNotExist(error);
  }
  if (configMissing)
    step(
      (e) => `cannot create folders for config path '${config}': ${e}`,
      () => goMkdirAll(config, 0o755),
    );
  const socketUrl = socketUrlWithFallback(state, top);
  step(
    (e) => `preparing STATE_PATH(${state}) failed: ${e}`,
    () => goMkdirAll(top, 0o755),
  );
  const baseConfig = join(config, 'elastic-agent.yml');
  let baseConfigMissing = false;
  try {
    statSync(baseConfig);
  } catch (error) {
    baseConfigMissing = isNotExist(error);
  }
  if (baseConfigMissing)
    step(
      (e) => e,
      () => copyFile(baseConfig, join(home, 'elastic-agent.yml')),
    );
  const loggerPath = join(top, 'logs');
  step(
    (e) => `preparing internal log path(${loggerPath}) failed: ${e}`,
    () => goMkdirAll(loggerPath, 0o775),
  );
  const pathFile = join(state, 'container-paths.yml');
  const content = stringify({ state_path: state, config_path: config, ...(logs ? { logs_path: logs } : {}), socket_path: socketUrl });
  step(
    (e) => `failed creating ${pathFile}: ${e}`,
    () => goCreate(pathFile, content),
  );
  return { home, state, top, config, logs, socket: socketUrl.slice('unix://'.length) };
}
