import { Listr, type ListrTask } from 'listr2';
import { PHASE_TITLES, UP_PHASES, type LabEvent, type UpPhase } from '../../../common/lab-events.ts';

const formatBytes = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MB`;

/**
 * Renders the lab's progress events as a live task list (listr2 falls back to plain lines
 * when stdout is not a terminal). `listener` is handed to the service; `run` wraps the work.
 */
export function createProgressRenderer(phases: readonly UpPhase[] = UP_PHASES.filter((p) => p !== 'verification')) {
  type Waiter = { resolve: () => void; reject: (error: Error) => void; output: (text: string) => void; skip: (text: string) => void };
  const waiters = new Map<string, Waiter>();
  const pending = new Map<string, LabEvent[]>();
  const ended = new Set<string>();

  const deliver = (phase: string, event: LabEvent) => {
    const waiter = waiters.get(phase);
    if (!waiter) {
      pending.set(phase, [...(pending.get(phase) ?? []), event]);
      return;
    }
    if (event.type === 'phase-finished') {
      ended.add(phase);
      if (event.outcome === 'done') {
        if (event.detail) waiter.output(event.detail);
        waiter.resolve();
      } else if (event.outcome === 'skipped') {
        waiter.skip(`${PHASE_TITLES[phase as UpPhase]} — ${event.detail ?? 'skipped'}`);
        waiter.resolve();
      } else waiter.reject(new Error(event.detail ?? 'failed'));
    } else if (event.type === 'image-progress') {
      const bytes = event.totalBytes ? ` ${formatBytes(event.currentBytes ?? 0)} / ${formatBytes(event.totalBytes)} (${Math.round(((event.currentBytes ?? 0) / event.totalBytes) * 100)}%)` : '';
      waiter.output(`${event.image}: ${event.status}${bytes}`);
    } else if (event.type === 'component-state') {
      waiter.output(`${event.component}: ${event.state}${event.detail ? ` — ${event.detail}` : ''}`);
    }
  };

  let currentPhase: string | undefined;
  const finished = new Set<string>();
  // What happens between two phases (a preparation begun as one ends) is shown in the next: a finished
  // task takes no more output (listr2's terminal renderer drops its buffer once it draws it, then throws).
  let between: LabEvent[] = [];
  const listener = (event: LabEvent) => {
    if (event.type === 'phase-started') {
      currentPhase = event.phase;
      for (const early of between) deliver(event.phase, early);
      between = [];
      return;
    }
    const phase = event.type === 'phase-finished' ? event.phase : currentPhase;
    if (!phase) return;
    if (event.type === 'phase-finished') finished.add(phase);
    else if (finished.has(phase)) return void between.push(event);
    deliver(phase, event);
  };

  const tasks: ListrTask[] = phases.map((phase) => ({
    title: PHASE_TITLES[phase] ?? phase,
    task: (_ctx, task) =>
      new Promise<void>((resolve, reject) => {
        waiters.set(phase, {
          resolve,
          reject,
          output: (text) => (task.output = text),
          skip: (text) => task.skip(text),
        });
        for (const event of pending.get(phase) ?? []) deliver(phase, event);
        pending.delete(phase);
      }),
  }));

  async function run<T>(work: () => Promise<T>): Promise<T> {
    const list = new Listr(tasks, { concurrent: false, exitOnError: true, rendererOptions: { collapseSubtasks: false }, fallbackRendererCondition: !process.stderr.isTTY });
    const listing = list.run().catch(() => undefined);
    try {
      const result = await work();
      // Phases the work never reached (e.g. Kibana left out) end as skipped.
      for (const phase of phases) if (!ended.has(phase)) deliver(phase, { type: 'phase-finished', lab: '', phase, outcome: 'skipped', detail: 'not needed', at: '', elapsedMs: 0 });
      await listing;
      return result;
    } catch (error) {
      for (const phase of phases) if (!ended.has(phase)) waiters.get(phase)?.reject(new Error('not reached'));
      await listing;
      throw error;
    }
  }

  return { listener, run };
}
