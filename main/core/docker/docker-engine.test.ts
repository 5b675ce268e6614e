import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_LABEL } from '../../../common/lab-plan.ts';
import { buildEmulatorBaseImage, collectNodeRootFilesystem } from '../emulator-images/build-emulator-images.ts';
import { DockerEngine, dockerBefore20_10_27 } from './docker-engine.ts';

const HOSTILE = ['x/../../../127.0.0.1:47999/p', '../x', 'a/b', 'x?y=1', 'x#', '.hidden', '-x', '', 'x y', 'x%2f..'];

/** A stand-in engine on 127.0.0.1 that records every path asked of it. */
async function recordingEngine(answer: (request: IncomingMessage, response: import('node:http').ServerResponse) => void) {
  const paths: string[] = [];
  const server: Server = createServer((request, response) => {
    paths.push(request.url ?? '');
    answer(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const engine = new DockerEngine(new Docker({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, protocol: 'http' }));
  return {
    engine,
    paths,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('DockerEngine keeps names out of request paths unless Docker would take them', () => {
  it('refuses hostile container, volume, network and image names before any request', async () => {
    const fake = await recordingEngine((_, response) => response.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message":"no such object"}'));
    try {
      for (const name of HOSTILE) {
        await expect(fake.engine.inspectContainer(name), name).rejects.toMatchObject({ code: 'INVALID_NAME' });
        await expect(fake.engine.logs(name, { tail: 1 }), name).rejects.toMatchObject({ code: 'INVALID_NAME' });
        await expect(fake.engine.logs(name, { follow: true }), name).rejects.toMatchObject({ code: 'INVALID_NAME' });
        await expect(fake.engine.removeContainer(name), name).rejects.toMatchObject({ code: 'INVALID_NAME' });
        await expect(fake.engine.killContainer(name), name).rejects.toMatchObject({ code: 'INVALID_NAME' });
        await expect(fake.engine.removeVolume(name), name).rejects.toMatchObject({ code: 'INVALID_NAME' });
        await expect(fake.engine.removeNetwork(name), name).rejects.toMatchObject({ code: 'INVALID_NAME' });
        await expect(fake.engine.stopContainer(name), name).rejects.toMatchObject({ code: 'INVALID_NAME' });
        await expect(fake.engine.putArchive(name, '/', Buffer.alloc(0)), name).rejects.toMatchObject({ code: 'INVALID_NAME' });
      }
      for (const image of ['x/../../127.0.0.1:47999/p', 'repo//x', 'repo/./x', 'Repo/X', 'x:tag/..', '../x']) {
        await expect(fake.engine.imageExists(image), image).rejects.toMatchObject({ code: 'INVALID_NAME' });
      }
      expect(fake.paths).toEqual([]);
      // Names the planner makes pass.
      expect(await fake.engine.inspectContainer('seclab-workshop-1-fleet-server')).toBeUndefined();
      expect(await fake.engine.imageExists('docker.elastic.co/elasticsearch/elasticsearch:9.4.0')).toBe(false);
      expect(await fake.engine.imageExists('localhost:5000/seclab-emulator/elastic-agent:9.4.0')).toBe(false);
      expect(fake.paths).toEqual([
        '/containers/seclab-workshop-1-fleet-server/json',
        '/images/docker.elastic.co/elasticsearch/elasticsearch:9.4.0/json',
        '/images/localhost:5000/seclab-emulator/elastic-agent:9.4.0/json',
      ]);
    } finally {
      await fake.close();
    }
  });

  it('waits out a removal the engine is already doing (an AutoRemove one-shot that just exited) instead of failing teardown', async () => {
    let inspections = 0;
    const fake = await recordingEngine((request, response) => {
      const json = (status: number, body: unknown) => response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      if (request.method === 'DELETE') return json(409, { message: 'removal of container abc123 is already in progress' });
      inspections += 1;
      // Found while the engine removes it, gone after that.
      if (inspections <= 2) return json(200, { Id: 'abc123', Config: { Labels: { [LAB_LABEL]: 'x' } }, State: { Running: false } });
      return json(404, { message: 'No such container: abc123' });
    });
    try {
      await expect(fake.engine.removeContainer('seclab-x-probe-1')).resolves.toBeUndefined();
      expect(fake.paths.filter((path) => path.includes('/json')).length).toBe(3);
    } finally {
      await fake.close();
    }
  });

  it('kills a running lab container with SIGKILL; one that stopped meanwhile (409) is done; one without the lab label is refused untouched', async () => {
    const kills: string[] = [];
    const fake = await recordingEngine((request, response) => {
      const json = (status: number, body: unknown) => response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      if (request.method === 'POST') {
        kills.push(request.url ?? '');
        return request.url?.includes('stopped') ? json(409, { message: 'container stopped is not running' }) : response.writeHead(204).end();
      }
      if (request.url?.includes('theirs')) return json(200, { Id: 'theirs', Config: { Labels: {} }, State: { Running: true } });
      return json(200, { Id: request.url?.includes('stopped') ? 'stopped' : 'abc123', Config: { Labels: { [LAB_LABEL]: 'x' } }, State: { Running: true } });
    });
    try {
      await fake.engine.killContainer('seclab-x-es01');
      await expect(fake.engine.killContainer('seclab-x-stopped')).resolves.toBeUndefined();
      await expect(fake.engine.killContainer('theirs')).rejects.toThrow(/seclab\.lab/);
      expect(kills).toEqual(['/containers/abc123/kill?signal=SIGKILL', '/containers/stopped/kill?signal=SIGKILL']);
    } finally {
      await fake.close();
    }
  });

  it('removes a network once the engine has released the endpoint of a container it just removed ("has active endpoints")', async () => {
    let deletes = 0;
    const fake = await recordingEngine((request, response) => {
      const json = (status: number, body: unknown) => response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      if (request.method !== 'DELETE') return json(200, { Name: 'seclab-x', Labels: { [LAB_LABEL]: 'x' }, Containers: {} });
      deletes += 1;
      if (deletes <= 2) return json(403, { message: 'error while removing network: network seclab-x id 5dc1 has active endpoints' });
      response.writeHead(204).end();
    });
    try {
      await expect(fake.engine.removeNetwork('seclab-x')).resolves.toBeUndefined();
      expect(deletes).toBe(3);
    } finally {
      await fake.close();
    }
  });

  it('says what holds a network the engine will not remove: the containers still attached, or endpoints no container has (moby/moby#42119) and the fix', async () => {
    for (const [attached, expected] of [
      [{ abc: { Name: 'someone-elses' } }, /network seclab-x still has containers attached after 0.2 s \(someone-elses\): remove them/],
      [{}, /the engine still counts endpoints on network seclab-x though no container is attached \(a Docker bug, moby\/moby#42119\): restart the Docker engine, then run the command again/],
    ] as const) {
      const fake = await recordingEngine((request, response) => {
        const json = (status: number, body: unknown) => response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
        if (request.method === 'DELETE') return json(403, { message: 'error while removing network: network seclab-x id 5dc1 has active endpoints' });
        json(200, { Name: 'seclab-x', Labels: { [LAB_LABEL]: 'x' }, Containers: attached });
      });
      try {
        fake.engine.removalWaitMs = 200;
        await expect(fake.engine.removeNetwork('seclab-x')).rejects.toMatchObject({ code: 'REMOVAL_STUCK', message: expect.stringMatching(expected) });
      } finally {
        await fake.close();
      }
    }
  });

  it('ends a followed log with an error event, not a crash, when the engine connection drops', async () => {
    const fake = await recordingEngine((_, response) => {
      response.writeHead(200, { 'Content-Type': 'application/vnd.docker.raw-stream' });
      response.write(Buffer.concat([Buffer.from([1, 0, 0, 0, 0, 0, 0, 6]), Buffer.from('hello\n')]));
      setTimeout(() => response.socket?.destroy(), 50);
    });
    try {
      const stream = await fake.engine.logs('seclab-x-es01', { follow: true });
      const text: string[] = [];
      stream.on('data', (chunk: Buffer) => text.push(chunk.toString()));
      await new Promise((resolve) => stream.on('close', resolve));
      expect(text.join('')).toBe('hello\n');
    } finally {
      await fake.close();
    }
  });

  it('ends a one-shot whose attach the engine never answers at its deadline, and removes the container', async () => {
    const fake = await recordingEngine((request, response) => {
      const json = (status: number, body: unknown) => response.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      if (request.url?.startsWith('/containers/create')) return json(201, { Id: 'abc123' });
      if (request.url?.includes('/attach')) return; // a connection that stalled: no answer, ever
      if (request.method === 'DELETE') return response.writeHead(204).end();
      return json(404, { message: 'No such container: abc123' });
    });
    try {
      const run = fake.engine.runToCompletion({ name: 'seclab-x-probe-1', image: 'seclab-emulator/base:x', user: '1000:0', env: {}, labels: { [LAB_LABEL]: 'x' } }, 300);
      await expect(run).rejects.toThrow('seclab-x-probe-1 did not finish within 0.3s');
      expect(fake.paths.some((path) => path.startsWith('/containers/abc123?force=true'))).toBe(true);
    } finally {
      await fake.close();
    }
  });
});

describe('a Podman healthcheck run seclab asks for (nothing else runs them without systemd)', () => {
  it('is given up past the healthcheck timeout when Podman never answers, and the inspect still answers', async () => {
    const longAgo = new Date(Date.now() - 60_000).toISOString();
    const inspection = {
      Id: 'abc123',
      Name: '/seclab-x-es01',
      State: { Running: true, StartedAt: longAgo, Health: { Status: 'starting', Log: null } },
      Config: { Labels: { [LAB_LABEL]: 'x' }, Healthcheck: { Test: ['CMD', 'true'], Interval: 1e9, Timeout: 0.2e9 } },
    };
    const fake = await recordingEngine((request, response) => {
      const json = (body: unknown) => response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
      if (request.url?.endsWith('/version')) return json({ Version: '4.3.1', Components: [{ Name: 'Podman Engine', Version: '4.3.1' }] });
      if (request.url?.includes('/healthcheck')) return; // an exec Podman never ends: no answer, ever
      return json(inspection);
    });
    try {
      // Given up after the healthcheck's own 0.2 s and the grace; a hang would meet vitest's 5 s first.
      const info = await fake.engine.inspectContainer('seclab-x-es01');
      expect(info?.State.Health?.Status).toBe('starting');
      expect(fake.paths).toContain('/v4.0.0/libpod/containers/abc123/healthcheck');
    } finally {
      await fake.close();
    }
  });
});

describe('one-shot containers on the real engine', () => {
  const engine = new DockerEngine();
  const lab = `oneshot-${process.pid}`;
  let image = '';

  beforeAll(async () => {
    image = await buildEmulatorBaseImage(engine, collectNodeRootFilesystem(), () => undefined);
  });
  afterAll(async () => {
    for (const container of (await engine.labObjects(lab)).containers) await engine.removeContainer(container.name).catch(() => undefined);
  });

  it('returns the whole output and exit code, and the container is gone', async () => {
    const result = await engine.runToCompletion({
      name: `seclab-${lab}-echo`,
      image,
      user: '1000:0',
      env: {},
      labels: { [LAB_LABEL]: lab },
      networkMode: 'none',
      stdin: 'from stdin',
      cmd: ['/usr/local/bin/node', '-e', "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{console.log('x'.repeat(100000).length, s);process.exit(3)})"],
    });
    expect(result).toEqual({ exitCode: 3, output: '100000 from stdin\n' });
    expect((await engine.labObjects(lab)).containers).toEqual([]);
  });

  it('a container with no network has the engine wire none: loopback only, networking disabled', async () => {
    const name = `seclab-${lab}-offline`;
    await engine.createContainer({ name, image, user: '1000:0', env: {}, labels: { [LAB_LABEL]: lab }, networkMode: 'none', cmd: ['/usr/local/bin/node', '-e', '0'] });
    try {
      const info = await engine.inspectContainer(name);
      expect((info?.Config as { NetworkDisabled?: boolean } | undefined)?.NetworkDisabled).toBe(true);
      expect(info?.HostConfig.NetworkMode).toBe('none');
    } finally {
      await engine.removeContainer(name);
    }
    const result = await engine.runToCompletion({
      name,
      image,
      user: '1000:0',
      env: {},
      labels: { [LAB_LABEL]: lab },
      networkMode: 'none',
      cmd: ['/usr/local/bin/node', '-e', "console.log(Object.keys(require('node:os').networkInterfaces()).join(','))"],
    });
    expect(result).toEqual({ exitCode: 0, output: 'lo\n' });
  });

  it('is removed by the engine itself when the process that started it is killed', async () => {
    const name = `seclab-${lab}-orphan`;
    const script = `
      import { DockerEngine } from './main/core/docker/docker-engine.ts';
      await new DockerEngine().runToCompletion({ name: ${JSON.stringify(name)}, image: ${JSON.stringify(image)}, user: '1000:0', env: {}, labels: { ${JSON.stringify(LAB_LABEL)}: ${JSON.stringify(lab)} }, networkMode: 'none', cmd: ['/usr/local/bin/node', '-e', 'setTimeout(() => {}, 3000)'] });
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd(), stdio: 'ignore' });
    try {
      await expect.poll(async () => (await engine.inspectContainer(name))?.State.Running ?? false, { timeout: 30_000, interval: 200 }).toBe(true);
      expect((await engine.inspectContainer(name))?.HostConfig.AutoRemove).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
    // Nobody is left to remove it: the engine does, once it exits.
    await expect.poll(async () => (await engine.inspectContainer(name)) === undefined, { timeout: 30_000, interval: 250 }).toBe(true);
  });
});

describe('dockerBefore20_10_27: engines whose concurrent container exits may deadlock (moby/moby#46661)', () => {
  it.each([
    ['20.10.24+dfsg1', true],
    ['20.10.26', true],
    ['19.03.15', true],
    ['20.10.27', false],
    ['23.0.6', false],
    ['27.3.1', false],
    ['not a version', false],
  ])('%s → %s', (version, expected) => {
    expect(dockerBefore20_10_27(version)).toBe(expected);
  });
});
