import type { CheckId, CheckResult, LayerId } from '../../../common/checks.ts';
import type { BreakId, ChallengeBoard, Lesson } from '../../../common/workshop.ts';
import { SeclabError } from '../../../common/errors.ts';
import { readLabRecord } from '../lab-store/lab-records.ts';
import { planLab } from '../planner/plan-lab.ts';
import { applyPlanChange } from '../orchestrator/apply-plan-change.ts';
import type { LabContext } from '../orchestrator/up-lab.ts';
import { verifyLab } from '../verification/verify-lab.ts';
import { findLesson, loadLessons, lessonsDir } from './lesson-files.ts';
import { recoverInterruptedWorkshop } from './lesson-engine.ts';
import { noticeOf, readWorkshopJournal, removeWorkshopJournal, writeWorkshopJournal, type WorkshopJournal } from './workshop-journal.ts';

/**
 * A challenge: layers broken silently (by the teacher's choice or at random), found by students
 * from the layer view, fixed with real tools — or, where fixing needs the lab recreated, with the
 * app's repair action once they have named the layer. The verifier sees a fix by itself; the
 * board records time to fix and hints used. The journal holds the board between processes.
 */

export interface ChallengeOptions {
  lessonsDir?: string;
}

function requireRecord(context: LabContext, lab: string) {
  const record = readLabRecord(context.environment.home, lab);
  if (!record) throw new SeclabError('LAB_NOT_FOUND', `there is no lab named "${lab}": create it with \`seclab up --lab ${lab}\``, { lab });
  return record;
}

function requireChallenge(context: LabContext, lab: string): WorkshopJournal & { challenge: NonNullable<WorkshopJournal['challenge']> } {
  const journal = readWorkshopJournal(context.environment.home, lab);
  if (!journal || journal.kind !== 'challenge' || !journal.challenge) throw new SeclabError('NO_CHALLENGE', `no challenge is running on lab "${lab}": start one with \`seclab challenge start --lab ${lab}\``, { lab });
  return journal as WorkshopJournal & { challenge: NonNullable<WorkshopJournal['challenge']> };
}

function boardOf(lab: string, journal: WorkshopJournal, lessons: (id: string) => Lesson, checks?: CheckResult[]): ChallengeBoard {
  const challenge = journal.challenge!;
  const started = Date.parse(challenge.startedAt);
  const entries = challenge.entries.map((entry, index) => {
    const revealed = Boolean(entry.solvedAt) || entry.named;
    const lesson = revealed ? lessons(entry.lesson) : undefined;
    return {
      slot: index + 1,
      solved: Boolean(entry.solvedAt),
      ...(entry.solvedAt ? { solvedAt: entry.solvedAt, secondsToFix: Math.round((Date.parse(entry.solvedAt) - started) / 1000) } : {}),
      hintsUsed: entry.hintsUsed,
      ...(entry.fixedWith ? { fixedWith: entry.fixedWith } : {}),
      ...(lesson ? { lesson: lesson.id, layer: lesson.layer } : {}),
      named: entry.named,
    };
  });
  const solved = entries.filter((e) => e.solved).length;
  return { lab, startedAt: challenge.startedAt, active: solved < entries.length, entries, solved, total: entries.length, ...(checks ? { checks } : {}) };
}

function pickAtRandom<T>(items: T[], count: number, randomBytes: (size: number) => Buffer): T[] {
  const pool = [...items];
  const picked: T[] = [];
  while (picked.length < count && pool.length) picked.push(pool.splice(randomBytes(4).readUInt32BE(0) % pool.length, 1)[0]);
  return picked;
}

