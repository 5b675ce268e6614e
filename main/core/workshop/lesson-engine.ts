import { CHECK_IDS, type CheckId, type CheckResult } from '../../../common/checks.ts';
import type { BreakId, Lesson, LessonStep } from '../../../common/workshop.ts';
import { SeclabError } from '../../../common/errors.ts';
import { readLabRecord } from '../lab-store/lab-records.ts';
import { planLab } from '../planner/plan-lab.ts';
import { applyPlanChange } from '../orchestrator/apply-plan-change.ts';
import type { LabContext } from '../orchestrator/up-lab.ts';
import { verifyLab } from '../verification/verify-lab.ts';
import { runDemonstration } from './demonstrations/run-demonstration.ts';
import { findLesson, lessonsDir } from './lesson-files.ts';
import { isAbandoned, noticeOf, readWorkshopJournal, removeWorkshopJournal, writeWorkshopJournal, type WorkshopJournal } from './workshop-journal.ts';

/**
 * A lesson: explain → break → observe → restore. It only composes the planner (the lab with one
 * layer off), the orchestrator (applies that plan, and the plan without it) and the verifier
 * (observes); the journal, written before anything changes, makes every break undoable.
 */

export interface LessonOptions {
  lessonsDir?: string;
  /**
   * Whether this process holds the break: when it dies, the next `up`, `status` or app start
   * restores. `seclab lesson break` leaves it on purpose (held by nobody) until `seclab lesson restore`.
   */
  hold?: boolean;
  command?: string;
  /** How long a broken or restored layer may take to show in the checks. */
  settleTimeoutMs?: number;
}

function requireLab(context: LabContext, lab: string) {
  const record = readLabRecord(context.environment.home, lab);
  if (!record) throw new SeclabError('LAB_NOT_FOUND', `there is no lab named "${lab}": create it with \`seclab up --lab ${lab}\``, { lab });
  return record;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const passing = (r: CheckResult) => r.status === 'pass' || r.status === 'info' || r.status === 'warn';

/** Polls the given checks until `accept` holds for all (a recreated component takes a moment to show). */
async function settle(context: LabContext, lab: string, ids: CheckId[], accept: (r: CheckResult) => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const results = await verifyLab(context.environment, lab, ids);
    if (results.every(accept) || Date.now() > deadline) return;
    await sleep(2000);
  }
}

/** Checks of the lesson and its declared dependents that do not pass now. */
function failingOf(lesson: Lesson, checks: CheckResult[]): CheckId[] {
  const ids = new Set<CheckId>([...lesson.checks, ...lesson.dependents.map((d) => d.check)]);
  return checks.filter((c) => ids.has(c.id) && (c.status === 'fail' || c.status === 'error')).map((c) => c.id);
}

/**
 * Restores a break whose holder is gone (killed mid-break, the app or `lesson start` died), or
 * that stopped half-way. Returns what it did in words, or undefined when nothing needed it.
 */
export async function recoverInterruptedWorkshop(context: LabContext, lab: string): Promise<string | undefined> {
  const journal = readWorkshopJournal(context.environment.home, lab);
  if (!journal || !isAbandoned(journal)) return undefined;
  await restoreJournal(context, lab, journal);
  const who = journal.heldBy ? `\`${journal.heldBy.command}\` (pid ${journal.heldBy.pid}) is gone` : 'it stopped half-way';
  return journal.kind === 'lesson'
    ? `restored lab "${lab}" after an interrupted lesson ${journal.lesson}: ${who}, and ${journal.summary ?? journal.broken.join(', ')} was on; every layer is back`
    : `restored lab "${lab}" after an interrupted challenge start: ${who}; every layer is back`;
}

async function restoreJournal(context: LabContext, lab: string, journal: WorkshopJournal): Promise<void> {
  const { home } = context.environment;
  const record = requireLab(context, lab);
  writeWorkshopJournal(home, lab, { ...journal, phase: 'restoring', heldBy: { pid: process.pid, command: 'restore' } });
  await applyPlanChange(context, planLab(record.spec, record.allocation, { broken: journal.broken }), planLab(record.spec, record.allocation));
  removeWorkshopJournal(home, lab);
}

function refuseIfBusy(context: LabContext, lab: string, lessonId: string): void {
  const journal = readWorkshopJournal(context.environment.home, lab);
  if (!journal) return;
  if (journal.kind === 'lesson' && journal.lesson === lessonId) return;
  const notice = noticeOf(journal);
  const undo = journal.kind === 'lesson' ? `seclab lesson restore ${journal.lesson} --lab ${lab}` : `seclab challenge stop --lab ${lab}`;
  throw new SeclabError('WORKSHOP_BUSY', `${notice.message}. Restore it first (\`${undo}\`)`, { lab });
}

