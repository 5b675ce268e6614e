import { describe, expect, it } from 'vitest';
import type { LabApi, ServerEvent } from '../../common/contract.ts';
import type { LabEvent } from '../../common/lab-events.ts';
import type { LabStatus } from '../../common/lab-status.ts';
import { createMemoryApi } from '../testing/memory-api.ts';
import { createAppStores } from './app-stores.ts';
import { createBringUpStore } from './bring-up-store.ts';
import { createLabsStore } from './labs-store.ts';

const T0 = Date.parse('2026-11-28T09:00:00.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();
const started = (phase: 'preflight' | 'network' | 'images', ms: number): LabEvent => ({ type: 'phase-started', lab: 'lab1', phase, title: phase, at: iso(ms) });
const finished = (phase: 'preflight' | 'network' | 'images', ms: number, elapsedMs: number): LabEvent => ({ type: 'phase-finished', lab: 'lab1', phase, outcome: 'done', at: iso(ms), elapsedMs });

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('rejoining a bring-up under way', () => {
  it('replays the operation: phases done with their times, the one running since its real start, the overall start', () => {
    const store = createBringUpStore(() => T0 + 9000);
    store.getState().rejoin({ lab: 'lab1', action: 'up', startedAt: iso(0), events: [started('preflight', 0), finished('preflight', 1200, 1200), started('images', 1300)] });
    const run = store.getState().run!;
    expect(run).toMatchObject({ lab: 'lab1', action: 'up', startedAt: T0, finished: false, seen: 3 });
    expect(run.phases.find((phase) => phase.phase === 'preflight')).toMatchObject({ state: 'done', elapsedMs: 1200 });
    expect(run.phases.find((phase) => phase.phase === 'images')).toMatchObject({ state: 'running', startedAt: T0 + 1300 });
    expect(run.phases.find((phase) => phase.phase === 'network')).toMatchObject({ state: 'waiting' });
  });

  it('skips live events it replayed, follows the next ones, and asks again after a gap', () => {
    const missed: string[] = [];
    const store = createBringUpStore(() => T0, { onMissedEvents: (lab) => missed.push(lab) });
    store.getState().rejoin({ lab: 'lab1', action: 'reset', startedAt: iso(0), events: [started('preflight', 0), finished('preflight', 500, 500)] });
    const live = (event: LabEvent, index: number): ServerEvent => ({ type: 'lab-event', event, index });

    // A replayed phase-started arriving late on the stream must not turn a done phase back to running.
    store.getState().applyEvent(live(started('preflight', 0), 0));
    expect(store.getState().run!.phases.find((phase) => phase.phase === 'preflight')!.state).toBe('done');
    store.getState().applyEvent(live(started('images', 600), 2));
    expect(store.getState().run!.phases.find((phase) => phase.phase === 'images')!.state).toBe('running');
    expect(missed).toEqual([]);
    store.getState().applyEvent(live(started('network', 900), 5));
    expect(missed).toEqual(['lab1']);
    expect(store.getState().run!.seen).toBe(6);
  });

  it('a second window opened mid-bring-up shows the timeline, runs no checks, and reaches the lab home when it ends', async () => {
    const shared = createMemoryApi({ stepMs: 10 });
    const calls: string[] = [];
    const counting = new Proxy(shared, {
      get: (target, method: string) => {
        const value = target[method as keyof LabApi];
        if (typeof value !== 'function' || method === 'onEvent') return value;
        return (input: never) => {
          calls.push(method);
          return (value as (input: never) => Promise<unknown>)(input);
        };
      },
    }) as LabApi;
    const first = createAppStores(shared, { preflightDebounceMs: 0 });
    first.bringUp.getState().begin('default', 'up');
    const up = shared['labs.up']({ spec: { images: 'emulated' } });
    await until(() => first.bringUp.getState().run!.phases.find((phase) => phase.phase === 'network')?.state === 'done', 'the network phase');

    const secondOpenedAt = Date.now();
    const second = createAppStores(counting, { preflightDebounceMs: 0 });
    await second.hydrate();
    expect(second.navigation.getState().screen).toEqual({ name: 'bring-up', lab: 'default' });
    const rejoined = second.bringUp.getState().run!;
    expect(rejoined.phases.find((phase) => phase.phase === 'preflight')!.state).toBe('done');
    // Elapsed counts from the real start, not from when this window opened.
    expect(rejoined.startedAt).toBe(Date.parse(second.labs.getState().operations.default!.startedAt));
    expect(rejoined.startedAt).toBeLessThan(secondOpenedAt);
    expect(second.labs.getState().operations.default).toMatchObject({ action: 'up' });

    await up;
    await until(() => second.navigation.getState().screen.name === 'lab', 'the lab home');
    expect(second.bringUp.getState().run).toMatchObject({ finished: true });
    expect(second.bringUp.getState().run!.phases.every((phase) => phase.state === 'done')).toBe(true);
    expect(second.labs.getState().statuses.default?.checks?.length).toBeGreaterThan(20);
    expect(second.labs.getState().operations).toEqual({});
    expect(calls).not.toContain('checks.run');
    first.dispose();
    second.dispose();
  });

  it('the server refuses checks while the lab is being brought up, saying when to run them', async () => {
    const api = createMemoryApi({ stepMs: 10 });
    const up = api['labs.up']({ spec: { images: 'emulated' } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(api['checks.run']({ lab: 'default' })).rejects.toMatchObject({ code: 'LAB_BUSY', message: expect.stringContaining('is being brought up') });
    await up;
    await expect(api['checks.run']({ lab: 'default' })).resolves.not.toHaveLength(0);
  });
});

describe('the labs store during an operation', () => {
  it('withdraws the checks of a lab being rebuilt, runs none, and takes the new status when it ends', async () => {
    const calls: string[] = [];
    const api = { 'checks.run': async () => (calls.push('checks.run'), []), 'labs.operations': async () => [{ lab: 'lab1', action: 'reset', startedAt: iso(0), events: [] }] } as unknown as LabApi;
    const store = createLabsStore(api);
    const before = { lab: 'lab1', state: 'running', checks: [{ id: 'network.loopback', status: 'pass' }], components: [] } as unknown as LabStatus;
    store.getState().rememberStatus(before);

    store.getState().applyEvent({ type: 'operation-started', operation: { lab: 'lab1', action: 'reset', startedAt: iso(0) } });
    expect(store.getState().operations.lab1).toEqual({ lab: 'lab1', action: 'reset', startedAt: iso(0) });
    expect(store.getState().statuses.lab1).toMatchObject({ state: 'creating', checks: undefined });
    await store.getState().runChecks('lab1');
    expect(calls).toEqual([]);

    const after = { ...before, checks: [] } as LabStatus;
    store.getState().applyEvent({ type: 'operation-ended', lab: 'lab1', action: 'reset', startedAt: iso(0), outcome: 'done', status: after });
    expect(store.getState().operations).toEqual({});
    expect(store.getState().statuses.lab1).toEqual(after);
    // A labs.operations answer that crossed the ending on the wire does not bring the operation back.
    expect(await store.getState().loadOperations()).toEqual([]);
    expect(store.getState().operations).toEqual({});
  });
});
