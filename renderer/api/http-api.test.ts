import { describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../common/contract.ts';
import { LabApiError } from './api-error.ts';
import { createHttpApi } from './http-api.ts';

describe('createHttpApi', () => {
  it('POSTs JSON to /api/<method> and unwraps the envelope', async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const api = createHttpApi(async (url, init) => {
      calls.push({ url: String(url), init: init! });
      return new Response(JSON.stringify({ ok: true, value: { lines: ['a'] } }));
    });
    expect(await api['labs.logs']({ lab: 'default', component: 'es02' })).toEqual({ lines: ['a'] });
    expect(calls[0]).toMatchObject({ url: '/api/labs.logs', init: { method: 'POST', credentials: 'same-origin', body: '{"lab":"default","component":"es02"}' } });
  });
  it('throws the server’s error with its code and context', async () => {
    const api = createHttpApi(async () => new Response(JSON.stringify({ ok: false, error: { code: 'LAB_NOT_FOUND', message: 'no lab', context: { lab: 'x' } } })));
    const error = await api['labs.status']({ lab: 'x' }).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(LabApiError);
    expect(error).toMatchObject({ code: 'LAB_NOT_FOUND', message: 'no lab', context: { lab: 'x' } });
  });
  it('opens one event stream while someone listens', () => {
    const opened: Array<{ onmessage: ((message: { data: string }) => void) | null; closed: boolean; close(): void }> = [];
    const api = createHttpApi(fetch, () => {
      const source = { onmessage: null, closed: false, close() { this.closed = true; } };
      opened.push(source);
      return source as unknown as EventSource;
    });
    const received: ServerEvent[] = [];
    const stopA = api.onEvent((event) => received.push(event));
    const stopB = api.onEvent(() => {});
    expect(opened).toHaveLength(1);
    opened[0].onmessage!({ data: JSON.stringify({ type: 'log-line', subscription: 's', line: 'x' }) });
    expect(received).toEqual([{ type: 'log-line', subscription: 's', line: 'x' }]);
    stopA();
    expect(opened[0].closed).toBe(false);
    stopB();
    expect(opened[0].closed).toBe(true);
  });
});
