import type { LabEvent, UpPhase } from './lab-events.ts';

/** One phase of `up`, `reset` or `down` as it ran: when it started and how long it took. */
export interface PhaseTiming {
  phase: UpPhase;
  outcome: 'done' | 'skipped' | 'failed' | 'running';
  /** ISO time the phase started. */
  start: string;
  durationMs: number;
}

/**
 * Collects the phase-started/phase-finished events of one run into a list of timings, in the
 * order the phases started. The events carry the figures already: nothing is timed twice.
 */
export function createPhaseRecorder(): { listener: (event: LabEvent) => void; phases: () => PhaseTiming[] } {
  const timings: PhaseTiming[] = [];
  return {
    listener(event) {
      if (event.type === 'phase-started') timings.push({ phase: event.phase, outcome: 'running', start: event.at, durationMs: 0 });
      if (event.type === 'phase-finished') {
        const timing = timings.findLast((t) => t.phase === event.phase && t.outcome === 'running');
        if (timing) Object.assign(timing, { outcome: event.outcome, durationMs: event.elapsedMs });
        else timings.push({ phase: event.phase, outcome: event.outcome, start: event.at, durationMs: event.elapsedMs });
      }
    },
    phases: () => timings.map((t) => ({ ...t })),
  };
}

/** Listens with several listeners at once (the terminal's task list and the phase recorder, say). */
export function allOf(...listeners: Array<((event: LabEvent) => void) | undefined>): (event: LabEvent) => void {
  return (event) => {
    for (const listener of listeners) listener?.(event);
  };
}
