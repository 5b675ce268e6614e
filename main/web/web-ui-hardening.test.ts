import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../common/contract.ts';
import { createEventHub } from './event-hub.ts';
import { PAGE_KEY_HEADER } from './session-gate.ts';
import { startWebUi, type WebUi } from './start-web-ui.ts';
import { createFakeLabHandlers } from './testing/fake-lab-handlers.ts';

/**
 * Issue #11, `seclab ui` hardening: the link's one-time token cannot be replayed, other origins and
 * other host names (DNS rebinding) are refused, the event stream serves only a client that holds
 * both the cookie and the page key and lets go of every client that leaves, and five browsers
 * connecting and leaving for a while leave the server's handles where they were and its heap bounded.
 */

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let root: string;
let ui: WebUi;
const hub = createEventHub();
let openStreams = 0;
let cookie = '';
let pageKey = '';

function send(path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: ui.port, path, method: options.method ?? 'GET', headers: { Connection: 'close', ...options.headers } }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const tokenPath = () => new URL(ui.url).pathname + new URL(ui.url).search;
const apiHeaders = () => ({ Cookie: cookie, [PAGE_KEY_HEADER]: pageKey, Origin: ui.origin, 'Content-Type': 'application/json' });

/** An open event stream, as a browser tab holds it: resolves once the first line (or a refusal) came. */
function openStream(headers: Record<string, string>): Promise<{ status: number; request: ClientRequest; lines: string[]; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    const request = httpRequest({ host: '127.0.0.1', port: ui.port, path: '/api/events', headers: { Connection: 'close', ...headers } }, (res) => {
      const ended = new Promise<void>((done) => res.on('close', () => done()));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
      resolve({ status: res.statusCode ?? 0, request, lines, ended });
    });
    request.on('error', (error) => (request.destroyed ? undefined : reject(error)));
    request.end();
  });
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'seclab-ui-hardening-'));
  const rendererDir = join(root, 'renderer');
  mkdirSync(rendererDir);
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>seclab</title>');
  // Counts the event stream's subscribers: a client that is gone must not stay one.
  const subscribe = (listener: (event: ServerEvent) => void) => {
    openStreams++;
    const unsubscribe = hub.subscribe(listener);
    return () => {
      openStreams--;
      unsubscribe();
    };
  };
  ui = await startWebUi({ handlers: createFakeLabHandlers({ emit: hub.emit, stepMs: 0 }), subscribe, rendererDir });
  pageKey = new URL(ui.url).hash.slice('#key='.length);
});

afterAll(async () => {
  await ui?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the one-time link', () => {
  it('is not spent by a request to another host name, then opens exactly one session among five racing browsers', async () => {
    const rebound = await send(tokenPath(), { headers: { Host: `attacker.example:${ui.port}` } });
    expect(rebound.status).toBe(403);
    expect(rebound.headers['set-cookie']).toBeUndefined();
    const replies = await Promise.all(Array.from({ length: 5 }, () => send(tokenPath())));
    const winners = replies.filter((r) => r.status === 303);
    expect(winners).toHaveLength(1);
    expect(replies.filter((r) => r.status === 403).map((r) => r.body)).toEqual(Array(4).fill(expect.stringContaining('already used')));
    cookie = String(winners[0].headers['set-cookie']).split(';')[0];
    expect((await send('/', { headers: { Cookie: cookie } })).status).toBe(200);
  });

  it('cannot be replayed: not bare, not with a made-up cookie, not by POST or HEAD, not with the page key', async () => {
    for (const attempt of [
      send(tokenPath()),
      send(tokenPath(), { headers: { Cookie: 'seclab_session=' + '0'.repeat(64) } }),
      send(tokenPath(), { headers: { Cookie: cookie.replace(/.$/, (c) => (c === '0' ? '1' : '0')) } }),
      send(tokenPath(), { method: 'HEAD' }),
      send(tokenPath(), { method: 'POST' }),
      send(tokenPath(), { headers: { [PAGE_KEY_HEADER]: pageKey } }),
    ]) {
      const reply = await attempt;
      expect(reply.status).toBeGreaterThanOrEqual(400);
      expect(reply.headers['set-cookie']).toBeUndefined();
    }
  });
});

describe('other origins and other host names', () => {
  it('refuses API calls from other origins, whatever they send', async () => {
    for (const origin of ['http://attacker.example', 'null', `http://localhost:${ui.port}`, `http://127.0.0.1:${ui.port + 1}`, `https://127.0.0.1:${ui.port}`, `${ui.origin}.attacker.example`]) {
      const reply = await send('/api/labs.list', { method: 'POST', headers: { ...apiHeaders(), Origin: origin }, body: '{}' });
      expect(reply.status, origin).toBe(403);
      expect(JSON.parse(reply.body)).toMatchObject({ ok: false, error: { code: 'WRONG_ORIGIN' } });
    }
    const crossSite = await send('/api/labs.list', { method: 'POST', headers: { ...apiHeaders(), 'Sec-Fetch-Site': 'cross-site' }, body: '{}' });
    expect(crossSite.status).toBe(403);
  });

  it('refuses a Host header other than the loopback address it serves (DNS rebinding), with the session and key', async () => {
    for (const host of [
      'attacker.example',
      `attacker.example:${ui.port}`,
      `127.0.0.1.attacker.example:${ui.port}`,
      `127.0.0.1:${ui.port}.attacker.example`,
      `127.0.0.1:${ui.port + 1}`,
      `0.0.0.0:${ui.port}`,
      `[::ffff:7f00:1]:${ui.port}`,
    ]) {
      for (const [path, method] of [
        ['/', 'GET'],
        ['/api/labs.list', 'POST'],
        ['/api/events', 'GET'],
      ] as const) {
        const reply = await send(path, { method, headers: { ...apiHeaders(), Host: host }, body: method === 'POST' ? '{}' : undefined });
        expect(reply.status, `${method} ${path} Host: ${host}`).toBe(403);
      }
    }
  });
});

