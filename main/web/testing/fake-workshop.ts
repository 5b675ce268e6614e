import type { Handlers } from '../../../common/contract.ts';
import type { CheckId, CheckResult, LayerId } from '../../../common/checks.ts';
import { SeclabError } from '../../../common/errors.ts';
import type { LabSpec } from '../../../common/lab-spec.ts';
import type { ChallengeBoard, DemonstrationResult, Lesson, LessonStep, WorkshopNotice } from '../../../common/workshop.ts';
import { planLab } from '../../core/planner/plan-lab.ts';
import { loadLessons } from '../../core/workshop/lesson-files.ts';
import { noticeOf, type WorkshopJournal } from '../../core/workshop/workshop-journal.ts';

/**
 * The workshop over the in-memory demo lab: the real lesson files (resources/lessons), a
 * journal held in memory instead of the lab folder, breaks that turn the lesson's checks to
 * fail, and demonstrations whose output says plainly that it is the demo lab's.
 */

type WorkshopMethod = Extract<keyof Handlers, `lessons.${string}` | `challenges.${string}`>;

export interface FakeWorkshopHooks {
  /** The lab's spec, or LAB_NOT_FOUND in the fake lab's words. */
  specOf(lab: string): LabSpec;
  /** Runs the fake lab's checks again (with the failing checks below) and publishes its status. */
  recheck(lab: string): CheckResult[];
  pause(factor?: number): Promise<void>;
  now(): Date;
}

export interface FakeWorkshop {
  handlers: Pick<Handlers, WorkshopMethod>;
  /** Checks that fail because a layer is off on purpose, and the evidence they show. */
  failingChecks(lab: string): Partial<Record<CheckId, string>>;
  notice(lab: string): WorkshopNotice | undefined;
  forget(lab: string): void;
}

const DEMO_OUTPUT: Partial<Record<Lesson['demonstration']['id'], (broken: boolean, lab: string) => Pick<DemonstrationResult, 'title' | 'tried' | 'output' | 'shows'>>> = {
  'host-folder-listing': (broken, lab) => ({
    title: 'The lab folder on this machine',
    tried: `stat -c '%a %n' ~/.seclab/labs/${lab} ~/.seclab/labs/${lab}/*`,
    output: [
      `${broken ? '0755' : '0700'} ~/.seclab/labs/${lab}`,
      '0700 ~/.seclab/labs/' + lab + '/certs',
      '0600 ~/.seclab/labs/' + lab + '/secrets.json',
      ...(broken ? [`another account may now list ~/.seclab/labs/${lab}/certs/ca: ca.crt, ca.key, fingerprint`] : []),
    ],
    shows: broken ? 'the folder with the CA and every private key is open to every account on this machine' : 'only the owner may enter the lab folder',
  }),
  'analyst-deletes-index': (broken) => ({
    title: 'The analyst against an index it should only read',
    tried: 'as lab_admin: PUT /lab-demo-1/_doc/1; then as analyst: DELETE /lab-demo-1',
    output: [
      'lab_admin PUT /lab-demo-1/_doc/1 → HTTP 201',
      broken
        ? 'analyst DELETE /lab-demo-1 → HTTP 200 {"acknowledged":true}'
        : 'analyst DELETE /lab-demo-1 → HTTP 403 {"error":{"type":"security_exception","reason":"action [indices:admin/delete] is unauthorized for user [analyst]"}}',
    ],
    shows: broken ? 'the analyst, meant to read lab-* and nothing else, deleted an index and its documents' : 'the analyst was refused: it may read lab-*, not delete it',
  }),
  'capture-plain-http': (broken) => ({
    title: "The writer's search to es02, as an observer on the path sees it",
    tried: "the writer's client sends GET /lab-sample/_search to es02:9200; a relay on the path copies the bytes",
    output: broken
      ? ['GET /lab-sample/_search?size=1 HTTP/1.1', 'Host: es02:9200', 'Authorization: Basic d3JpdGVyOlp4NmNWM2JOOG1MMWtKNGhHN2ZEMnNBcQ==', '  decodes to writer:Zx6cV3bN8mL1kJ4hG7fD2sAq']
      : ['16 03 03 00 7a 02 00 00 76 03 03 … (TLS 1.3 record, 122 bytes of ciphertext)'],
    shows: broken ? "the Authorization header crossed the network in clear: base64 is not encryption, it decodes to the writer's password" : 'the observer saw only ciphertext: no header, no password',
  }),
  'rogue-transport-client': (broken) => ({
    title: "A rogue node with its own CA knocks on es02's transport port",
    tried: "from es01's network stack: TLS to es02:9300 with a certificate for es02 signed by another CA",
    output: broken
      ? ['TLS handshake with es02:9300 completed: no client certificate was asked for', "es02's log since the attempt:", '  (nothing about it)']
      : [
          'TLS handshake with es02:9300 failed: alert 48 unknown_ca',
          "es02's log since the attempt:",
          "  [es02] WARN client did not trust this server's certificate… PKIX path building failed: unable to find valid certification path to requested target",
        ],
    shows: broken ? 'es02 let a node with an unknown CA in: it never asked for a certificate' : 'es02 refused the rogue during the handshake, and its log says why',
  }),
  'anonymous-search': (broken) => ({
    title: 'A search without credentials',
    tried: 'curl --cacert ca.crt https://localhost:9200/lab-*/_search?size=2 (no Authorization header)',
    output: broken
      ? ['HTTP 200', '{"_index":"lab-sample","_id":"1","_source":{"message":"order 1841 shipped to Ada Lovelace"}}', '{"_index":"lab-sample","_id":"2","_source":{"message":"order 1842 shipped to Alan Turing"}}']
      : ['HTTP 401 {"error":{"type":"security_exception","reason":"missing authentication credentials for REST request [/lab-*/_search]"}}'],
    shows: broken ? 'anyone who reaches port 9200 reads the documents, no password asked' : 'without credentials, Elasticsearch answers 401 and nothing else',
  }),
};