export async function breakLesson(context: LabContext, lab: string, lessonId: string, options: LessonOptions = {}): Promise<LessonStep> {
  const lesson = findLesson(lessonId, options.lessonsDir ?? lessonsDir());
  const record = requireLab(context, lab);
  const recovered = await recoverInterruptedWorkshop(context, lab);
  refuseIfBusy(context, lab, lesson.id);
  const { home } = context.environment;
  const broken: BreakId[] = [lesson.break.id];
  // Planned first: a break the lab cannot take (basic licence, no Kibana) fails before anything is written.
  const brokenPlan = planLab(record.spec, record.allocation, { broken });
  const journal: WorkshopJournal = {
    kind: 'lesson',
    lesson: lesson.id,
    summary: lesson.break.summary,
    broken,
    phase: 'breaking',
    since: context.environment.now().toISOString(),
    heldBy: { pid: process.pid, command: options.command ?? `lesson break ${lesson.id}` },
  };
  writeWorkshopJournal(home, lab, journal);
  try {
    await applyPlanChange(context, planLab(record.spec, record.allocation), brokenPlan);
  } catch (error) {
    // A break that failed half-way is taken back at once; the lesson never leaves the lab broken.
    const restored = await restoreJournal(context, lab, journal).then(
      () => 'the lab was restored',
      (restoreError: Error) => `the restore failed too (${restoreError.message}); the next \`seclab status --lab ${lab}\` tries again`,
    );
    throw new SeclabError('LESSON_BREAK_FAILED', `lesson ${lesson.id}: the break could not be applied (${(error as Error).message}); ${restored}`, { lab });
  }
  writeWorkshopJournal(home, lab, { ...journal, phase: 'broken', heldBy: options.hold ? journal.heldBy : undefined });
  await settle(context, lab, lesson.checks, (r) => !passing(r), options.settleTimeoutMs ?? 60_000);
  const step = await observeLesson(context, lab, lesson.id, options);
  return { ...step, phase: 'broken', ...(recovered ? { recovered } : {}) };
}

/** The checks now and the lesson's demonstration, live; changes nothing. */
export async function observeLesson(context: LabContext, lab: string, lessonId: string, options: LessonOptions = {}): Promise<LessonStep> {
  const lesson = findLesson(lessonId, options.lessonsDir ?? lessonsDir());
  requireLab(context, lab);
  const [checks, demonstration] = await Promise.all([verifyAfterChange(context, lab), runDemonstration(context.environment, lab, lesson)]);
  const journal = readWorkshopJournal(context.environment.home, lab);
  const broken = journal?.kind === 'lesson' && journal.lesson === lesson.id;
  return { lesson, phase: broken ? 'broken' : 'restored', checks, failing: failingOf(lesson, checks), demonstration };
}

/** Back to the secured lab: the plan without the break, applied; then every check again. */
export async function restoreLesson(context: LabContext, lab: string, lessonId?: string, options: LessonOptions = {}): Promise<LessonStep> {
  const { home } = context.environment;
  const journal = readWorkshopJournal(home, lab);
  if (journal && journal.kind !== 'lesson') throw new SeclabError('WORKSHOP_BUSY', `${noticeOf(journal).message}: end it with \`seclab challenge stop --lab ${lab}\``, { lab });
  const id = lessonId ?? journal?.lesson;
  if (!id) throw new SeclabError('NO_LESSON', `no lesson is in progress on lab "${lab}": name the lesson to restore (seclab lesson restore ID)`, { lab });
  if (journal && journal.lesson !== id) throw new SeclabError('WORKSHOP_BUSY', `${noticeOf(journal).message}, not lesson ${id}: restore that one (\`seclab lesson restore ${journal.lesson} --lab ${lab}\`)`, { lab });
  const lesson = findLesson(id, options.lessonsDir ?? lessonsDir());
  requireLab(context, lab);
  // Without a journal the restore still applies the secured plan: it is the same whatever was broken.
  const brokenJournal: WorkshopJournal = journal ?? { kind: 'lesson', lesson: lesson.id, summary: lesson.break.summary, broken: [lesson.break.id], phase: 'broken', since: context.environment.now().toISOString() };
  await restoreJournal(context, lab, brokenJournal);
  await settle(context, lab, lesson.checks, passing, options.settleTimeoutMs ?? 60_000);
  const checks = await verifyAfterChange(context, lab);
  return { lesson, phase: 'restored', checks, failing: failingOf(lesson, checks) };
}

/**
 * Every check, in a run of its own: a full run already under way (the app's watcher) began before
 * the break or the restore, and sharing it would report the lab as it was (a band left at pass).
 */
function verifyAfterChange(context: { environment: Parameters<typeof verifyLab>[0] }, lab: string): Promise<CheckResult[]> {
  return verifyLab(context.environment, lab, [...CHECK_IDS]);
}
