import { createStore } from 'zustand/vanilla';
import type { ServerEvent } from '../../common/contract.ts';
import { PHASE_TITLES, UP_PHASES, type LabEvent, type UpPhase } from '../../common/lab-events.ts';
import { LabApiError, messageOf } from '../api/api-error.ts';

export type PhaseState = 'waiting' | 'running' | 'done' | 'skipped' | 'failed';

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
}

export { PHASE_TITLES };

export interface BringUpState {
  run?: BringUpRun;
  begin(lab: string, action: 'up' | 'reset'): void;
  applyEvent(event: ServerEvent): void;
  fail(error: unknown): void;
  finish(): void;
}

export function createBringUpStore(now: () => number = () => Date.now()) {
  return createStore<BringUpState>()((set, get) => {
    const update = (change: (run: BringUpRun) => BringUpRun) => {
      const run = get().run;
      if (run) set({ run: change(run) });
    };
    return {
      begin(lab, action) {
        const phases: UpPhase[] = action === 'reset' ? ['teardown', ...UP_PHASES] : [...UP_PHASES];
        set({
          run: {
            lab,
            action,
            startedAt: now(),
            phases: phases.map((phase) => ({ phase, title: PHASE_TITLES[phase], state: 'waiting' })),
            images: [],
            components: [],
            finished: false,
          },
        });
      },
      applyEvent(event) {
        if (event.type !== 'lab-event' || event.event.lab !== get().run?.lab) return;
        const labEvent = event.event;
        update((run) => applyLabEvent(run, labEvent, now()));
      },
      fail(error) {
        const context = error instanceof LabApiError ? error.context : {};
        update((run) => ({
          ...run,
          finished: true,
          failure: {
            message: messageOf(error),
            code: error instanceof LabApiError ? error.code : 'INTERNAL',
            component: typeof context.component === 'string' ? context.component : undefined,
            phase: typeof context.phase === 'string' ? context.phase : undefined,
            logTail: error instanceof LabApiError ? error.logTail : [],
          },
          phases: run.phases.map((phase) => (phase.state === 'running' ? { ...phase, state: 'failed' } : phase)),
        }));
      },
      finish() {
        update((run) => ({ ...run, finished: true }));
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
