import { createStore } from 'zustand/vanilla';
import type { LabApi, ServerEvent } from '../../common/contract.ts';
import type { ChallengeBoard, Lesson, LessonStep, LessonSummary } from '../../common/workshop.ts';
import { messageOf } from '../api/api-error.ts';

export type WorkshopMode = 'lesson' | 'challenge';
export type WorkshopWork = 'loading' | 'breaking' | 'restoring' | 'observing' | 'starting' | 'scoring' | 'naming' | 'repairing' | 'stopping';

export interface ShownHint {
  step: number;
  of: number;
  hint: string;
}

export interface WorkshopState {
  lab?: string;
  mode: WorkshopMode;
  lessons: LessonSummary[];
  lesson?: Lesson;
  /** The last break, observation or restore: its checks and the demonstration's real output. */
  step?: LessonStep;
  /** What is running now, and since when (the screen shows the elapsed time). */
  work?: { kind: WorkshopWork; since: number };
  error?: string;
  board?: ChallengeBoard;
  hints: Record<number, ShownHint[]>;
  naming?: { correct: boolean; slot?: number; message: string };
  setMode(mode: WorkshopMode): void;
  /** Opens the workshop on a lab: the lesson list, what is broken now, and the lesson to show. */
  open(lab: string, lessonId?: string): Promise<void>;
  showLesson(id: string): Promise<void>;
  breakLesson(): Promise<void>;
  restoreLesson(): Promise<void>;
  /** The lesson after this one, in the list's order; undefined on the last. */
  nextLessonId(): string | undefined;
  startChallenge(request: { lessons?: string[]; count?: number }): Promise<void>;
  hint(slot: number): Promise<void>;
  nameLayer(layer: string): Promise<void>;
  repair(slot: number): Promise<void>;
  stopChallenge(): Promise<void>;
  applyEvent(event: ServerEvent): void;
}

export interface WorkshopStoreOptions {
  now?: () => number;
  /** Called after anything that changes the lab (break, restore, repair): the header's words come from its status. */
  onLabChanged?: (lab: string) => void;
}

export function createWorkshopStore(api: LabApi, options: WorkshopStoreOptions = {}) {
  const now = options.now ?? (() => Date.now());
  return createStore<WorkshopState>()((set, get) => {
    /** Runs one call as the screen's current work; a failure becomes the screen's error sentence. */
    async function working<T>(kind: WorkshopWork, call: (lab: string) => Promise<T>, changesLab = false): Promise<T | undefined> {
      const lab = get().lab;
      if (!lab) return undefined;
      set({ work: { kind, since: now() }, error: undefined });
      // The lab's status (and with it the header) says "being broken" while the work runs.
      if (changesLab) options.onLabChanged?.(lab);
      try {
        return await call(lab);
      } catch (error) {
        set({ error: messageOf(error) });
        return undefined;
      } finally {
        if (get().work?.kind === kind) set({ work: undefined });
        if (changesLab) options.onLabChanged?.(lab);
      }
    }
    const keepBoard = (board: ChallengeBoard) => set((state) => ({ board: { ...board, checks: board.checks ?? state.board?.checks } }));

    return {
      mode: 'lesson',
      lessons: [],
      hints: {},
      setMode: (mode) => set({ mode }),
      async open(lab, lessonId) {
        set({ lab, error: undefined });
        await working('loading', async () => {
          const [lessons, { workshop }] = await Promise.all([api['lessons.list']({}), api['lessons.current']({ lab })]);
          set({ lessons });
          if (workshop?.kind === 'challenge') {
            set({ mode: 'challenge', board: await api['challenges.score']({ lab }) });
            return;
          }
          const id = workshop?.lesson ?? lessonId ?? get().lesson?.id ?? lessons[0]?.id;
          if (id) await get().showLesson(id);
          // A lesson left broken (by the CLI, or before a reload) is shown as it is now, with its demonstration.
          if (workshop?.kind === 'lesson' && workshop.phase === 'broken' && id) set({ step: await api['lessons.observe']({ lab, id }) });
        });
      },
      async showLesson(id) {
        if (get().step?.phase === 'broken' && get().step?.lesson.id !== id) {
          set({ error: `lesson ${get().step!.lesson.id} still has its layer off: restore it before opening another lesson` });
          return;
        }
        try {
          const lesson = await api['lessons.show']({ id });
          set({ lesson, step: get().step?.lesson.id === id ? get().step : undefined, error: undefined });
        } catch (error) {
          set({ error: messageOf(error) });
        }
      },
      async breakLesson() {
        const id = get().lesson?.id;
        if (!id) return;
        const step = await working('breaking', (lab) => api['lessons.break']({ lab, id }), true);
        if (step) set({ step });
      },
      async restoreLesson() {
        const id = get().lesson?.id;
        if (!id) return;
        const step = await working('restoring', (lab) => api['lessons.restore']({ lab, id }), true);
        if (step) set({ step });
      },
      nextLessonId() {
        const { lessons, lesson } = get();
        const index = lessons.findIndex((entry) => entry.id === lesson?.id);
        return index >= 0 ? lessons[index + 1]?.id : undefined;
      },
      async startChallenge(request) {
        const board = await working('starting', (lab) => api['challenges.start']({ lab, ...request }), true);
        if (board) set({ board, hints: {}, naming: undefined });
      },
      async hint(slot) {
        const shown = await working('scoring', (lab) => api['challenges.hint']({ lab, slot }));
        if (!shown) return;
        set((state) => {
          const earlier = (state.hints[slot] ?? []).filter((hint) => hint.step !== shown.step);
          const board = state.board && { ...state.board, entries: state.board.entries.map((entry) => (entry.slot === slot ? { ...entry, hintsUsed: shown.step } : entry)) };
          return { hints: { ...state.hints, [slot]: [...earlier, { step: shown.step, of: shown.of, hint: shown.hint }] }, board };
        });
      },
      async nameLayer(layer) {
        const result = await working('naming', (lab) => api['challenges.name']({ lab, layer }));
        if (!result) return;
        keepBoard(result.board);
        set({ naming: { correct: result.correct, slot: result.slot, message: result.message } });
      },
      async repair(slot) {
        const board = await working('repairing', (lab) => api['challenges.repair']({ lab, slot }), true);
        if (board) {
          keepBoard(board);
          if (get().naming?.slot === slot) set({ naming: undefined });
        }
      },
      async stopChallenge() {
        const board = await working('stopping', (lab) => api['challenges.stop']({ lab }), true);
        if (board) set({ board: undefined, hints: {}, naming: undefined, error: undefined });
      },
      applyEvent(event) {
        // The server's challenge watcher saw a fix by itself (a chmod, a role put back): its board is the new score.
        if (event.type !== 'challenge-changed' || event.lab !== get().lab || !get().board) return;
        keepBoard(event.board);
        // The header's words ("1 of 2 still to find") come from the lab's status.
        options.onLabChanged?.(event.lab);
      },
    };
  });
}
