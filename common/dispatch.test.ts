import { describe, expect, it } from 'vitest';
import type { Handlers } from './contract.ts';
import { dispatchCall, ipcChannelOf, isMethodName } from './dispatch.ts';
import { SeclabError } from './errors.ts';

const handlers = {
  'labs.list': async () => [],
  'labs.status': async ({ lab }: { lab: string }) => {
    throw new SeclabError('LAB_NOT_FOUND', `There is no lab "${lab}".`, { lab });
  },
  'labs.logs': async (input: { lab: string; component: string; tail: number }) => ({ lines: [`tail=${input.tail}`] }),
} as unknown as Handlers;

describe('dispatchCall', () => {
  it('validates the argument and applies schema defaults before the handler sees it', async () => {
    expect(await dispatchCall(handlers, 'labs.logs', { lab: 'default', component: 'es01' })).toEqual({ ok: true, value: { lines: ['tail=200'] } });
  });
  it('refuses a bad argument naming the field', async () => {
    const result = await dispatchCall(handlers, 'labs.logs', { lab: '', component: 'es01' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('lab:') });
  });
  it('refuses an unknown method', async () => {
    expect(await dispatchCall(handlers, 'shell.exec', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });
  it('turns a thrown SeclabError into an envelope with code and context', async () => {
    expect(await dispatchCall(handlers, 'labs.status', { lab: 'nope' })).toEqual({
      ok: false,
      error: { code: 'LAB_NOT_FOUND', message: 'There is no lab "nope".', context: { lab: 'nope' } },
    });
  });
  it('names channels from the contract', () => {
    expect(ipcChannelOf('labs.up')).toBe('seclab:labs.up');
    expect(isMethodName('constructor')).toBe(false);
  });
});