/** Breaks `lessons` (the teacher's choice) or `count` layers at random, silently. */
export async function startChallenge(context: LabContext, lab: string, request: { count?: number; lessons?: string[] }, options: ChallengeOptions = {}): Promise<ChallengeBoard> {
  const dir = options.lessonsDir ?? lessonsDir();
  const record = requireRecord(context, lab);
  await recoverInterruptedWorkshop(context, lab);
  const existing = readWorkshopJournal(context.environment.home, lab);
  if (existing)
    throw new SeclabError('WORKSHOP_BUSY', `${noticeOf(existing).message}: end it first (${existing.kind === 'lesson' ? `seclab lesson restore ${existing.lesson}` : 'seclab challenge stop'} --lab ${lab})`, { lab });
  const all = loadLessons(dir);
  // Only layers this lab can have off (IP filtering and audit need a trial licence; Kibana's need Kibana).
  const applicable = all.filter((lesson) => {
    try {
      planLab(record.spec, record.allocation, { broken: [lesson.break.id] });
      return true;
    } catch {
      return false;
    }
  });
  const chosen = request.lessons?.length
    ? request.lessons.map((id) => {
        const lesson = applicable.find((l) => l.id === id);
        if (!lesson) throw new SeclabError('UNKNOWN_LESSON', `lesson "${id}" cannot be part of a challenge on lab "${lab}": choose among ${applicable.map((l) => l.id).join(', ')}`, { lab });
        return lesson;
      })
    : pickAtRandom(applicable, Math.max(1, Math.min(request.count ?? 1, applicable.length)), context.environment.randomBytes);
  const broken: BreakId[] = [...new Set(chosen.map((lesson) => lesson.break.id))];
  const brokenPlan = planLab(record.spec, record.allocation, { broken });
  const now = context.environment.now().toISOString();
  const journal: WorkshopJournal = {
    kind: 'challenge',
    broken,
    phase: 'breaking',
    since: now,
    heldBy: { pid: process.pid, command: 'challenge start' },
    challenge: { startedAt: now, wrongGuesses: 0, entries: chosen.map((lesson) => ({ break: lesson.break.id, lesson: lesson.id, hintsUsed: 0, named: false })) },
  };
  writeWorkshopJournal(context.environment.home, lab, journal);
  await applyPlanChange(context, planLab(record.spec, record.allocation), brokenPlan);
  const started = { ...journal, phase: 'broken' as const, heldBy: undefined, challenge: { ...journal.challenge!, startedAt: context.environment.now().toISOString() } };
  writeWorkshopJournal(context.environment.home, lab, started);
  return boardOf(lab, started, (id) => findLesson(id, dir));
}

/** Runs every check and records each layer the verifier now sees fixed, with the time it took. */
export async function scoreChallenge(context: LabContext, lab: string, options: ChallengeOptions = {}): Promise<ChallengeBoard> {
  requireChallenge(context, lab);
  const checks = await verifyLab(context.environment, lab);
  return recordChallengeFixes(context, lab, checks, options).board;
}

/** The check ids of the layers still broken: what a watcher must re-verify, and nothing more. */
export function openChallengeChecks(context: LabContext, lab: string, options: ChallengeOptions = {}): CheckId[] | undefined {
  const journal = readWorkshopJournal(context.environment.home, lab);
  if (!journal || journal.kind !== 'challenge' || !journal.challenge || journal.phase !== 'broken') return undefined;
  const dir = options.lessonsDir ?? lessonsDir();
  return [...new Set(journal.challenge.entries.filter((entry) => !entry.solvedAt).flatMap((entry) => findLesson(entry.lesson, dir).checks))];
}

/**
 * Records each open layer whose checks now pass as solved (now, by a real tool unless repaired).
 * The journal is read after the checks ran and written at once, so a hint taken meanwhile is kept.
 */
export function recordChallengeFixes(context: LabContext, lab: string, checks: CheckResult[], options: ChallengeOptions = {}): { board: ChallengeBoard; solvedNow: number } {
  const dir = options.lessonsDir ?? lessonsDir();
  const journal = requireChallenge(context, lab);
  const passes = (id: string) => ['pass', 'info', 'warn'].includes(checks.find((c) => c.id === id)?.status ?? 'fail');
  const now = context.environment.now().toISOString();
  let solvedNow = 0;
  const entries = journal.challenge.entries.map((entry) => {
    if (entry.solvedAt) return entry;
    const lesson = findLesson(entry.lesson, dir);
    if (!lesson.checks.every(passes)) return entry;
    solvedNow += 1;
    return { ...entry, solvedAt: now, fixedWith: entry.fixedWith ?? ('real-tool' as const) };
  });
  const next = { ...journal, challenge: { ...journal.challenge, entries }, broken: journal.broken.filter((id) => entries.some((e) => e.break === id && !e.solvedAt)) };
  if (solvedNow) writeWorkshopJournal(context.environment.home, lab, next);
  return { board: boardOf(lab, next, (id) => findLesson(id, dir), checks), solvedNow };
}

/** The next hint for one broken layer (slot 1…N), mildest first. */
export function hintChallenge(context: LabContext, lab: string, slot: number, options: ChallengeOptions = {}): { slot: number; step: number; of: number; hint: string } {
  const journal = requireChallenge(context, lab);
  const entry = journal.challenge.entries[slot - 1];
  if (!entry) throw new SeclabError('INVALID_INPUT', `the challenge has ${journal.challenge.entries.length} broken layer(s): choose a slot from 1 to ${journal.challenge.entries.length}`, { lab });
  const hints = findLesson(entry.lesson, options.lessonsDir ?? lessonsDir()).hints;
  const step = Math.min(entry.hintsUsed + 1, hints.length);
  if (step > entry.hintsUsed) {
    const entries = journal.challenge.entries.map((e, i) => (i === slot - 1 ? { ...e, hintsUsed: step } : e));
    writeWorkshopJournal(context.environment.home, lab, { ...journal, challenge: { ...journal.challenge, entries } });
  }
  return { slot, step, of: hints.length, hint: hints[step - 1] };
}

