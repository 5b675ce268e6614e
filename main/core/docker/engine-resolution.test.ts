import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SeclabError } from '../../../common/errors.ts';
import { dockerClientFor, engineInfoOf } from './docker-engine.ts';
import { resolveDockerEngine, type EngineChoice } from './engine-resolution.ts';

/**
 * Engine resolution on fixture machines: a temp folder stands for the root of the file system, so
 * /home/ada/.docker/… and /var/run/docker.sock are files under it, and nothing of this machine's own
 * Docker set-up leaks in.
 */
const HOME = '/home/ada';
let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'seclab-engine-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function put(path: string, text = ''): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** A context as `docker context create NAME --docker host=HOST` writes it (checked against docker 28's own output). */
function putContext(name: string, host: string, options: { skipTlsVerify?: boolean; tls?: Record<string, string>; configDir?: string } = {}): string {
  const configDir = options.configDir ?? `${HOME}/.docker`;
  const id = createHash('sha256').update(name).digest('hex');
  put(`${configDir}/contexts/meta/${id}/meta.json`, JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: options.skipTlsVerify ?? false } } }));
  for (const [file, text] of Object.entries(options.tls ?? {})) put(`${configDir}/contexts/tls/${id}/docker/${file}`, text);
  return `${configDir}/contexts/meta/${id}/meta.json`;
}

function useContext(name: string, configDir = `${HOME}/.docker`): void {
  put(`${configDir}/config.json`, JSON.stringify({ auths: {}, currentContext: name }, null, '\t'));
}

function resolve(env: NodeJS.ProcessEnv = {}, platform: NodeJS.Platform = 'linux', choice: EngineChoice = {}) {
  return resolveDockerEngine({
    ...choice,
    env,
    homeDir: HOME,
    platform,
    readFile: (path) => (existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined),
    exists: (path) => existsSync(join(root, path)),
  });
}

function refusal(work: () => unknown): SeclabError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(SeclabError);
    return error as SeclabError;
  }
  throw new Error('expected a refusal');
}

