import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLabSpec } from '../../common/lab-spec.ts';
import { DockerEngine } from '../core/docker/docker-engine.ts';
import { createLabHandlers } from '../core/lab-handlers.ts';
import { writeLabRecord } from '../core/lab-store/lab-records.ts';
import { writeLabSecrets } from '../core/lab-store/lab-secrets.ts';
import { createEventHub } from './event-hub.ts';
import { startWebUi, type WebUi } from './start-web-ui.ts';

const PASSWORD = 'HostileNamesTestPassw0rdXyz12';

/** Hostile lab and component names against `seclab ui` with the real lab services (and the real engine). */
describe('seclab ui refuses hostile names', () => {
  const home = mkdtempSync(join(tmpdir(), 'seclab-hostile-'));
  const lab = `hostile${process.pid % 10000}`;
  const hub = createEventHub();
  const handlers = createLabHandlers({ home, engine: () => new DockerEngine(), now: () => new Date(), randomBytes: (size) => Buffer.alloc(size, 7) }, hub.emit);
  let ui: WebUi;
  let cookie = '';
  let pageKey = '';
  // Something listening on 127.0.0.1 that a path-traversing name would aim the engine client at.
  const connections: string[] = [];
  let target: Server;
  let targetPort = 0;

  beforeAll(async () => {
    writeLabRecord(home, { spec: parseLabSpec({ name: lab }), allocation: { subnetIndex: 201, ports: { elasticsearch: 19200, kibana: 15601, fleetServer: 18220 } }, createdAt: new Date().toISOString() });
    writeLabSecrets(home, lab, { 'elastic-password': PASSWORD });
    target = createServer((socket) => {
      connections.push(String(socket.remotePort));
      socket.destroy();
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetPort = (target.address() as AddressInfo).port;
    const rendererDir = mkdtempSync(join(tmpdir(), 'seclab-renderer-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>seclab</title>');
    ui = await startWebUi({ handlers, subscribe: hub.subscribe, rendererDir });
    const opened = await call(new URL(ui.url).pathname + new URL(ui.url).search, undefined, 'GET');
    cookie = String(opened.headers['set-cookie']).split(';')[0];
    pageKey = new URL(ui.url).hash.slice('#key='.length);
  });
  afterAll(async () => {
    handlers.close();
    await ui.close();
    await new Promise((resolve) => target.close(resolve));
  });

  function call(path: string, body?: unknown, method = 'POST'): Promise<{ status: number; headers: Record<string, unknown>; text: string; json: () => { ok: boolean; error?: { code: string; message: string } } }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = method === 'POST' ? { Cookie: cookie, 'X-Seclab-Key': pageKey, Origin: ui.origin, 'Content-Type': 'application/json' } : {};
      const req = httpRequest({ host: '127.0.0.1', port: ui.port, path, method, headers }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) }));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  it('refuses path-traversing component names as INVALID_INPUT, without the engine client going anywhere', async () => {
    for (const port of [targetPort, 1]) {
      const component = `x/../../../127.0.0.1:${port}/p`;
      for (const method of ['labs.logs', 'logs.follow']) {
        const reply = await call(`/api/${method}`, { lab, component });
        expect(reply.status, `${method} ${component}`).toBe(400);
        expect(reply.json()).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', message: expect.stringContaining('component') } });
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connections).toEqual([]);
  });

  it('names an unknown component and lists the lab’s components', async () => {
    const reply = await call('/api/labs.logs', { lab, component: 'es09' });
    expect(reply.status).toBe(400);
    expect(reply.json().error).toMatchObject({ code: 'INVALID_INPUT', message: `lab "${lab}" has no component "es09": choose one of es01, es02, es03, kibana, fleet-server, agent01` });
    expect((await call('/api/logs.follow', { lab, component: 'agent02' })).json().error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('"agent02"') });
  });

  it('refuses path-traversing lab names: no secret revealed, no folder removed', async () => {
    const reveal = await call('/api/labs.revealSecret', { lab: `x/../${lab}`, username: 'elastic' });
    expect(reveal.status).toBe(400);
    expect(reveal.json().error?.code).toBe('INVALID_INPUT');
    expect(reveal.text).not.toContain(PASSWORD);
    const victim = join(home, 'victim');
    mkdirSync(victim);
    const down = await call('/api/labs.down', { lab: '../../victim', purge: true });
    expect(down.status).toBe(400);
    expect(down.json().error?.code).toBe('INVALID_INPUT');
    expect(existsSync(victim)).toBe(true);
  });

  it('keeps serving afterwards', async () => {
    const reveal = await call('/api/labs.revealSecret', { lab, username: 'elastic' });
    expect(reveal.json()).toEqual({ ok: true, value: { username: 'elastic', password: PASSWORD } });
  });
});
