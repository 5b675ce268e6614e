import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchCall } from '../../common/dispatch.ts';
import type { Envelope, Handlers } from '../../common/contract.ts';
import type { DockerEngineInfo } from '../../common/docker-engine-info.ts';
import type { PreflightCheck } from '../../common/lab-status.ts';
import { defaultEnvironment } from './environment.ts';
import { createLabHandlers } from './lab-handlers.ts';

/**
 * engine.choose on the real handlers and this machine's Docker engine: the contract refuses what
 * cannot be an engine, the environment switches engine (the preflight's Docker check follows it),
 * and no switch happens while a lab is being built. DOCKER_CONFIG is a temp folder, so the engine
 * "as seclab finds it" is the platform's socket, and contexts are made there.
 */
let root: string;
let handlers: Handlers & { close(): void };
const SPEC = { name: `engine-choice-${randomBytes(3).toString('hex')}`, images: 'emulated', elasticsearch: { nodes: 1 } };

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'seclab-engine-choice-'));
  const dockerConfig = join(root, 'docker-config');
  // A context on this machine's own socket, as `docker context create local-again --docker host=unix:///var/run/docker.sock` writes it.
  const id = createHash('sha256').update('local-again').digest('hex');
  mkdirSync(join(dockerConfig, 'contexts', 'meta', id), { recursive: true });
  writeFileSync(join(dockerConfig, 'contexts', 'meta', id, 'meta.json'), JSON.stringify({ Name: 'local-again', Metadata: {}, Endpoints: { docker: { Host: 'unix:///var/run/docker.sock', SkipTLSVerify: false } } }));
  const env = { ...process.env, SECLAB_HOME: join(root, 'home'), DOCKER_CONFIG: dockerConfig, DOCKER_HOST: '', DOCKER_CONTEXT: '' };
  handlers = createLabHandlers(defaultEnvironment(env), () => undefined);
});
afterAll(() => {
  handlers.close();
  rmSync(root, { recursive: true, force: true });
});

async function call<T>(method: string, input: unknown): Promise<Envelope<T>> {
  return (await dispatchCall(handlers, method, input)) as Envelope<T>;
}
async function value<T>(method: string, input: unknown): Promise<T> {
  const result = await call<T>(method, input);
  if (!result.ok) throw new Error(`${method}: ${result.error.code} ${result.error.message}`);
  return result.value;
}
const dockerCheck = async () => (await value<PreflightCheck[]>('labs.preflight', { spec: SPEC })).find((check) => check.id === 'docker')!;

describe('engine.choose', () => {
  it('refuses both at once, what is no address and what is no context, naming the field and the fix', async () => {
    expect(await call('engine.choose', { engine: 'unix:///var/run/docker.sock', context: 'local-again' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringContaining('context: both an engine address and a Docker context were given: choose one of them') },
    });
    expect(await call('engine.choose', { engine: 'tcp//10.0.0.5' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringContaining('engine: "tcp//10.0.0.5" is not a Docker engine address: write it as unix:///var/run/docker.sock, tcp://host:2376') },
    });
    expect(await call('engine.choose', { engine: 'unix://' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('engine: "unix://" names no socket') } });
    expect(await call('engine.choose', { engine: 'tcp://' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('engine: "tcp://" names no host') } });
    expect(await call('engine.choose', { context: 'no such' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('context: "no such" is not a Docker context name') } });
    expect(await call('engine.choose', { context: 'gone-context' })).toMatchObject({
      ok: false,
      error: {
        code: 'DOCKER_CONTEXT_BROKEN',
        message: expect.stringMatching(
          /^The Docker context "gone-context" \(chosen in the app\) cannot be used: there is no such context .*To fix: see the contexts there are with `docker context ls` and type one of their names/,
        ),
      },
    });
    // Refused choices change nothing.
    expect((await value<DockerEngineInfo>('engine.current', {})).address).toBe('unix:///var/run/docker.sock');
  });

  it('switches the engine: a socket that is not there fails the Docker check naming it; choosing back passes it', async () => {
    const missing = join(root, 'no-engine-here.sock');
    expect((await dockerCheck()).status).toBe('pass');

    const chosen = await value<DockerEngineInfo>('engine.choose', { engine: `unix://${missing}` });
    expect(chosen).toMatchObject({ source: 'app', address: `unix://${missing}`, how: 'chosen in the app' });
    expect((await value<DockerEngineInfo>('engine.current', {})).address).toBe(`unix://${missing}`);
    const failing = await dockerCheck();
    expect(failing.status).toBe('fail');
    expect(failing.detail).toContain(missing);

    const back = await value<DockerEngineInfo>('engine.choose', {});
    expect(back).toMatchObject({ source: 'default', address: 'unix:///var/run/docker.sock' });
    expect(back.choices?.[0]).toEqual({ address: 'unix:///var/run/docker.sock', kind: 'Docker Engine (the default for Linux)', choice: {} });
    expect((await dockerCheck()).status).toBe('pass');

    const context = await value<DockerEngineInfo>('engine.choose', { context: 'local-again' });
    expect(context).toMatchObject({ source: 'app', contextName: 'local-again', how: 'the Docker context "local-again" (chosen in the app)' });
    expect((await dockerCheck()).status).toBe('pass');
    await value('engine.choose', {});
  });

  it('is refused (LAB_BUSY) while a lab is being brought up', async () => {
    // An engine that takes every connection and never answers: the bring-up waits on it.
    const socketPath = join(root, 'silent-engine.sock');
    const connections: Socket[] = [];
    const server: Server = createServer((socket) => connections.push(socket));
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    await value('engine.choose', { engine: `unix://${socketPath}` });
    const up = call('labs.up', { spec: SPEC });
    await expect.poll(async () => (await value<unknown[]>('labs.operations', {})).length).toBe(1);

    expect(await call('engine.choose', {})).toMatchObject({
      ok: false,
      error: { code: 'LAB_BUSY', message: expect.stringMatching(new RegExp(`lab "${SPEC.name}" is being brought up .*: choose another engine once that is done`)) },
    });
    expect((await value<DockerEngineInfo>('engine.current', {})).address).toBe(`unix://${socketPath}`);

    for (const socket of connections) socket.destroy();
    server.close();
    expect(await up).toMatchObject({ ok: false });
    expect((await value<DockerEngineInfo>('engine.choose', {})).address).toBe('unix:///var/run/docker.sock');
  });
});
