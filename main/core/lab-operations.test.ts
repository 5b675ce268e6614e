import { describe, expect, it } from 'vitest';
import type { ServerEvent } from '../../common/contract.ts';
import { SeclabError } from '../../common/errors.ts';
import type { LabStatus } from '../../common/lab-status.ts';
import { createLabOperations } from './lab-operations.ts';

const at = '2026-11-28T09:00:00.000Z';
const phaseStarted = (lab: string): ServerEvent => ({ type: 'lab-event', event: { type: 'phase-started', lab, phase: 'network', title: 'Network', at } });

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

describe('lab operations', () => {
  it('keep the events of a lab at work, numbered, and say when it starts and ends', async () => {
    const emitted: ServerEvent[] = [];
    let clock = Date.parse(at);
    const operations = createLabOperations({ now: () => new Date(clock), emit: (event) => emitted.push(event) });
    const work = deferred<LabStatus>();
    const running = operations.run(
      'lab1',
      'up',
      () => work.promise,
      (status) => status,
    );

    expect(operations.track(phaseStarted('lab1'))).toMatchObject({ index: 0 });
    expect(operations.track(phaseStarted('lab1'))).toMatchObject({ index: 1 });
    expect(operations.track(phaseStarted('other'))).not.toHaveProperty('index');
    const recorded = { type: 'phase-started', lab: 'lab1', phase: 'network', title: 'Network', at };
    expect(operations.list()).toEqual([{ lab: 'lab1', action: 'up', startedAt: at, events: [recorded, recorded] }]);

    clock += 42_000;
    expect(() => operations.requireIdle('lab1', 'run the checks')).toThrow('lab "lab1" is being brought up (for 42 s): run the checks once that is done');
    expect(() => operations.requireIdle('other', 'run the checks')).not.toThrow();
    await expect(operations.run('lab1', 'reset', async () => 'never')).rejects.toMatchObject({ code: 'LAB_BUSY' });

    work.resolve({ lab: 'lab1', state: 'running' } as LabStatus);
    await running;
    expect(operations.list()).toEqual([]);
    expect(operations.track(phaseStarted('lab1'))).not.toHaveProperty('index');
    expect(emitted).toEqual([
      { type: 'operation-started', operation: { lab: 'lab1', action: 'up', startedAt: at } },
      { type: 'operation-ended', lab: 'lab1', action: 'up', startedAt: at, outcome: 'done', status: { lab: 'lab1', state: 'running' } },
    ]);
  });

  it('end a failed operation with its error, and free the lab for the next one', async () => {
    const emitted: ServerEvent[] = [];
    const operations = createLabOperations({ now: () => new Date(at), emit: (event) => emitted.push(event) });
    const failure = new SeclabError('COMPONENT_FAILED', 'es02 did not join', { lab: 'lab1', component: 'es02', logTail: ['handshake failed'] });
    await expect(operations.run('lab1', 'reset', async () => Promise.reject(failure))).rejects.toBe(failure);
    expect(emitted.at(-1)).toEqual({
      type: 'operation-ended',
      lab: 'lab1',
      action: 'reset',
      startedAt: at,
      outcome: 'failed',
      error: { code: 'COMPONENT_FAILED', message: 'es02 did not join', context: { lab: 'lab1', component: 'es02', logTail: ['handshake failed'] } },
    });
    await expect(operations.run('lab1', 'down', async () => 'removed')).resolves.toBe('removed');
  });

  it('hand out a copy: a caller cannot change what later windows replay', () => {
    const operations = createLabOperations({ now: () => new Date(at), emit: () => undefined });
    void operations.run('lab1', 'down', () => new Promise(() => undefined));
    operations.track(phaseStarted('lab1'));
    operations.list()[0]!.events.length = 0;
    expect(operations.list()[0]!.events).toHaveLength(1);
  });
});
