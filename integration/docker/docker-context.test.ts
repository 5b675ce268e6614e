import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { expectPhaseTimings } from '../support/phase-timings.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerEngine } from '../../main/core/docker/docker-engine.ts';
import { createTestLabHome, uniqueLabName, type TestLabHome } from '../support/test-lab.ts';
import { runSeclab } from '../support/run-seclab.ts';

/**
 * Issue #18: an engine reachable only through a Docker context. The context, made with the docker
 * command itself in a DOCKER_CONFIG of the test's own, points at a socket nothing else knows: a proxy
 * in this process that relays each connection to the local engine and counts them. `seclab up` with
 * no DOCKER_HOST must find the context, bring the emulated lab up through it, and say so.
 */
const run = promisify(execFile);
const ENGINE_SOCKET = '/var/run/docker.sock';
const context = `seclab-ctx-${process.pid}`;
const lab = uniqueLabName('ctx');

let root: string;
let dockerConfig: string;
let proxyPath: string;
let proxy: Server;
const open = new Set<Socket>();
let connections = 0;
let home: TestLabHome;

/** The environment of a person whose engine is only reachable through the current Docker context. */
function contextEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: dockerConfig, SECLAB_HOME: home.home, NO_COLOR: '1' };
  for (const name of ['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH']) delete env[name];
  return env;
}

const docker = (args: string[]) => run('docker', args, { env: contextEnv() });

async function seclab(args: string[]) {
  return runSeclab(args, contextEnv(), 400_000);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'seclab-docker-context-'));
  dockerConfig = join(root, 'docker-config');
  proxyPath = join(root, 'engine.sock');
  home = createTestLabHome();
  proxy = createServer((client) => {
    connections += 1;
    const engine = connect(ENGINE_SOCKET);
    for (const socket of [client, engine]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => undefined);
    }
    client.pipe(engine).pipe(client);
  });
  await new Promise<void>((resolve) => proxy.listen(proxyPath, resolve));
  await docker(['context', 'create', context, '--docker', `host=unix://${proxyPath}`]);
  await docker(['context', 'use', context]);
}, 60_000);

afterAll(async () => {
  // Anything a failed run left is removed through the local engine itself, by the lab's label.
  await home?.cleanup([lab]);
  await docker(['context', 'use', 'default']).catch(() => undefined);
  await docker(['context', 'rm', '--force', context]).catch(() => undefined);
  for (const socket of open) socket.destroy();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  rmSync(root, { recursive: true, force: true });
}, 180_000);

describe('an engine reachable only through the current Docker context', () => {
  it('docker itself sees the context as current (the fixture is what a person would have)', async () => {
    const { stdout } = await docker(['context', 'show']);
    expect(stdout.trim()).toBe(context);
  });

  it('seclab doctor names the context, in text and JSON', async () => {
    const text = await seclab(['doctor', '--images', 'emulated', '--nodes', '1', '--no-kibana', '--lab', lab]);
    expect(text.stdout, text.stderr).toContain(`Docker engine: unix://${proxyPath} (the current Docker context "${context}")`);
    expect(text.stdout).toMatch(/✓ Docker engine: Docker /);
    const json = await seclab(['doctor', '--json', '--images', 'emulated', '--nodes', '1', '--no-kibana', '--lab', lab]);
    const report = JSON.parse(json.stdout) as { engine: Record<string, unknown>; checks: Array<{ id: string; status: string }> };
    expect(report.engine).toMatchObject({ source: 'context', contextName: context, address: `unix://${proxyPath}`, candidates: [{ address: `unix://${proxyPath}`, found: true }] });
    expect(report.checks.find((check) => check.id === 'docker')?.status).toBe('pass');
  }, 180_000);

  it('seclab up with no DOCKER_HOST brings the emulated lab up through the context; down --purge leaves nothing', async () => {
    const before = connections;
    const up = await seclab(['up', '--lab', lab, '--images', 'emulated', '--nodes', '1', '--no-kibana', '--json']);
    expect(up.code, up.stderr).toBe(0);
    const status = JSON.parse(up.stdout) as { outcome: string; lab: string; state: string };
    expect(status).toMatchObject({ lab, state: 'running' });
    // No Kibana: its phase is skipped, and Fleet (which needs Kibana) with it.
    expectPhaseTimings(JSON.parse(up.stdout), [
      ['preflight', 'done'],
      ['images', 'done'],
      ['network', 'done'],
      ['certificates', 'done'],
      ['elasticsearch', 'done'],
      ['security-setup', 'done'],
      ['kibana', 'skipped'],
      ['fleet', 'skipped'],
      ['agents', 'skipped'],
    ]);
    // Every request went through the proxy: the context's socket is the only way this run knew to the engine.
    expect(connections - before).toBeGreaterThan(0);

    const down = await seclab(['down', '--lab', lab, '--purge', '--json']);
    expect(down.code, down.stderr).toBe(0);
    const local = new DockerEngine(new Docker({ socketPath: ENGINE_SOCKET }));
    expect(await local.labObjects(lab)).toEqual({ containers: [], volumes: [], networks: [] });
  }, 420_000);

  it('a context that names no engine is refused by name, with where seclab looked', async () => {
    const result = await seclab(['--context', `${context}-gone`, 'status']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^seclab: The Docker context "${context}-gone" \\(chosen with --context\\) cannot be used: there is no such context \\(no .*/contexts/meta/[0-9a-f]{64}/meta\\.json\\)`));
    expect(result.stderr).toContain('[DOCKER_CONTEXT_BROKEN]');
  }, 60_000);
});
