import type { Handlers, ServerEvent } from '../../../common/contract.ts';
import type { LayerId } from '../../../common/checks.ts';
import type { CoreEnvironment } from '../environment.ts';
import type { LabContext } from '../orchestrator/up-lab.ts';
import { listLabRecords } from '../lab-store/lab-records.ts';
import { findLesson, loadLessons } from './lesson-files.ts';
import { breakLesson, observeLesson, recoverInterruptedWorkshop, restoreLesson } from './lesson-engine.ts';
import { hintChallenge, nameChallengeLayer, repairChallengeLayer, scoreChallenge, startChallenge, stopChallenge } from './challenge-engine.ts';
import { noticeOf, readWorkshopJournal } from './workshop-journal.ts';
import { ChallengeWatcher } from './challenge-watcher.ts';

type WorkshopMethod = Extract<keyof Handlers, `lessons.${string}` | `challenges.${string}`>;

export type WorkshopHandlers = Pick<Handlers, WorkshopMethod> & {
  /** App quit: every lesson this process holds broken is restored before it exits. */
  restoreHeldLessons(): Promise<string[]>;
  /** App start: lessons whose holder died (killed app, killed CLI) are restored. */
  recoverInterruptedLessons(): Promise<string[]>;
  /**
   * A challenge runs on this lab (started here or by `seclab challenge start`): its score board is
   * watched and pushed as `challenge-changed`; the lab watcher calls this whenever it saw a change.
   */
  noticeChallenge(lab: string): void;
  close(): void;
};

export interface WorkshopHandlersOptions {
  /** Pushes server events (challenge-changed) to whichever transport serves the handlers. */
  emit?: (event: ServerEvent) => void;
  /** How often a running challenge's open layers are verified again. */
  challengeIntervalMs?: number;
}

/** The contract's lessons.* and challenges.* over the workshop engine; lab-handlers registers them with the rest. */
export function createWorkshopHandlers(environment: CoreEnvironment, context: LabContext, options: WorkshopHandlersOptions = {}): WorkshopHandlers {
  // The app holds a lesson's break: if the app dies, the next start restores it.
  const held = new Set<string>();
  const challengeWatchers = new Map<string, ChallengeWatcher>();
  const unwatchChallenge = (lab: string) => {
    challengeWatchers.get(lab)?.stop();
    challengeWatchers.delete(lab);
  };
  const noticeChallenge = (lab: string) => {
    const existing = challengeWatchers.get(lab);
    if (existing) return existing.poke();
    const journal = readWorkshopJournal(environment.home, lab);
    if (journal?.kind !== 'challenge') return;
    const watcher = new ChallengeWatcher(context, lab, {
      intervalMs: options.challengeIntervalMs,
      onSolved: (board) => options.emit?.({ type: 'challenge-changed', lab, board }),
      onEnded: () => {
        if (challengeWatchers.get(lab) === watcher) challengeWatchers.delete(lab);
      },
    });
    challengeWatchers.set(lab, watcher);
    watcher.start();
  };
  return {
    'lessons.list': async () => loadLessons().map(({ id, title, layer, seedSection, checks }) => ({ id, title, layer, seedSection, checks })),
    'lessons.show': async ({ id }) => findLesson(id),
    'lessons.current': async ({ lab }) => {
      const journal = readWorkshopJournal(environment.home, lab);
      return { workshop: journal ? noticeOf(journal) : null };
    },
    'lessons.break': async ({ lab, id }) => {
      held.add(lab);
      return breakLesson(context, lab, id, { hold: true, command: `the seclab app (lesson ${id})` });
    },
    'lessons.observe': async ({ lab, id }) => observeLesson(context, lab, id),
    'lessons.restore': async ({ lab, id }) => {
      const step = await restoreLesson(context, lab, id);
      held.delete(lab);
      return step;
    },
    'challenges.start': async ({ lab, count, lessons }) => {
      const board = await startChallenge(context, lab, { count, lessons });
      noticeChallenge(lab);
      return board;
    },
    'challenges.score': async ({ lab }) => {
      const board = await scoreChallenge(context, lab);
      if (board.active) noticeChallenge(lab);
      return board;
    },
    'challenges.hint': async ({ lab, slot }) => hintChallenge(context, lab, slot),
    'challenges.name': async ({ lab, layer }) => nameChallengeLayer(context, lab, layer as LayerId),
    'challenges.repair': async ({ lab, slot }) => repairChallengeLayer(context, lab, slot),
    'challenges.stop': async ({ lab }) => {
      unwatchChallenge(lab);
      return stopChallenge(context, lab);
    },
    async restoreHeldLessons() {
      const messages: string[] = [];
      for (const lab of [...held]) {
        const journal = readWorkshopJournal(environment.home, lab);
        if (journal?.kind === 'lesson' && journal.heldBy?.pid === process.pid) {
          await restoreLesson(context, lab, journal.lesson);
          messages.push(`lesson ${journal.lesson} on lab "${lab}" restored`);
        }
        held.delete(lab);
      }
      return messages;
    },
    noticeChallenge,
    close() {
      for (const lab of [...challengeWatchers.keys()]) unwatchChallenge(lab);
    },
    async recoverInterruptedLessons() {
      const messages: string[] = [];
      for (const record of listLabRecords(environment.home)) {
        const message = await recoverInterruptedWorkshop(context, record.spec.name).catch((error: Error) => `lab "${record.spec.name}": could not restore an interrupted lesson: ${error.message}`);
        if (message) messages.push(message);
      }
      return messages;
    },
  };
}
