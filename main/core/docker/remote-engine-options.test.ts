import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SeclabError } from '../../../common/errors.ts';
import { resolveDockerEngine, type EngineChoice } from './engine-resolution.ts';
import { engineConnectionError } from './engine-connection.ts';
import { publishedPortAccessFor, sshForwardCommand } from './published-ports.ts';
import { sshFailure } from './ssh-engine-session.ts';
import type { DockerEngineInfo } from '../../../common/docker-engine-info.ts';

/** Issue 14, remote engines: --docker-host, DOCKER_TLS_VERIFY/DOCKER_CERT_PATH, ssh:// identities, and what each failure says. */
const HOME = '/home/ada';
let root: string;

const put = (path: string, text = '') => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};

function resolve(env: NodeJS.ProcessEnv, choice: EngineChoice = {}) {
  return resolveDockerEngine({
    ...choice,
    env,
    homeDir: HOME,
    platform: 'linux',
    readFile: (path) => (existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined),
    exists: (path) => existsSync(join(root, path)),
  });
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'seclab-remote-options-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('--docker-host and DOCKER_HOST with TLS', () => {
  it('tcp:// with DOCKER_TLS_VERIFY reads ca.pem, cert.pem and key.pem from DOCKER_CERT_PATH, on 2376 unless a port is given', () => {
    put('/certs/ca.pem', 'CA');
    put('/certs/cert.pem', 'CERT');
    put('/certs/key.pem', 'KEY');
    const env = { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' };
    expect(resolve(env, { engine: 'tcp://engine.lan', engineFlag: '--docker-host' })).toMatchObject({
      source: 'flag',
      how: '--docker-host',
      label: 'tcp://engine.lan (--docker-host)',
      options: { protocol: 'https', host: 'engine.lan', port: 2376, ca: 'CA', cert: 'CERT', key: 'KEY' },
    });
    expect(resolve({ ...env, DOCKER_HOST: 'tcp://127.0.0.1:40123' }).options).toMatchObject({ protocol: 'https', host: '127.0.0.1', port: 40123 });
  });

  it('without DOCKER_TLS_VERIFY, tcp:// is plain HTTP on 2375', () => {
    expect(resolve({}, { engine: 'tcp://engine.lan', engineFlag: '--docker-host' }).options).toEqual({ protocol: 'http', host: 'engine.lan', port: 2375 });
  });

  it('a malformed --docker-host is refused naming --docker-host', () => {
    let error: unknown;
    try {
      resolve({}, { engine: 'http://engine.lan', engineFlag: '--docker-host' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SeclabError);
    expect((error as SeclabError).message).toMatch(/^--docker-host: "http:\/\/engine\.lan" is not a Docker engine address/);
  });
});

describe('ssh:// engines', () => {
  it('user, host and port from the URL; the agent from SSH_AUTH_SOCK and the first of ~/.ssh/id_rsa, id_ecdsa, id_ed25519 that exists', () => {
    put(`${HOME}/.ssh/id_ed25519`, 'KEY');
    expect(resolve({ SSH_AUTH_SOCK: '/tmp/agent' }, { engine: 'ssh://root@box:2222', engineFlag: '--docker-host' }).options).toEqual({
      protocol: 'ssh',
      host: 'box',
      port: 2222,
      username: 'root',
      sshOptions: { agent: '/tmp/agent', identityFile: `${HOME}/.ssh/id_ed25519` },
    });
    put(`${HOME}/.ssh/id_rsa`, 'KEY');
    expect(resolve({}, { engine: 'ssh://box' }).options).toEqual({ protocol: 'ssh', host: 'box', port: 22, sshOptions: { identityFile: `${HOME}/.ssh/id_rsa` } });
  });

  it('SECLAB_SSH_IDENTITY names the key file (~ expanded), and says it was named', () => {
    expect(resolve({ SECLAB_SSH_IDENTITY: '~/keys/lab' }, { engine: 'ssh://ada@box' }).options.sshOptions).toEqual({ identityFile: `${HOME}/keys/lab`, identityExplicit: true });
  });

  it('a refused login names the host, what was tried and how to fix it; an unreachable host says so', () => {
    const endpoint = { host: 'box', port: 2222, username: 'root' };
    const refused = sshFailure(Object.assign(new Error('All configured authentication methods failed'), { level: 'client-authentication' }), endpoint, { agent: '/tmp/agent', identityFile: '/home/ada/.ssh/id_ed25519' });
    expect(refused.code).toBe('DOCKER_SSH_AUTH_REFUSED');
    expect(refused.message).toBe(
      "ssh://root@box:2222 refused the SSH login (tried the ssh agent (SSH_AUTH_SOCK) and /home/ada/.ssh/id_ed25519): add your public key to root's ~/.ssh/authorized_keys on box, load your key with `ssh-add`, or name the key file with SECLAB_SSH_IDENTITY=/path/to/key",
    );
    const unreachable = sshFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), endpoint, {});
    expect(unreachable.message).toMatch(/^cannot reach ssh:\/\/root@box:2222 \(ECONNREFUSED\): check that box is up and its sshd listens on port 2222/);
  });
});

