import { describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../common/contract.ts';
import { LabApiError } from './api-error.ts';
import { createHttpApi } from './http-api.ts';
import { takePageKey } from './page-key.ts';

/** A streamed response whose lines the test pushes. */
function controllableStream() {
  let push!: (text: string) => void;
  let end!: () => void;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      push = (text) => controller.enqueue(new TextEncoder().encode(text));
      end = () => controller.close();
    },
  });
  return { body, push: (text: string) => push(text), end: () => end() };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('createHttpApi', () => {
  it('POSTs JSON with the page key to /api/<method> and unwraps the envelope', async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const api = createHttpApi({
      pageKey: 'k1',
      fetchImpl: async (url, init) => {
        calls.push({ url: String(url), init: init! });
        return new Response(JSON.stringify({ ok: true, value: { lines: ['a'] } }));
      },
    });
    expect(await api['labs.logs']({ lab: 'default', component: 'es02' })).toEqual({ lines: ['a'] });
    expect(calls[0]).toMatchObject({ url: '/api/labs.logs', init: { method: 'POST', credentials: 'same-origin', body: '{"lab":"default","component":"es02"}' } });
    expect(calls[0].init.headers).toEqual({ 'Content-Type': 'application/json', 'X-Seclab-Key': 'k1' });
  });

  it('throws the server’s error with its code and context', async () => {
    const api = createHttpApi({ fetchImpl: async () => new Response(JSON.stringify({ ok: false, error: { code: 'LAB_NOT_FOUND', message: 'no lab', context: { lab: 'x' } } })) });
    const error = await api['labs.status']({ lab: 'x' }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(LabApiError);
    expect(error).toMatchObject({ code: 'LAB_NOT_FOUND', message: 'no lab', context: { lab: 'x' } });
  });

  it('reads one event stream with fetch, with the page key, while someone listens', async () => {
    const opened: Array<{ init: RequestInit; stream: ReturnType<typeof controllableStream> }> = [];
    const api = createHttpApi({
      pageKey: 'k1',
      fetchImpl: async (url, init) => {
        expect(String(url)).toBe('/api/events');
        const stream = controllableStream();
        opened.push({ init: init!, stream });
        return new Response(stream.body, { headers: { 'Content-Type': 'application/x-ndjson' } });
      },
    });
    const received: ServerEvent[] = [];
    const stopA = api.onEvent((event) => received.push(event));
    const stopB = api.onEvent(() => {});
    await tick();
    expect(opened).toHaveLength(1);
    expect(opened[0].init.headers).toEqual({ 'X-Seclab-Key': 'k1' });
    // An event split across two chunks, and a keep-alive line.
    opened[0].stream.push('{"type":"log-line","subscr');
    opened[0].stream.push('iption":"s","line":"x"}\n\n');
    await tick();
    expect(received).toEqual([{ type: 'log-line', subscription: 's', line: 'x' }]);
    stopA();
    expect(opened[0].init.signal!.aborted).toBe(false);
    stopB();
    expect(opened[0].init.signal!.aborted).toBe(true);
  });

  it('opens the stream again after it ends, but not after the server refuses the key', async () => {
    let attempts = 0;
    let status = 200;
    const api = createHttpApi({
      reconnectMs: 5,
      fetchImpl: async () => {
        attempts += 1;
        return status === 200 ? new Response('') : new Response('{}', { status });
      },
    });
    const stop = api.onEvent(() => {});
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(attempts).toBeGreaterThan(1);
    stop();
    status = 401;
    attempts = 0;
    const stopAgain = api.onEvent(() => {});
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(attempts).toBe(1);
    stopAgain();
  });
});

describe('takePageKey', () => {
  function fakeWindow(href: string) {
    const url = new URL(href);
    const storage = new Map<string, string>();
    return {
      location: url as unknown as Location,
      history: { replaceState: () => void (url.hash = '') } as unknown as History,
      sessionStorage: { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) } as unknown as Storage,
    };
  }

  it('takes the key from the fragment into sessionStorage and wipes it from the address bar; a reload keeps it', () => {
    const window = fakeWindow('http://127.0.0.1:4000/#key=abc');
    expect(takePageKey(window)).toBe('abc');
    expect(window.location.hash).toBe('');
    expect(takePageKey(window)).toBe('abc');
  });

  it('has no key in a tab that was not opened from the link', () => {
    expect(takePageKey(fakeWindow('http://127.0.0.1:4000/'))).toBeUndefined();
  });
});

describe('a request the browser drops on the way (net::ERR_NETWORK_CHANGED when Docker adds a network)', () => {
  const dropsFirst = (seen: string[]) => {
    let failed = false;
    return async (url: RequestInfo | URL) => {
      seen.push(String(url));
      if (!failed) {
        failed = true;
        throw new TypeError('Failed to fetch');
      }
      return new Response(JSON.stringify({ ok: true, value: [] }));
    };
  };

  it('a call that only reads is sent again', async () => {
    const seen: string[] = [];
    const api = createHttpApi({ fetchImpl: dropsFirst(seen), retryMs: 1 });
    expect(await api['labs.operations']({})).toEqual([]);
    expect(seen).toEqual(['/api/labs.operations', '/api/labs.operations']);
  });

  it('a call that changes something is not: it may have arrived', async () => {
    const seen: string[] = [];
    const api = createHttpApi({ fetchImpl: dropsFirst(seen), retryMs: 1 });
    await expect(api['labs.down']({ lab: 'x', purge: false })).rejects.toThrow('Failed to fetch');
    expect(seen).toEqual(['/api/labs.down']);
  });

  it('a read that keeps failing fails after three tries', async () => {
    let tries = 0;
    const api = createHttpApi({
      fetchImpl: async () => {
        tries += 1;
        throw new TypeError('Failed to fetch');
      },
      retryMs: 1,
    });
    await expect(api['labs.list']({})).rejects.toThrow('Failed to fetch');
    expect(tries).toBe(3);
  });
});
