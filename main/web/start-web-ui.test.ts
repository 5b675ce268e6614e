import { mkdtempSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventHub } from './event-hub.ts';
import { startWebUi, type WebUi } from './start-web-ui.ts';
import { createFakeLabHandlers } from './testing/fake-lab-handlers.ts';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(ui: WebUi, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: ui.port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('startWebUi', () => {
  const hub = createEventHub();
  let ui: WebUi;
  let cookie = '';
  let pageKey = '';

  beforeAll(async () => {
    const rendererDir = mkdtempSync(join(tmpdir(), 'seclab-renderer-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>seclab</title>');
    ui = await startWebUi({ handlers: createFakeLabHandlers({ emit: hub.emit, stepMs: 0 }), subscribe: hub.subscribe, rendererDir });
  });
  afterAll(() => ui.close());

  it('prints a loopback URL with a token in its query and a page key in its fragment', () => {
    expect(ui.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{48}#key=[0-9a-f]{64}$/);
    pageKey = new URL(ui.url).hash.slice('#key='.length);
  });

  it('refuses every request without the session cookie', async () => {
    for (const path of ['/', '/index.html', '/assets/index.js', '/api/events']) {
      expect((await send(ui, path)).status).toBe(401);
    }
    const api = await send(ui, '/api/labs.list', { method: 'POST', headers: { Origin: ui.origin, 'Content-Type': 'application/json' }, body: '{}' });
    expect(api.status).toBe(401);
    expect(JSON.parse(api.body)).toMatchObject({ ok: false, error: { code: 'NO_SESSION' } });
  });

  it('refuses a wrong token', async () => {
    expect((await send(ui, '/?token=00')).status).toBe(403);
  });

  it('trades the token for an HttpOnly SameSite=Strict cookie once, then refuses the token', async () => {
    const first = await send(ui, new URL(ui.url).pathname + new URL(ui.url).search);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\//);
    cookie = setCookie.split(';')[0];
    expect((await send(ui, new URL(ui.url).pathname + new URL(ui.url).search)).status).toBe(403);
  });

  it('serves the renderer with security headers to the session', async () => {
    const page = await send(ui, '/', { headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['cache-control']).toBe('no-store');
    expect((await send(ui, '/..%2f..%2fetc%2fpasswd', { headers: { Cookie: cookie } })).status).toBe(404);
  });

  it('refuses API calls and the event stream with the session cookie alone (every port of 127.0.0.1 receives it)', async () => {
    const headers = { Cookie: cookie, 'Content-Type': 'application/json', Origin: ui.origin };
    for (const key of [undefined, '', '0'.repeat(64), pageKey.slice(1)]) {
      const withKey = key === undefined ? headers : { ...headers, 'X-Seclab-Key': key };
      const reveal = await send(ui, '/api/labs.revealSecret', { method: 'POST', headers: withKey, body: '{"lab":"default","username":"elastic"}' });
      expect(reveal.status).toBe(401);
      expect(JSON.parse(reveal.body)).toMatchObject({ ok: false, error: { code: 'NO_PAGE_KEY' } });
      expect(reveal.body).not.toMatch(/password/);
      expect((await send(ui, '/api/events', { headers: key === undefined ? { Cookie: cookie } : { Cookie: cookie, 'X-Seclab-Key': key } })).status).toBe(401);
    }
    // The key without the cookie is no better.
    expect((await send(ui, '/api/labs.list', { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: ui.origin, 'X-Seclab-Key': pageKey }, body: '{}' })).status).toBe(401);
  });

  it('refuses API calls from another origin, or with no origin', async () => {
    const headers = { Cookie: cookie, 'Content-Type': 'application/json', 'X-Seclab-Key': pageKey };
    const evil = await send(ui, '/api/labs.list', { method: 'POST', headers: { ...headers, Origin: 'http://evil.example' }, body: '{}' });
    expect(evil.status).toBe(403);
    expect(JSON.parse(evil.body).error.code).toBe('WRONG_ORIGIN');
    expect((await send(ui, '/api/labs.list', { method: 'POST', headers, body: '{}' })).status).toBe(403);
    const crossSite = await send(ui, '/api/events', { headers: { Cookie: cookie, 'X-Seclab-Key': pageKey, 'Sec-Fetch-Site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
  });

  it('refuses a request addressed to another host name (DNS rebinding)', async () => {
    expect((await send(ui, '/', { headers: { Cookie: cookie, Host: `attacker.example:${ui.port}` } })).status).toBe(403);
  });

  it('answers API calls with envelopes, errors without stack traces', async () => {
    const headers = { Cookie: cookie, 'Content-Type': 'application/json', Origin: ui.origin, 'X-Seclab-Key': pageKey };
    const list = await send(ui, '/api/labs.list', { method: 'POST', headers, body: '{}' });
    expect(JSON.parse(list.body)).toEqual({ ok: true, value: [] });
    const missing = JSON.parse((await send(ui, '/api/labs.status', { method: 'POST', headers, body: '{"lab":"nope"}' })).body);
    expect(missing).toMatchObject({ ok: false, error: { code: 'LAB_NOT_FOUND', context: { lab: 'nope' } } });
    expect(JSON.stringify(missing)).not.toMatch(/at .*\.ts:\d+/);
    const bad = await send(ui, '/api/labs.logs', { method: 'POST', headers, body: '{"lab":""}' });
    expect(bad.status).toBe(400);
    expect((await send(ui, '/api/nope.nope', { method: 'POST', headers, body: '{}' })).status).toBe(404);
    expect((await send(ui, '/api/labs.list', { method: 'POST', headers, body: '{' })).status).toBe(400);
  });

  it('answers a body over the limit with 413 and a message, not a reset connection', async () => {
    const headers = { Cookie: cookie, 'Content-Type': 'application/json', Origin: ui.origin, 'X-Seclab-Key': pageKey };
    const body = JSON.stringify({ spec: { name: 'x'.repeat(1024 * 1024 + 16) } });
    const declared = await send(ui, '/api/labs.plan', { method: 'POST', headers, body });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ ok: false, error: { code: 'BODY_TOO_LARGE', message: expect.stringContaining('1 MiB') } });
    // Chunked, so the size shows only while reading.
    const chunked = await new Promise<Reply>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: ui.port, path: '/api/labs.plan', method: 'POST', headers: { ...headers, 'Transfer-Encoding': 'chunked' } }, (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      });
      req.on('error', reject);
      for (let i = 0; i < 20; i++) req.write('x'.repeat(100 * 1024));
      req.end();
    });
    expect(chunked.status).toBe(413);
    expect(JSON.parse(chunked.body).error.code).toBe('BODY_TOO_LARGE');
    // And the server keeps serving.
    expect((await send(ui, '/api/labs.list', { method: 'POST', headers, body: '{}' })).status).toBe(200);
  });

  it('streams server events to the session, one JSON line each', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: ui.port, path: '/api/events', headers: { Cookie: cookie, 'X-Seclab-Key': pageKey } }, (res) => {
        expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
        let text = '';
        res.on('data', (chunk) => {
          text += chunk;
          if (text.includes('}\n')) {
            resolve(text);
            req.destroy();
          }
        });
        setTimeout(() => hub.emit({ type: 'log-line', subscription: 's1', line: 'hello' }), 50);
      });
      req.on('error', reject);
      req.end();
    });
    expect(received).toContain('{"type":"log-line","subscription":"s1","line":"hello"}\n');
  });
});

