import type { Handlers } from '../../../common/contract.ts';
import type { LayerId } from '../../../common/checks.ts';
import type { CoreEnvironment } from '../environment.ts';
import type { LabContext } from '../orchestrator/up-lab.ts';
import { listLabRecords } from '../lab-store/lab-records.ts';
import { findLesson, loadLessons } from './lesson-files.ts';
import { breakLesson, observeLesson, recoverInterruptedWorkshop, restoreLesson } from './lesson-engine.ts';
import { hintChallenge, nameChallengeLayer, repairChallengeLayer, scoreChallenge, startChallenge, stopChallenge } from './challenge-engine.ts';
import { noticeOf, readWorkshopJournal } from './workshop-journal.ts';

type WorkshopMethod = Extract<keyof Handlers, `lessons.${string}` | `challenges.${string}`>;

export type WorkshopHandlers = Pick<Handlers, WorkshopMethod> & {
  /** App quit: every lesson this process holds broken is restored before it exits. */
  restoreHeldLessons(): Promise<string[]>;
  /** App start: lessons whose holder died (killed app, killed CLI) are restored. */
  recoverInterruptedLessons(): Promise<string[]>;
};

/** The contract's lessons.* and challenges.* over the workshop engine; lab-handlers registers them with the rest. */
export function createWorkshopHandlers(environment: CoreEnvironment, context: LabContext): WorkshopHandlers {
  // The app holds a lesson's break: if the app dies, the next start restores it.
  const held = new Set<string>();
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
    'challenges.start': async ({ lab, count, lessons }) => startChallenge(context, lab, { count, lessons }),
    'challenges.score': async ({ lab }) => scoreChallenge(context, lab),
    'challenges.hint': async ({ lab, slot }) => hintChallenge(context, lab, slot),
    'challenges.name': async ({ lab, layer }) => nameChallengeLayer(context, lab, layer as LayerId),
    'challenges.repair': async ({ lab, slot }) => repairChallengeLayer(context, lab, slot),
    'challenges.stop': async ({ lab }) => stopChallenge(context, lab),
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