/** A student names the layer they believe is broken: right, and the repair action is offered for it. */
export function nameChallengeLayer(context: LabContext, lab: string, layer: LayerId, options: ChallengeOptions = {}): { correct: boolean; slot?: number; message: string; board: ChallengeBoard } {
  const dir = options.lessonsDir ?? lessonsDir();
  const journal = requireChallenge(context, lab);
  const index = journal.challenge.entries.findIndex((entry) => !entry.solvedAt && !entry.named && findLesson(entry.lesson, dir).layer === layer);
  const next: WorkshopJournal =
    index < 0
      ? { ...journal, challenge: { ...journal.challenge, wrongGuesses: journal.challenge.wrongGuesses + 1 } }
      : { ...journal, challenge: { ...journal.challenge, entries: journal.challenge.entries.map((e, i) => (i === index ? { ...e, named: true } : e)) } };
  writeWorkshopJournal(context.environment.home, lab, next);
  const lesson = index < 0 ? undefined : findLesson(journal.challenge.entries[index].lesson, dir);
  const message = !lesson
    ? `no unsolved broken layer is "${layer}": look at the layer view again`
    : lesson.fixNeedsRepair
      ? `right: ${lesson.break.summary}. Fixing it needs the lab recreated: use the repair action (seclab challenge repair ${index + 1} --lab ${lab})`
      : `right: ${lesson.break.summary}. Fix it yourself: ${lesson.studentFix}`;
  return { correct: index >= 0, ...(index >= 0 ? { slot: index + 1 } : {}), message, board: boardOf(lab, next, (id) => findLesson(id, dir)) };
}

/** The app's repair, offered only for a layer the student has named: the plan without that break, applied. */
export async function repairChallengeLayer(context: LabContext, lab: string, slot: number, options: ChallengeOptions = {}): Promise<ChallengeBoard> {
  const journal = requireChallenge(context, lab);
  const entry = journal.challenge.entries[slot - 1];
  if (!entry) throw new SeclabError('INVALID_INPUT', `the challenge has ${journal.challenge.entries.length} broken layer(s): choose a slot from 1 to ${journal.challenge.entries.length}`, { lab });
  if (!entry.named) throw new SeclabError('NOT_NAMED', `name the broken layer first (seclab challenge name LAYER --lab ${lab}): the repair is offered only once you know what you repair`, { lab });
  if (entry.solvedAt) return scoreChallenge(context, lab, options);
  const record = requireRecord(context, lab);
  const remaining = journal.broken.filter((id) => id !== entry.break);
  // Marked first: a watcher that sees the layer pass while the repair runs records it as repaired, not as the student's own fix.
  const entries = journal.challenge.entries.map((e, i) => (i === slot - 1 ? { ...e, fixedWith: 'repair' as const } : e));
  writeWorkshopJournal(context.environment.home, lab, { ...journal, challenge: { ...journal.challenge, entries } });
  await applyPlanChange(context, planLab(record.spec, record.allocation, { broken: journal.broken }), planLab(record.spec, record.allocation, { broken: remaining }));
  const current = requireChallenge(context, lab);
  writeWorkshopJournal(context.environment.home, lab, { ...current, broken: current.broken.filter((id) => id !== entry.break) });
  return scoreChallenge(context, lab, options);
}

/** Ends the challenge: whatever is still broken is restored, and the final board returned. */
export async function stopChallenge(context: LabContext, lab: string, options: ChallengeOptions = {}): Promise<ChallengeBoard> {
  const dir = options.lessonsDir ?? lessonsDir();
  const journal = requireChallenge(context, lab);
  const record = requireRecord(context, lab);
  writeWorkshopJournal(context.environment.home, lab, { ...journal, phase: 'restoring', heldBy: { pid: process.pid, command: 'challenge stop' } });
  await applyPlanChange(context, planLab(record.spec, record.allocation, { broken: journal.broken }), planLab(record.spec, record.allocation));
  removeWorkshopJournal(context.environment.home, lab);
  return { ...boardOf(lab, journal, (id) => findLesson(id, dir)), active: false };
}
