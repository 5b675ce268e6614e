import { expect } from 'vitest';

interface PhaseTiming {
  phase: string;
  outcome: string;
  start: string;
  durationMs: number;
}

/**
 * `up --json` and `reset --json` say each phase's start and duration (issue #13): these phases, in this
 * order, with these outcomes; each start an ISO time no earlier than the one before, each duration a
 * whole number of milliseconds.
 */
export function expectPhaseTimings(output: { phases?: PhaseTiming[] }, expected: Array<[phase: string, outcome: string]>): void {
  const phases = output.phases ?? [];
  expect(phases.map((p) => [p.phase, p.outcome])).toEqual(expected);
  let previous = 0;
  for (const { phase, start, durationMs } of phases) {
    const at = Date.parse(start);
    expect(new Date(at).toISOString(), phase).toBe(start);
    expect(at, phase).toBeGreaterThanOrEqual(previous);
    expect(Number.isInteger(durationMs) && durationMs >= 0, `${phase}: durationMs ${durationMs}`).toBe(true);
    previous = at;
  }
}
