import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Docker from 'dockerode';
import type { CoreEnvironment } from '../environment.ts';
import { resolveLab } from '../planner/plan-service.ts';
import { DockerEngine } from './docker-engine.ts';
import { portsPublishedHere } from './ports-published-here.ts';

/** A fake engine API on a unix socket: GET /containers/json answers `containers`. */
function fakeEngine(socketPath: string, containers: unknown[]): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url?.includes('/containers/json')) {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify(containers));
      return;
    }
    response.statusCode = 404;
    response.end('{}');
  });
  return new Promise((resolve) => server.listen(socketPath, () => resolve(server)));
}

const running = (name: string, lab: string | undefined, ports: Array<{ IP: string; PublicPort: number; PrivatePort: number; Type: string }>) => ({
  Names: [`/${name}`],
  Labels: lab ? { 'seclab.lab': lab } : {},
  Ports: ports,
});

describe('ports the engines on this machine publish, which a bind test may not see', () => {
  const folder = mkdtempSync(join(tmpdir(), 'seclab-ports-here-'));
  const chosenSocket = join(folder, 'docker.sock');
  const podmanSocket = join(folder, 'podman.sock');
  const servers: Server[] = [];
  let engine: DockerEngine;
  let environment: CoreEnvironment;

  beforeAll(async () => {
    servers.push(
      await fakeEngine(chosenSocket, [
        running('seclab-mine-es01', 'mine', [{ IP: '127.0.0.1', PublicPort: 19200, PrivatePort: 9200, Type: 'tcp' }]),
        running('web', undefined, [
          { IP: '0.0.0.0', PublicPort: 18080, PrivatePort: 80, Type: 'tcp' },
          { IP: '10.1.2.3', PublicPort: 18081, PrivatePort: 81, Type: 'tcp' },
        ]),
      ]),
      await fakeEngine(podmanSocket, [running('seclab-other-es01', 'other', [{ IP: '127.0.0.1', PublicPort: 9200, PrivatePort: 9200, Type: 'tcp' }])]),
    );
    engine = new DockerEngine(new Docker({ socketPath: chosenSocket }), { source: 'flag', address: `unix://${chosenSocket}`, how: 'flag', label: 'test', candidates: [] });
    environment = {
      home: folder,
      engine: () => engine,
      now: () => new Date(),
      randomBytes: () => Buffer.alloc(0),
      engineSelection: {
        choose: () => engine.info!,
        options: () => [
          { address: `unix://${chosenSocket}`, kind: 'Docker Engine', choice: {} },
          { address: `unix://${podmanSocket}`, kind: 'Podman', choice: { engine: `unix://${podmanSocket}` } },
          { address: `unix://${join(folder, 'gone.sock')}`, kind: 'Podman (rootless)', choice: { engine: 'x' } },
        ],
      },
    };
  });
  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
    rmSync(folder, { recursive: true, force: true });
  });

  it("lists the chosen engine's and the other engines' loopback ports, with their holder; an engine that can't be asked adds nothing", async () => {
    const held = await portsPublishedHere(environment, engine, 'mine');
    expect([...held].sort(([a], [b]) => a - b)).toEqual([
      [9200, `container seclab-other-es01 on unix://${podmanSocket}`],
      [18080, 'container web'],
    ]);
  });

  it('a new lab is given the next port, not the one another engine forwards', async () => {
    const { allocation } = await resolveLab(environment, { name: 'fresh', images: 'emulated' }, [], undefined, { published: await portsPublishedHere(environment, engine, 'fresh') });
    expect(allocation.ports.elasticsearch).not.toBe(9200);
    expect(allocation.ports.elasticsearch).toBeGreaterThan(9200);
  });

  it('says nothing for an engine whose ports are on another host', async () => {
    const remote = new DockerEngine(new Docker({ socketPath: chosenSocket }), engine.info, { ...engine.publishedPorts, kind: 'ssh-tunnel' });
    expect((await portsPublishedHere(environment, remote)).size).toBe(0);
  });
});