describe('startWebUi --lesson', () => {
  it('puts the lesson in the one-time link and keeps it through the token exchange; a bad id is refused before listening', async () => {
    const hub = createEventHub();
    const rendererDir = mkdtempSync(join(tmpdir(), 'seclab-renderer-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>seclab</title>');
    const handlers = createFakeLabHandlers({ emit: hub.emit, stepMs: 0 });
    await expect(startWebUi({ handlers, subscribe: hub.subscribe, rendererDir, lesson: '../etc' })).rejects.toThrow('not a lesson id');
    const ui = await startWebUi({ handlers, subscribe: hub.subscribe, rendererDir, lesson: 'http-tls' });
    try {
      expect(ui.url).toMatch(/\/\?token=[0-9a-f]{48}&lesson=http-tls#key=[0-9a-f]{64}$/);
      const link = new URL(ui.url);
      const redeemed = await send(ui, link.pathname + link.search);
      expect(redeemed.status).toBe(303);
      expect(redeemed.headers.location).toBe('/?lesson=http-tls');
      const cookie = String(redeemed.headers['set-cookie']).split(';')[0];
      // The link opened again in the same browser lands on the lesson too; a lesson in another shape is dropped.
      expect((await send(ui, link.pathname + link.search, { headers: { Cookie: cookie } })).headers.location).toBe('/?lesson=http-tls');
      expect((await send(ui, `/?token=x&lesson=${encodeURIComponent('<b>')}`, { headers: { Cookie: cookie } })).headers.location).toBe('/');
    } finally {
      await ui.close();
    }
  });
});
