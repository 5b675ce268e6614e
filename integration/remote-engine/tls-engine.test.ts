import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerEngine } from '../../main/core/docker/docker-engine.ts';
import { createTestLabHome, uniqueLabName, type TestLabHome } from '../support/test-lab.ts';
import { startTlsEngineProxy, type TlsEngineProxy } from './tls-engine-proxy.ts';
import { remoteEngineEnv, seclab, smallLabFlags, unhappyChecks } from './remote-cli.ts';

/**
 * Issue 14: a Docker engine over TCP with TLS client authentication, as dockerd --tlsverify serves it —
 * here a TLS endpoint on 127.0.0.1 with its own CA in front of the local engine. The real CLI, told
 * the engine with --docker-host and the docker CLI's DOCKER_TLS_VERIFY/DOCKER_CERT_PATH, brings the
 * emulated lab up, verifies it and removes it through that endpoint alone.
 */
const lab = uniqueLabName('tls');
let proxy: TlsEngineProxy;
let home: TestLabHome;

beforeAll(async () => {
  proxy = await startTlsEngineProxy();
  home = createTestLabHome();
});

afterAll(async () => {
  await home?.cleanup([lab]);
  await proxy?.close();
});

const tlsEnv = (certPath: string) => remoteEngineEnv(home.home, { DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certPath });
const engineFlags = () => ['--docker-host', `tcp://127.0.0.1:${proxy.port}`];

describe('an engine over tcp:// with TLS client authentication', () => {
  it('the endpoint refuses a client without a certificate', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port: proxy.port, ca: proxy.caPem, servername: 'localhost' }, () => {
        // TLS 1.3: the server's refusal arrives after the client's side of the handshake.
        socket.write('GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n');
      });
      socket.on('data', () => resolve('answered'));
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      socket.on('close', () => resolve('closed'));
    });
    expect(outcome).not.toBe('answered');
    expect(proxy.relayed()).toBe(0);
  });

  it('a client certificate from another CA is refused, and seclab says so naming the engine and the fix', async () => {
    const result = await seclab([...engineFlags(), 'status'], tlsEnv(proxy.untrustedCertPath));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The engine at tcp://127.0.0.1:${proxy.port} (--docker-host) refused the TLS connection`);
    expect(result.stderr).toContain('cert.pem and key.pem in DOCKER_CERT_PATH');
    expect(result.stderr).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
    expect(proxy.relayed()).toBe(0);
  }, 60_000);

  it('up, status and down --purge go through the TLS endpoint: every check passes, nothing is left', async () => {
    const env = tlsEnv(proxy.certPath);
    const up = await seclab([...engineFlags(), 'up', '--lab', lab, ...(await smallLabFlags())], env);
    expect(up.code, `${up.stdout}\n${up.stderr}`).toBe(0);
    // The engine was reached only through the TLS endpoint (how many connections depends on keep-alive
    // and how many one-shot containers `up` runs: 10 once Kibana's keystore took one instead of five).
    expect(proxy.relayed()).toBeGreaterThan(0);
    const status = await seclab([...engineFlags(), 'status', '--lab', lab, '--json'], env);
    expect(unhappyChecks(status.stdout)).toEqual([]);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).components.map((c: { component: string }) => c.component)).toEqual(expect.arrayContaining(['es01', 'kibana', 'fleet-server', 'agent01']));
    const down = await seclab([...engineFlags(), 'down', '--lab', lab, '--purge'], env);
    expect(down.code, down.stderr).toBe(0);
    // Seen on the engine itself, not through the endpoint.
    const left = await new DockerEngine().labObjects(lab);
    expect([...left.containers, ...left.volumes, ...left.networks]).toEqual([]);
  }, 900_000);
});
