import { describe, expect, it } from 'vitest';
import { allOf, createPhaseRecorder } from './phase-timings.ts';
import type { LabEvent } from './lab-events.ts';

const started = (phase: 'preflight' | 'network' | 'teardown', at: string): LabEvent => ({ type: 'phase-started', lab: 'l', phase, title: phase, at });
const finished = (phase: 'preflight' | 'network' | 'teardown', at: string, elapsedMs: number, outcome: 'done' | 'failed' | 'skipped' = 'done'): LabEvent => ({
  type: 'phase-finished',
  lab: 'l',
  phase,
  outcome,
  at,
  elapsedMs,
});

describe('phase recorder', () => {
  it('lists each phase with its ISO start and the duration its finished event carries, in start order', () => {
    const recorder = createPhaseRecorder();
    for (const event of [
      started('teardown', '2026-01-01T00:00:00.000Z'),
      finished('teardown', '2026-01-01T00:00:00.400Z', 400),
      started('preflight', '2026-01-01T00:00:00.500Z'),
      { type: 'component-state', lab: 'l', component: 'es01', state: 'creating' } as LabEvent,
      finished('preflight', '2026-01-01T00:00:00.620Z', 120),
      started('network', '2026-01-01T00:00:00.620Z'),
    ])
      recorder.listener(event);
    expect(recorder.phases()).toEqual([
      { phase: 'teardown', outcome: 'done', start: '2026-01-01T00:00:00.000Z', durationMs: 400 },
      { phase: 'preflight', outcome: 'done', start: '2026-01-01T00:00:00.500Z', durationMs: 120 },
      { phase: 'network', outcome: 'running', start: '2026-01-01T00:00:00.620Z', durationMs: 0 },
    ]);
  });

  it('keeps failed and skipped phases, and feeds every listener given to allOf', () => {
    const recorder = createPhaseRecorder();
    const seen: LabEvent[] = [];
    const both = allOf(recorder.listener, undefined, (event) => seen.push(event));
    both(started('network', 't0'));
    both(finished('network', 't1', 30, 'failed'));
    both(finished('preflight', 't2', 0, 'skipped'));
    expect(recorder.phases().map((p) => `${p.phase}:${p.outcome}:${p.durationMs}`)).toEqual(['network:failed:30', 'preflight:skipped:0']);
    expect(seen).toHaveLength(3);
  });
});
