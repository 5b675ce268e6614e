import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { BREAK_IDS, type WorkshopNotice } from '../../../common/workshop.ts';
import { counted } from '../../../common/counted.ts';
import { labPaths } from '../lab-store/lab-home.ts';

/**
 * What is broken on purpose, kept in the lab folder (0600) and written *before* a break is
 * applied: whatever happens to the process that broke it (cancel, quit, SIGINT, SIGKILL), the
 * next `up`, `status` or app start reads it and restores the lab.
 */

const challengeEntrySchema = z.object({
  break: z.enum(BREAK_IDS),
  lesson: z.string(),
  hintsUsed: z.number().int().min(0),
  named: z.boolean(),
  solvedAt: z.string().optional(),
  fixedWith: z.enum(['real-tool', 'repair']).optional(),
});

const journalSchema = z.object({
  kind: z.enum(['lesson', 'challenge']),
  lesson: z.string().optional(),
  /** The lesson's own words for what is off ("HTTP TLS is off on es02"). */
  summary: z.string().optional(),
  broken: z.array(z.enum(BREAK_IDS)),
  phase: z.enum(['breaking', 'broken', 'restoring']),
  since: z.string(),
  /** The process that holds the break: when it is gone, the lab is restored. Absent: the break was left on purpose (`seclab lesson break`). */
  heldBy: z.object({ pid: z.number().int(), command: z.string() }).optional(),
  challenge: z.object({ startedAt: z.string(), entries: z.array(challengeEntrySchema), wrongGuesses: z.number().int().min(0).default(0) }).optional(),
});

export type WorkshopJournal = z.infer<typeof journalSchema>;
export type ChallengeJournalEntry = z.infer<typeof challengeEntrySchema>;

export const journalPathOf = (home: string, lab: string) => join(labPaths(home, lab).root, 'workshop.json');

export function readWorkshopJournal(home: string, lab: string): WorkshopJournal | undefined {
  const path = journalPathOf(home, lab);
  if (!existsSync(path)) return undefined;
  return journalSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

/**
 * 0600 and atomic, written straight into the existing lab folder: the folder's mode is left as it
 * is (the host-files lesson opens it on purpose; the shared writer would close it again).
 */
export function writeWorkshopJournal(home: string, lab: string, journal: WorkshopJournal): void {
  const path = journalPathOf(home, lab);
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(journalSchema.parse(journal), null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

export function removeWorkshopJournal(home: string, lab: string): void {
  rmSync(journalPathOf(home, lab), { force: true });
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A lesson's break whose holder is gone (killed, crashed) or that stopped half-way must be restored. */
export function isAbandoned(journal: WorkshopJournal, ownPid = process.pid): boolean {
  if (journal.kind === 'challenge' && journal.phase === 'broken') return false;
  if (journal.heldBy) return journal.heldBy.pid !== ownPid && !processAlive(journal.heldBy.pid);
  return journal.phase !== 'broken';
}

/** The words LabStatus carries; a challenge says how many layers are off, never which. */
export function noticeOf(journal: WorkshopJournal): WorkshopNotice {
  if (journal.kind === 'challenge') {
    const entries = journal.challenge?.entries ?? [];
    const open = entries.filter((e) => !e.solvedAt).length;
    return {
      kind: 'challenge',
      phase: journal.phase,
      since: journal.since,
      message: open ? `challenge in progress: ${open} of ${counted(entries.length, 'broken layer')} still to find (which ones is hidden)` : `challenge complete: all ${counted(entries.length, 'broken layer')} fixed`,
    };
  }
  const what = journal.summary ?? `${journal.broken.join(', ')} off`;
  const message = journal.phase === 'broken' ? `lesson ${journal.lesson} in progress: ${what} on purpose` : `lesson ${journal.lesson} is ${journal.phase === 'breaking' ? 'being broken' : 'being restored'}: ${what}`;
  return { kind: 'lesson', phase: journal.phase, lesson: journal.lesson, broken: journal.broken, since: journal.since, message };
}
