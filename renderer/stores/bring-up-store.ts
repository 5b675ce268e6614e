import { createStore } from 'zustand/vanilla';
import type { ServerEvent } from '../../common/contract.ts';
import { PHASE_TITLES, UP_PHASES, type LabEvent, type UpPhase } from '../../common/lab-events.ts';
import type { LabOperation } from '../../common/lab-operations.ts';
import { LabApiError, messageOf } from '../api/api-error.ts';

/** `not-run`: a phase after a failure, which will not run in this attempt (not "waiting" for anything). */
export type PhaseState = 'waiting' | 'running' | 'done' | 'skipped' | 'failed' | 'not-run';

export interface PhaseProgress {
  phase: UpPhase;
  title: string;
  state: PhaseState;
  startedAt?: number;
  elapsedMs?: number;
  detail?: string;
}

export interface ImageProgress {
  image: string;
  status: string;
  currentBytes?: number;
  totalBytes?: number;
}

export type ComponentProgressState = Extract<LabEvent, { type: 'component-state' }>['state'];

export interface BringUpFailure {
  message: string;
  code: string;
  component?: string;
  phase?: string;
  logTail: string[];
}

export interface BringUpRun {
  lab: string;
  action: 'up' | 'reset';
  startedAt: number;
  phases: PhaseProgress[];
  images: ImageProgress[];
  components: Array<{ component: string; state: ComponentProgressState; detail?: string }>;
  failure?: BringUpFailure;
  finished: boolean;
  /** When it finished (store clock): the total elapsed time stays what it was. */
  finishedAt?: number;
  /** How many of the operation's numbered events this run holds: a live event below it was replayed already. */
  seen: number;
}

export { PHASE_TITLES };

export interface BringUpState {
  run?: BringUpRun;
  begin(lab: string, action: 'up' | 'reset'): void;
  /** Takes up an operation already under way (a reload, a second window): its events so far, then the live ones. */
  rejoin(operation: LabOperation & { action: 'up' | 'reset' }): void;
  applyEvent(event: ServerEvent): void;
  fail(error: unknown): void;
  finish(): void;
}

export interface BringUpOptions {
  /** A live event skipped some (the window joined between the operation's snapshot and its event stream): fetch the operation again. */
  onMissedEvents?: (lab: string) => void;
}

const newRun = (lab: string, action: 'up' | 'reset', startedAt: number): BringUpRun => {
  const phases: UpPhase[] = action === 'reset' ? ['teardown', ...UP_PHASES] : [...UP_PHASES];
  return { lab, action, startedAt, phases: phases.map((phase) => ({ phase, title: PHASE_TITLES[phase], state: 'waiting' })), images: [], components: [], finished: false, seen: 0 };
};

export function createBringUpStore(now: () => number = () => Date.now(), options: BringUpOptions = {}) {
  return createStore<BringUpState>()((set, get) => {
    const update = (change: (run: BringUpRun) => BringUpRun) => {
      const run = get().run;
      if (run) set({ run: change(run) });
    };
    return {
      begin(lab, action) {
        set({ run: newRun(lab, action, now()) });
      },
      rejoin(operation) {
        // Replayed phases keep the times they really started at, so elapsed times read as in the first window.
        const replayed = operation.events.reduce((run, event) => applyLabEvent(run, event, 'at' in event ? Date.parse(event.at) : now()), newRun(operation.lab, operation.action, Date.parse(operation.startedAt)));
        set({ run: { ...replayed, seen: operation.events.length } });
      },
      applyEvent(event) {
        const run = get().run;
        if (event.type !== 'lab-event' || event.event.lab !== run?.lab) return;
        const labEvent = event.event;
        if (event.index !== undefined) {
          if (event.index < run.seen) return;
          if (event.index > run.seen) options.onMissedEvents?.(run.lab);
        }
        update((current) => ({ ...applyLabEvent(current, labEvent, now()), seen: event.index !== undefined ? event.index + 1 : current.seen }));
      },
      fail(error) {
        const context = error instanceof LabApiError ? error.context : {};
        update((run) => ({
          ...run,
          finished: true,
          finishedAt: run.finishedAt ?? now(),
          failure: {
            message: messageOf(error),
            code: error instanceof LabApiError ? error.code : 'INTERNAL',
            component: typeof context.component === 'string' ? context.component : undefined,
            phase: typeof context.phase === 'string' ? context.phase : undefined,
            logTail: error instanceof LabApiError ? error.logTail : [],
          },
          phases: run.phases.map((phase) => (phase.state === 'running' ? { ...phase, state: 'failed' } : phase.state === 'waiting' ? { ...phase, state: 'not-run' } : phase)),
        }));
      },
      finish() {
        update((run) => ({ ...run, finished: true, finishedAt: run.finishedAt ?? now() }));
      },
    };
  });
}

export function applyLabEvent(run: BringUpRun, event: LabEvent, at: number): BringUpRun {
  switch (event.type) {
    case 'phase-started':
      return { ...run, phases: upsertPhase(run.phases, event.phase, { title: event.title || PHASE_TITLES[event.phase], state: 'running', startedAt: at }) };
    case 'phase-finished':
      return {
        ...run,
        phases: upsertPhase(run.phases, event.phase, { state: event.outcome, elapsedMs: event.elapsedMs, detail: event.detail }),
      };
    case 'image-progress': {
      const entry: ImageProgress = { image: event.image, status: event.status, currentBytes: event.currentBytes, totalBytes: event.totalBytes };
      const known = run.images.some((image) => image.image === event.image);
      return { ...run, images: known ? run.images.map((image) => (image.image === event.image ? { ...image, ...entry } : image)) : [...run.images, entry] };
    }
    case 'component-state': {
      const entry = { component: event.component, state: event.state, detail: event.detail };
      const known = run.components.some((component) => component.component === event.component);
      return {
        ...run,
        components: known ? run.components.map((component) => (component.component === event.component ? entry : component)) : [...run.components, entry],
      };
    }
    default:
      return run;
  }
}

function upsertPhase(phases: PhaseProgress[], phase: UpPhase, change: Partial<PhaseProgress>): PhaseProgress[] {
  if (!phases.some((entry) => entry.phase === phase)) return [...phases, { phase, title: PHASE_TITLES[phase], state: 'waiting', ...change }];
  return phases.map((entry) => (entry.phase === phase ? { ...entry, ...change } : entry));
}