describe('the current Docker context', () => {
  it('a context on a unix socket, without TLS: its socket, named as the context', () => {
    putContext('colima', 'unix:///home/ada/.colima/default/docker.sock');
    put('/home/ada/.colima/default/docker.sock');
    useContext('colima');
    const engine = resolve();
    expect(engine).toMatchObject({
      source: 'context',
      contextName: 'colima',
      address: 'unix:///home/ada/.colima/default/docker.sock',
      how: 'the current Docker context "colima"',
      label: 'the Docker context "colima" (unix:///home/ada/.colima/default/docker.sock)',
      options: { socketPath: '/home/ada/.colima/default/docker.sock' },
      candidates: [{ address: 'unix:///home/ada/.colima/default/docker.sock', source: 'context', found: true }],
    });
    expect(engine.options.protocol).toBeUndefined();
  });

  it("a context on TCP with TLS: https with the context's ca.pem, cert.pem and key.pem", () => {
    putContext('remote', 'tcp://10.1.2.3:2376', { tls: { 'ca.pem': 'CA PEM', 'cert.pem': 'CERT PEM', 'key.pem': 'KEY PEM' } });
    useContext('remote');
    const engine = resolve();
    expect(engine.options).toEqual({ protocol: 'https', host: '10.1.2.3', port: 2376, ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM' });
    expect(engine.skipTlsVerify).toBeUndefined();
    expect(engine.candidates).toEqual([{ address: 'tcp://10.1.2.3:2376', source: 'context', found: true }]);
  });

  it('a context on TCP without TLS material is plain http on 2375; skip-tls-verify is https without checking', () => {
    putContext('plain', 'tcp://docker.lan');
    putContext('insecure', 'tcp://docker.lan:2376', { skipTlsVerify: true });
    expect(resolve({ DOCKER_CONTEXT: 'plain' }).options).toEqual({ protocol: 'http', host: 'docker.lan', port: 2375 });
    const insecure = resolve({ DOCKER_CONTEXT: 'insecure' });
    expect(insecure.options).toEqual({ protocol: 'https', host: 'docker.lan', port: 2376 });
    expect(insecure.skipTlsVerify).toBe(true);
  });

  it('TLS files of a context on a socket are not used (docker/cli: no TLS for a socket)', () => {
    putContext('local', 'unix:///run/docker.sock', { tls: { 'ca.pem': 'CA PEM' } });
    useContext('local');
    expect(resolve().options).toEqual({ socketPath: '/run/docker.sock' });
  });

  it('a context over ssh: user, host and port, with the ssh agent', () => {
    putContext('box', 'ssh://ada@build-box:2222');
    expect(resolve({ DOCKER_CONTEXT: 'box', SSH_AUTH_SOCK: '/tmp/agent.sock' }).options).toEqual({
      protocol: 'ssh',
      host: 'build-box',
      port: 2222,
      username: 'ada',
      sshOptions: { agent: '/tmp/agent.sock' },
    });
  });

  it('DOCKER_CONTEXT wins over config.json, and DOCKER_CONFIG replaces ~/.docker', () => {
    putContext('a', 'unix:///a.sock');
    putContext('b', 'unix:///b.sock');
    useContext('a');
    expect(resolve({ DOCKER_CONTEXT: 'b' })).toMatchObject({ contextName: 'b', how: 'the Docker context "b" (DOCKER_CONTEXT)' });
    putContext('elsewhere', 'unix:///elsewhere.sock', { configDir: '/etc/ada-docker' });
    useContext('elsewhere', '/etc/ada-docker');
    expect(resolve({ DOCKER_CONFIG: '/etc/ada-docker' })).toMatchObject({ contextName: 'elsewhere', address: 'unix:///elsewhere.sock' });
  });

  it('the context "default" means no context: the platform default', () => {
    putContext('a', 'unix:///a.sock');
    useContext('default');
    expect(resolve()).toMatchObject({ source: 'default', address: 'unix:///var/run/docker.sock' });
    expect(resolve({ DOCKER_CONTEXT: 'default' })).toMatchObject({ source: 'default' });
    expect(resolve({}, 'linux', { context: 'default' })).toMatchObject({ source: 'default' });
  });
});

describe('DOCKER_HOST', () => {
  it('wins over DOCKER_CONTEXT and the current context', () => {
    putContext('a', 'unix:///a.sock');
    useContext('a');
    const engine = resolve({ DOCKER_HOST: 'unix:///srv/docker.sock', DOCKER_CONTEXT: 'a' });
    expect(engine).toMatchObject({ source: 'DOCKER_HOST', address: 'unix:///srv/docker.sock', how: 'DOCKER_HOST', label: 'unix:///srv/docker.sock (DOCKER_HOST)', options: { socketPath: '/srv/docker.sock' } });
    expect(engine.contextName).toBeUndefined();
    expect(engine.candidates).toEqual([{ address: 'unix:///srv/docker.sock', source: 'DOCKER_HOST', found: false, why: 'no socket there' }]);
  });

  it('with DOCKER_TLS_VERIFY: https, files from DOCKER_CERT_PATH (else the Docker config folder)', () => {
    put('/certs/ca.pem', 'CA');
    put('/certs/cert.pem', 'CERT');
    put('/certs/key.pem', 'KEY');
    expect(resolve({ DOCKER_HOST: 'tcp://[::1]:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }).options).toEqual({ protocol: 'https', host: '::1', port: 2376, ca: 'CA', cert: 'CERT', key: 'KEY' });
    put(`${HOME}/.docker/ca.pem`, 'HOME CA');
    expect(resolve({ DOCKER_HOST: 'tcp://docker.lan', DOCKER_TLS_VERIFY: '1' }).options).toEqual({ protocol: 'https', host: 'docker.lan', port: 2376, ca: 'HOME CA' });
    expect(resolve({ DOCKER_HOST: 'tcp://docker.lan:2375' }).options).toEqual({ protocol: 'http', host: 'docker.lan', port: 2375 });
  });

  it('a DOCKER_HOST that is no engine address is refused, naming DOCKER_HOST', () => {
    const error = refusal(() => resolve({ DOCKER_HOST: 'docker.lan:2375' }));
    expect(error.code).toBe('DOCKER_HOST_INVALID');
    expect(error.message).toMatch(/^DOCKER_HOST: "docker\.lan:2375" is not a Docker engine address: use unix:\/\/\/path/);
  });
});

describe('seclab --engine and --context', () => {
  it('--context wins over DOCKER_HOST (as docker --context does); --engine over everything', () => {
    putContext('a', 'unix:///a.sock');
    expect(resolve({ DOCKER_HOST: 'unix:///srv/docker.sock' }, 'linux', { context: 'a' })).toMatchObject({ source: 'flag', contextName: 'a', how: 'the Docker context "a" (--context)' });
    useContext('a');
    expect(resolve({ DOCKER_HOST: 'unix:///srv/docker.sock' }, 'linux', { engine: 'tcp://127.0.0.1:2375' })).toMatchObject({
      source: 'flag',
      how: '--engine',
      label: 'tcp://127.0.0.1:2375 (--engine)',
      options: { protocol: 'http', host: '127.0.0.1', port: 2375 },
    });
  });

  it('both at once, an empty context name or a malformed address: a flag error naming the flag', () => {
    expect(refusal(() => resolve({}, 'linux', { engine: 'unix:///a.sock', context: 'a' }))).toMatchObject({ code: 'BAD_OPTION', message: '--engine and --context both name an engine: use one of them' });
    expect(refusal(() => resolve({}, 'linux', { context: ' ' }))).toMatchObject({ code: 'BAD_OPTION', message: expect.stringMatching(/^--context: /) });
    expect(refusal(() => resolve({}, 'linux', { engine: 'unix://' }))).toMatchObject({ code: 'BAD_OPTION', message: '--engine: "unix://" names no socket' });
    expect(refusal(() => resolve({}, 'linux', { engine: 'http//x' }))).toMatchObject({ code: 'BAD_OPTION', message: expect.stringMatching(/^--engine: "http\/\/x" is not a Docker engine address/) });
  });
});

describe('a broken context is named, with where seclab looked and a fix', () => {
  it('a context that does not exist', () => {
    useContext('gone');
    const id = createHash('sha256').update('gone').digest('hex');
    const error = refusal(() => resolve());
    expect(error.code).toBe('DOCKER_CONTEXT_BROKEN');
    expect(error.message).toBe(
      `The Docker context "gone" (the current context in ~/.docker/config.json) cannot be used: there is no such context (no ~/.docker/contexts/meta/${id}/meta.json). ` +
        'To fix: see the contexts there are with `docker context ls` and choose one (`docker context use NAME`, or seclab --context NAME), or go back to the default engine with `docker context use default`',
    );
  });

  it('a meta.json that is not JSON, or has no docker endpoint', () => {
    const meta = putContext('torn', 'unix:///a.sock');
    put(meta, '{"Name":"torn",');
    expect(refusal(() => resolve({ DOCKER_CONTEXT: 'torn' })).message).toMatch(
      /^The Docker context "torn" \(named by DOCKER_CONTEXT\) cannot be used: ~\/\.docker\/contexts\/meta\/[0-9a-f]{64}\/meta\.json is not JSON \(.+\)\. To fix: recreate it \(`docker context rm torn`, then `docker context create torn --docker host=…`\)/,
    );
    put(meta, JSON.stringify({ Name: 'torn', Metadata: {}, Endpoints: {} }));
    expect(refusal(() => resolve({}, 'linux', { context: 'torn' })).message).toMatch(
      /^The Docker context "torn" \(chosen with --context\) cannot be used: .*meta\.json is not a Docker context's description \(it has no docker endpoint\)/,
    );
  });

  it('a context whose host is no engine address', () => {
    putContext('odd', 'fd://');
    expect(refusal(() => resolve({ DOCKER_CONTEXT: 'odd' })).message).toMatch(/^The Docker context "odd" \(named by DOCKER_CONTEXT\) cannot be used: its docker endpoint "fd:\/\/" is not a Docker engine address/);
  });

  it('a config.json that is not JSON: the file is named', () => {
    put(`${HOME}/.docker/config.json`, '{ nope');
    expect(refusal(() => resolve())).toMatchObject({ code: 'DOCKER_CONFIG_INVALID', message: expect.stringMatching(/^The Docker configuration ~\/\.docker\/config\.json cannot be read \(/) });
  });
});

describe("each platform's default sockets, the first found is used", () => {
  const addresses = (engine: ReturnType<typeof resolve>) => engine.candidates.map((c) => `${c.found ? '+' : '-'} ${c.address}`);

  it('Linux with nothing there: /var/run/docker.sock, and every place looked at is listed', () => {
    const engine = resolve({ XDG_RUNTIME_DIR: '/run/user/1000' });
    expect(engine).toMatchObject({ source: 'default', address: 'unix:///var/run/docker.sock', how: 'the default for Linux', label: 'unix:///var/run/docker.sock (the default for Linux)' });
    expect(addresses(engine)).toEqual([
      '- unix:///var/run/docker.sock',
      '- unix:///run/user/1000/docker.sock',
      '- unix:///home/ada/.docker/desktop/docker.sock',
      '- unix:///run/user/1000/podman/podman.sock',
      '- unix:///run/podman/podman.sock',
    ]);
    expect(engine.candidates[1].why).toBe('rootless Docker: not there');
  });

  it('Linux: rootless Docker, Docker Desktop for Linux, Podman, each when it is the only one', () => {
    const env = { XDG_RUNTIME_DIR: '/run/user/1000' };
    put('/run/user/1000/podman/podman.sock');
    expect(resolve(env).address).toBe('unix:///run/user/1000/podman/podman.sock');
    put('/home/ada/.docker/desktop/docker.sock');
    expect(resolve(env).address).toBe('unix:///home/ada/.docker/desktop/docker.sock');
    put('/run/user/1000/docker.sock');
    expect(resolve(env).address).toBe('unix:///run/user/1000/docker.sock');
    put('/var/run/docker.sock');
    const engine = resolve(env);
    expect(engine.options).toEqual({ socketPath: '/var/run/docker.sock' });
    expect(engine.candidates.find((c) => c.address === 'unix:///home/ada/.docker/desktop/docker.sock')).toEqual({
      address: 'unix:///home/ada/.docker/desktop/docker.sock',
      source: 'default',
      found: true,
      why: 'Docker Desktop for Linux: also there; the first one found is used',
    });
  });

  it("macOS: Docker Desktop's ~/.docker/run/docker.sock, then /var/run/docker.sock, then Podman machines", () => {
    const env = { TMPDIR: '/var/folders/xy/T' };
    expect(addresses(resolve(env, 'darwin'))).toEqual([
      '- unix:///home/ada/.docker/run/docker.sock',
      '- unix:///var/run/docker.sock',
      '- unix:///var/folders/xy/T/podman/podman-machine-default-api.sock',
      '- unix:///home/ada/.local/share/containers/podman/machine/applehv/podman.sock',
      '- unix:///home/ada/.local/share/containers/podman/machine/qemu/podman.sock',
      '- unix:///home/ada/.local/share/containers/podman/machine/podman-machine-default/podman.sock',
    ]);
    put('/var/folders/xy/T/podman/podman-machine-default-api.sock');
    expect(resolve(env, 'darwin')).toMatchObject({ address: 'unix:///var/folders/xy/T/podman/podman-machine-default-api.sock', how: 'the default for macOS' });
    put('/var/run/docker.sock');
    expect(resolve(env, 'darwin').address).toBe('unix:///var/run/docker.sock');
    put('/home/ada/.docker/run/docker.sock');
    expect(resolve(env, 'darwin').address).toBe('unix:///home/ada/.docker/run/docker.sock');
  });

  it("Windows: Docker's named pipe, then the Podman machine's", () => {
    const engine = resolve({}, 'win32');
    expect(engine).toMatchObject({ address: 'npipe:////./pipe/docker_engine', how: 'the default for Windows', options: { socketPath: '//./pipe/docker_engine' } });
    expect(addresses(engine)).toEqual(['- npipe:////./pipe/docker_engine', '- npipe:////./pipe/podman-machine-default']);
    expect(resolve({ DOCKER_HOST: 'npipe:////./pipe/custom' }, 'win32').options).toEqual({ socketPath: '//./pipe/custom' });
  });
});

describe('the dockerode client for a resolved engine', () => {
  afterEach(() => vi.unstubAllEnvs());

  it("is that engine's, whatever DOCKER_HOST this process has (docker-modem would fill the rest from it)", () => {
    vi.stubEnv('DOCKER_HOST', 'tcp://192.0.2.1:2375');
    putContext('a', 'unix:///a.sock');
    const modem = dockerClientFor(resolve({ DOCKER_CONTEXT: 'a' })).modem as unknown as { socketPath?: string; host?: string };
    expect(modem.socketPath).toBe('/a.sock');
    expect(modem.host).toBeUndefined();
  });

  it('what it shows of the engine holds no connection options (no TLS key)', () => {
    putContext('remote', 'tcp://10.1.2.3:2376', { tls: { 'ca.pem': 'CA', 'cert.pem': 'CERT', 'key.pem': 'SECRET KEY' } });
    const info = engineInfoOf(resolve({ DOCKER_CONTEXT: 'remote' }));
    expect(JSON.stringify(info)).not.toContain('SECRET KEY');
    expect(Object.keys(info).sort()).toEqual(['address', 'candidates', 'contextName', 'how', 'label', 'source']);
  });
});