describe('the event stream', () => {
  it('serves only a client holding both the cookie and the page key', async () => {
    const before = openStreams;
    const refused: Record<string, string>[] = [
      {},
      { Cookie: cookie },
      { [PAGE_KEY_HEADER]: pageKey },
      { Cookie: cookie, [PAGE_KEY_HEADER]: pageKey.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) },
      { Cookie: 'seclab_session=x', [PAGE_KEY_HEADER]: pageKey },
    ];
    for (const headers of refused) {
      const stream = await openStream(headers);
      expect(stream.status, JSON.stringify(Object.keys(headers))).toBe(401);
      await stream.ended;
      expect(openStreams).toBe(before);
    }
  });

  it('lets go of a client that leaves, and does not take it back without the cookie or the key', async () => {
    const before = openStreams;
    const stream = await openStream({ Cookie: cookie, [PAGE_KEY_HEADER]: pageKey });
    expect(stream.status).toBe(200);
    expect(openStreams).toBe(before + 1);
    hub.emit({ type: 'log-line', subscription: 's', line: 'to the client' });
    await expect.poll(() => stream.lines.length).toBe(1);
    stream.request.destroy();
    await expect.poll(() => openStreams).toBe(before);
    // The same tab, after losing its cookie (cleared) or its key (another tab): refused, not resumed.
    expect((await openStream({ [PAGE_KEY_HEADER]: pageKey })).status).toBe(401);
    expect((await openStream({ Cookie: cookie })).status).toBe(401);
    hub.emit({ type: 'log-line', subscription: 's', line: 'to nobody' });
    expect(openStreams).toBe(before);
  });
});

describe('five browsers for a while', () => {
  /** The heap after a full collection: what is still held, not what is waiting to be collected. */
  function heapUsed(): number {
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
    return process.memoryUsage().heapUsed;
  }
  const handleCount = () => process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap').length;

  // `SECLAB_UI_SOAK_MS=600000` runs the 10 minutes of issue #11 (npm test runs 30 s).
  const DURATION_MS = Number(process.env.SECLAB_UI_SOAK_MS ?? 30_000);
  it(
    'holds no more handles once they leave, and its heap stays bounded (leak check, not a speed test)',
    async () => {
      const baseline = { handles: handleCount(), heap: heapUsed(), rss: process.memoryUsage().rss, streams: openStreams };
      let cycles = 0;
      let calls = 0;
      const deadline = Date.now() + DURATION_MS;
      const pusher = setInterval(() => hub.emit({ type: 'log-line', subscription: 'soak', line: 'x'.repeat(200) }), 20);
      const browser = async () => {
        while (Date.now() < deadline) {
          const stream = await openStream({ Cookie: cookie, [PAGE_KEY_HEADER]: pageKey });
          expect(stream.status).toBe(200);
          for (const method of ['labs.list', 'labs.operations', 'lessons.list']) {
            expect((await send(`/api/${method}`, { method: 'POST', headers: apiHeaders(), body: '{}' })).status).toBe(200);
            calls++;
          }
          await new Promise((resolve) => setTimeout(resolve, 20 + Math.floor(Math.random() * 80)));
          stream.request.destroy();
          await stream.ended;
          cycles++;
        }
      };
      await Promise.all(Array.from({ length: 5 }, browser));
      clearInterval(pusher);
      await expect.poll(() => openStreams, { timeout: 5_000 }).toBe(baseline.streams);
      await expect.poll(handleCount, { timeout: 5_000 }).toBeLessThanOrEqual(baseline.handles);
      const heapGrowth = heapUsed() - baseline.heap;
      const rssGrowth = process.memoryUsage().rss - baseline.rss;
      process.stdout.write(
        `\nseclab ui, 5 browsers for ${DURATION_MS / 1000} s: ${cycles} stream connect/disconnect cycles, ${calls} API calls; ` +
          `heap after GC ${(baseline.heap / 2 ** 20).toFixed(1)} → ${((baseline.heap + heapGrowth) / 2 ** 20).toFixed(1)} MiB (${heapGrowth >= 0 ? '+' : ''}${(heapGrowth / 2 ** 20).toFixed(2)}), ` +
          `RSS ${rssGrowth >= 0 ? '+' : ''}${(rssGrowth / 2 ** 20).toFixed(1)} MiB, handles ${baseline.handles} → ${handleCount()}\n`,
      );
      expect(cycles).toBeGreaterThan(50);
      // Generous: a leak of one closure per cycle over thousands of cycles shows; allocator noise does not.
      expect(heapGrowth).toBeLessThan(16 * 2 ** 20);
    },
    DURATION_MS + 90_000,
  );
});