describe('TLS failures name the engine and the fix', () => {
  const engine: DockerEngineInfo = { source: 'flag', address: 'tcp://engine.lan:2376', how: '--docker-host', label: 'tcp://engine.lan:2376 (--docker-host)', candidates: [] };
  it('an engine certificate that does not verify points at ca.pem', () => {
    const error = engineConnectionError(Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }), {}, engine, 'https');
    expect(error?.code).toBe('DOCKER_TLS_REFUSED');
    expect(error?.message).toMatch(/^The engine at tcp:\/\/engine\.lan:2376 \(--docker-host\) presented a certificate that does not verify \(SELF_SIGNED_CERT_IN_CHAIN\): ca\.pem in DOCKER_CERT_PATH/);
  });
  it('a refused client certificate (an alert, or a hang-up right after the handshake) points at cert.pem and key.pem', () => {
    for (const error of [Object.assign(new Error('alert'), { code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' }), Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })]) {
      const said = engineConnectionError(error, {}, engine, 'https');
      expect(said?.code).toBe('DOCKER_TLS_REFUSED');
      expect(said?.message).toMatch(/refused the TLS connection .*cert\.pem and key\.pem in DOCKER_CERT_PATH/);
    }
  });
  it('a refused connection to a tcp:// engine is "nothing answers", not "start Docker"', () => {
    const error = engineConnectionError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED', syscall: 'connect', address: '10.0.0.9', port: 2376 }), {}, engine, 'https');
    expect(error?.message).toMatch(/^Nothing answers at tcp:\/\/engine\.lan:2376 \(--docker-host\) \(ECONNREFUSED\): check that the engine on that host listens/);
  });
});

describe('published ports of a remote engine', () => {
  it("a socket or a loopback tcp:// engine shares this machine's loopback; another tcp:// host gets ssh -L instructions", () => {
    expect(publishedPortAccessFor(resolve({}, { engine: 'unix:///var/run/docker.sock' }), undefined).kind).toBe('local');
    expect(publishedPortAccessFor(resolve({}, { engine: 'tcp://127.0.0.1:2375' }), undefined).kind).toBe('local');
    const remote = publishedPortAccessFor(resolve({}, { engine: 'tcp://engine.lan:2375' }), undefined);
    expect(remote.kind).toBe('remote-without-tunnel');
    expect(remote.local(9200)).toBe(9200);
    expect(remote.instructions([9200, 5601])).toContain('`ssh -N -L 9200:127.0.0.1:9200 -L 5601:127.0.0.1:5601 USER@engine.lan`');
    expect(sshForwardCommand('box', [9200], 'root', 2222)).toBe('ssh -N -L 9200:127.0.0.1:9200 -p 2222 root@box');
  });
});