function demonstrationOf(lesson: Lesson, broken: boolean, lab: string, ranAt: string): DemonstrationResult {
  const shown = DEMO_OUTPUT[lesson.demonstration.id]?.(broken, lab) ?? {
    title: lesson.demonstration.summary,
    tried: lesson.demonstration.summary,
    output: [broken ? `demo lab: ${lesson.break.summary}` : `demo lab: ${lesson.restore.summary}`],
    shows: broken ? `the demo lab shows the consequence of: ${lesson.break.summary}` : 'the layer is on: nothing to show',
  };
  return { demonstration: lesson.demonstration.id, ...shown, output: [...shown.output, '(in-memory demo lab: output as a real lab would show it)'], happened: broken, ranAt };
}

export function createFakeWorkshop(hooks: FakeWorkshopHooks): FakeWorkshop {
  const journals = new Map<string, WorkshopJournal>();
  const lessons = () => loadLessons();
  const lessonById = (id: string): Lesson => {
    const lesson = lessons().find((entry) => entry.id === id);
    if (!lesson)
      throw new SeclabError(
        'UNKNOWN_LESSON',
        `there is no lesson "${id}": choose one of ${lessons()
          .map((l) => l.id)
          .join(', ')} (seclab lesson list)`,
      );
    return lesson;
  };
  const applicableTo = (lab: string, lesson: Lesson) => {
    const spec = hooks.specOf(lab);
    try {
      planLab(spec, { subnetIndex: 1, ports: { elasticsearch: 9200, kibana: 5601, fleetServer: 8220 } }, { broken: [lesson.break.id] });
      return true;
    } catch {
      return false;
    }
  };
  /** The lessons whose break is on: a lesson's, or a challenge's unsolved entries. */
  const brokenLessons = (lab: string): Lesson[] => {
    const journal = journals.get(lab);
    if (!journal || journal.phase === 'breaking') return [];
    if (journal.kind === 'lesson') return [lessonById(journal.lesson!)];
    return (journal.challenge?.entries ?? []).filter((entry) => journal.broken.includes(entry.break)).map((entry) => lessonById(entry.lesson));
  };
  const failingOf = (lesson: Lesson, checks: CheckResult[]) => {
    const ids = new Set<CheckId>([...lesson.checks, ...lesson.dependents.map((d) => d.check)]);
    return checks.filter((c) => ids.has(c.id) && (c.status === 'fail' || c.status === 'error')).map((c) => c.id);
  };
  const requireChallenge = (lab: string) => {
    const journal = journals.get(lab);
    if (!journal || journal.kind !== 'challenge' || !journal.challenge) throw new SeclabError('NO_CHALLENGE', `no challenge is running on lab "${lab}": start one with \`seclab challenge start --lab ${lab}\``, { lab });
    return journal as WorkshopJournal & { challenge: NonNullable<WorkshopJournal['challenge']> };
  };
  const slotEntry = (lab: string, slot: number) => {
    const journal = requireChallenge(lab);
    const entry = journal.challenge.entries[slot - 1];
    if (!entry) throw new SeclabError('INVALID_INPUT', `the challenge has ${journal.challenge.entries.length} broken layer(s): choose a slot from 1 to ${journal.challenge.entries.length}`, { lab });
    return { journal, entry };
  };
  const boardOf = (lab: string, journal: WorkshopJournal, checks?: CheckResult[]): ChallengeBoard => {
    const challenge = journal.challenge!;
    const started = Date.parse(challenge.startedAt);
    const entries = challenge.entries.map((entry, index) => {
      const lesson = entry.solvedAt || entry.named ? lessonById(entry.lesson) : undefined;
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
  };
  const score = (lab: string): ChallengeBoard => {
    const journal = requireChallenge(lab);
    const checks = hooks.recheck(lab);
    const passes = (id: string) => ['pass', 'info', 'warn'].includes(checks.find((c) => c.id === id)?.status ?? 'fail');
    const entries = journal.challenge.entries.map((entry) =>
      entry.solvedAt || !lessonById(entry.lesson).checks.every(passes) ? entry : { ...entry, solvedAt: hooks.now().toISOString(), fixedWith: entry.fixedWith ?? ('real-tool' as const) },
    );
    const next = { ...journal, challenge: { ...journal.challenge, entries } };
    journals.set(lab, next);
    return boardOf(lab, next, checks);
  };
  const refuseIfBusy = (lab: string, lessonId?: string) => {
    const journal = journals.get(lab);
    if (!journal || (journal.kind === 'lesson' && journal.lesson === lessonId)) return;
    throw new SeclabError('WORKSHOP_BUSY', `${noticeOf(journal).message}. Restore it first`, { lab });
  };

  const handlers: Pick<Handlers, WorkshopMethod> = {
    'lessons.list': async () => lessons().map(({ id, title, layer, seedSection, checks }) => ({ id, title, layer, seedSection, checks })),
    'lessons.show': async ({ id }) => lessonById(id),
    'lessons.current': async ({ lab }) => {
      hooks.specOf(lab);
      const journal = journals.get(lab);
      return { workshop: journal ? noticeOf(journal) : null };
    },
    'lessons.break': async ({ lab, id }) => {
      const lesson = lessonById(id);
      if (!applicableTo(lab, lesson)) throw new SeclabError('LESSON_BREAK_FAILED', `lesson ${id} cannot run on lab "${lab}": the lab has no ${lesson.layer} layer to turn off`, { lab });
      refuseIfBusy(lab, id);
      const journal: WorkshopJournal = { kind: 'lesson', lesson: id, summary: lesson.break.summary, broken: [lesson.break.id], phase: 'breaking', since: hooks.now().toISOString() };
      journals.set(lab, journal);
      hooks.recheck(lab);
      await hooks.pause(4);
      journals.set(lab, { ...journal, phase: 'broken' });
      const checks = hooks.recheck(lab);
      return { lesson, phase: 'broken', checks, failing: failingOf(lesson, checks), demonstration: demonstrationOf(lesson, true, lab, hooks.now().toISOString()) };
    },
    'lessons.observe': async ({ lab, id }) => {
      const lesson = lessonById(id);
      const checks = hooks.recheck(lab);
      const journal = journals.get(lab);
      const broken = journal?.kind === 'lesson' && journal.lesson === id;
      return { lesson, phase: broken ? 'broken' : 'restored', checks, failing: failingOf(lesson, checks), demonstration: demonstrationOf(lesson, broken, lab, hooks.now().toISOString()) };
    },
    'lessons.restore': async ({ lab, id }) => {
      hooks.specOf(lab);
      const journal = journals.get(lab);
      if (journal && journal.kind !== 'lesson') throw new SeclabError('WORKSHOP_BUSY', `${noticeOf(journal).message}: end it with \`seclab challenge stop --lab ${lab}\``, { lab });
      const lessonId = id ?? journal?.lesson;
      if (!lessonId) throw new SeclabError('NO_LESSON', `no lesson is in progress on lab "${lab}": name the lesson to restore (seclab lesson restore ID)`, { lab });
      const lesson = lessonById(lessonId);
      if (journal) {
        journals.set(lab, { ...journal, phase: 'restoring' });
        hooks.recheck(lab);
        await hooks.pause(3);
      }
      journals.delete(lab);
      const checks = hooks.recheck(lab);
      const step: LessonStep = { lesson, phase: 'restored', checks, failing: failingOf(lesson, checks) };
      return step;
    },
    'challenges.start': async ({ lab, count, lessons: chosenIds }) => {
      const existing = journals.get(lab);
      if (existing) throw new SeclabError('WORKSHOP_BUSY', `${noticeOf(existing).message}: end it first`, { lab });
      const applicable = lessons().filter((lesson) => applicableTo(lab, lesson));
      const chosen = chosenIds?.length
        ? chosenIds.map((id) => {
            const lesson = applicable.find((l) => l.id === id);
            if (!lesson) throw new SeclabError('UNKNOWN_LESSON', `lesson "${id}" cannot be part of a challenge on lab "${lab}": choose among ${applicable.map((l) => l.id).join(', ')}`, { lab });
            return lesson;
          })
        : [...applicable].sort(() => Math.random() - 0.5).slice(0, Math.max(1, Math.min(count, applicable.length)));
      const startedAt = hooks.now().toISOString();
      const journal: WorkshopJournal = {
        kind: 'challenge',
        broken: [...new Set(chosen.map((lesson) => lesson.break.id))],
        phase: 'breaking',
        since: startedAt,
        challenge: { startedAt, wrongGuesses: 0, entries: chosen.map((lesson) => ({ break: lesson.break.id, lesson: lesson.id, hintsUsed: 0, named: false })) },
      };
      journals.set(lab, journal);
      hooks.recheck(lab);
      await hooks.pause(4);
      const started = { ...journal, phase: 'broken' as const };
      journals.set(lab, started);
      return boardOf(lab, started, hooks.recheck(lab));
    },
    'challenges.score': async ({ lab }) => score(lab),
    'challenges.hint': async ({ lab, slot }) => {
      const { journal, entry } = slotEntry(lab, slot);
      const hints = lessonById(entry.lesson).hints;
      const step = Math.min(entry.hintsUsed + 1, hints.length);
      const entries = journal.challenge.entries.map((e, i) => (i === slot - 1 ? { ...e, hintsUsed: step } : e));
      journals.set(lab, { ...journal, challenge: { ...journal.challenge, entries } });
      return { slot, step, of: hints.length, hint: hints[step - 1] };
    },
    'challenges.name': async ({ lab, layer }) => {
      const journal = requireChallenge(lab);
      const index = journal.challenge.entries.findIndex((entry) => !entry.solvedAt && !entry.named && lessonById(entry.lesson).layer === (layer as LayerId));
      const next: WorkshopJournal =
        index < 0
          ? { ...journal, challenge: { ...journal.challenge, wrongGuesses: journal.challenge.wrongGuesses + 1 } }
          : { ...journal, challenge: { ...journal.challenge, entries: journal.challenge.entries.map((e, i) => (i === index ? { ...e, named: true } : e)) } };
      journals.set(lab, next);
      const lesson = index < 0 ? undefined : lessonById(journal.challenge.entries[index].lesson);
      const message = !lesson
        ? `no unsolved broken layer is "${layer}": look at the layer view again`
        : lesson.fixNeedsRepair
          ? `right: ${lesson.break.summary}. Fixing it needs the lab recreated: use the repair action (seclab challenge repair ${index + 1} --lab ${lab})`
          : `right: ${lesson.break.summary}. Fix it yourself: ${lesson.studentFix}`;
      return { correct: index >= 0, ...(index >= 0 ? { slot: index + 1 } : {}), message, board: boardOf(lab, next) };
    },
    'challenges.repair': async ({ lab, slot }) => {
      const { journal, entry } = slotEntry(lab, slot);
      if (!entry.named) throw new SeclabError('NOT_NAMED', `name the broken layer first (seclab challenge name LAYER --lab ${lab}): the repair is offered only once you know what you repair`, { lab });
      if (!entry.solvedAt) {
        await hooks.pause(3);
        const entries = journal.challenge.entries.map((e, i) => (i === slot - 1 ? { ...e, fixedWith: 'repair' as const } : e));
        journals.set(lab, { ...journal, broken: journal.broken.filter((id) => id !== entry.break), challenge: { ...journal.challenge, entries } });
      }
      return score(lab);
    },
    'challenges.stop': async ({ lab }) => {
      const journal = requireChallenge(lab);
      journals.delete(lab);
      hooks.recheck(lab);
      return { ...boardOf(lab, journal), active: false };
    },
  };

  return {
    handlers,
    failingChecks(lab) {
      const failing: Partial<Record<CheckId, string>> = {};
      for (const lesson of brokenLessons(lab)) for (const id of lesson.checks) failing[id] = `demo lab: ${lesson.break.summary}`;
      return failing;
    },
    notice: (lab) => {
      const journal = journals.get(lab);
      return journal ? noticeOf(journal) : undefined;
    },
    forget: (lab) => void journals.delete(lab),
  };
}
