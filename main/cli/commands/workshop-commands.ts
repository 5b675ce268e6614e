import { createInterface } from 'node:readline/promises';
import { Option, type Command } from 'commander';
import { LAYERS, type CheckResult } from '../../../common/checks.ts';
import type { ChallengeBoard, Lesson, LessonStep } from '../../../common/workshop.ts';
import { SeclabError } from '../../../common/errors.ts';
import type { CoreEnvironment } from '../../core/environment.ts';
import type { LabContext } from '../../core/orchestrator/up-lab.ts';
import { findLesson, loadLessons } from '../../core/workshop/lesson-files.ts';
import { addLabOption, wholeNumberIn } from '../spec-options.ts';
import { formatChecks } from '../format/format-status.ts';

// The workshop engines (and the orchestrator behind them) load when a workshop command runs, not at every start.
const lessonEngine = () => import('../../core/workshop/lesson-engine.ts');
const challengeEngine = () => import('../../core/workshop/challenge-engine.ts');

const print = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
const printJson = (value: unknown) => print(JSON.stringify(value, null, 2));
const say = (text: string) => process.stderr.write(`${text}\n`);

interface Flags {
  lab: string;
  json?: boolean;
}

function withCommon(command: Command): Command {
  return addLabOption(command).option('--json', 'machine-readable output');
}

function formatLesson(lesson: Lesson): string {
  return [
    `${lesson.title}  [${lesson.id}]`,
    `layer: ${LAYERS.find((l) => l.id === lesson.layer)?.title} (seed: ${lesson.seedSection}); checks: ${lesson.checks.join(', ')}`,
    '',
    'Why',
    lesson.why,
    '',
    'What the teacher says',
    lesson.teacherNotes,
    '',
    `break:         ${lesson.break.summary}`,
    `demonstration: ${lesson.demonstration.summary}`,
    `restore:       ${lesson.restore.summary}`,
  ].join('\n');
}

function formatStep(step: LessonStep): string {
  const lines: string[] = [];
  if (step.recovered) lines.push(step.recovered, '');
  const ids = new Set([...step.lesson.checks, ...step.lesson.dependents.map((d) => d.check)]);
  const relevant: CheckResult[] = step.checks.filter((c) => ids.has(c.id));
  lines.push(step.phase === 'broken' ? `Broken on purpose: ${step.lesson.break.summary}.` : `Restored: ${step.lesson.restore.summary}.`);
  lines.push(formatChecks(relevant).trimEnd());
  if (step.demonstration) {
    const d = step.demonstration;
    lines.push('', `Demonstration: ${d.title}`, `  tried: ${d.tried}`, ...d.output.map((line) => `  ${line}`), `  → ${d.shows}`);
  }
  const others = step.checks.filter((c) => !ids.has(c.id) && (c.status === 'fail' || c.status === 'error'));
  if (others.length) lines.push('', `Other checks not passing: ${others.map((c) => `${c.id} (${c.status})`).join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function formatBoard(board: ChallengeBoard): string {
  const lines = [`Challenge on lab "${board.lab}" since ${board.startedAt}: ${board.solved} of ${board.total} solved${board.active ? '' : ' — done'}`];
  for (const entry of board.entries) {
    const what = entry.lesson ? `${entry.layer} (${entry.lesson})` : 'hidden layer';
    lines.push(
      `  #${entry.slot} ${entry.solved ? '✓ solved' : '✕ open  '} ${what.padEnd(36)} ${entry.solved ? `${entry.secondsToFix}s to fix, ${entry.fixedWith === 'repair' ? 'repaired by the app' : 'fixed with a real tool'}` : entry.named ? 'layer named' : ''}  hints ${entry.hintsUsed}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * While a lesson's break is being applied or held by this process, Ctrl+C or SIGTERM restores the
 * lab before the process ends (after the step under way finishes: containers are never left half-made).
 */
function restoreOnInterrupt(context: LabContext, lab: string, lessonId: string): { active: () => boolean; release: () => void; restoring: () => Promise<void> | undefined } {
  let restoring: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (restoring) return;
    say(`\n${signal}: restoring lab "${lab}" (lesson ${lessonId}) before exiting…`);
    restoring = lessonEngine()
      .then(({ restoreLesson }) => restoreLesson(context, lab, lessonId))
      .then(
        () => {
          say(`Lab "${lab}" restored: every layer is back.`);
          process.exit(130);
        },
        (error: Error) => {
          say(`seclab: the restore failed: ${error.message}. The next \`seclab status --lab ${lab}\` tries again.`);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    active: () => restoring !== undefined,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
    restoring: () => restoring,
  };
}

export function registerWorkshopCommands(program: Command, environment: CoreEnvironment): void {
  const context: LabContext = { environment, emit: () => undefined };
  const lesson = program.command('lesson').description('workshop lessons: explain → break → observe → restore one security layer');

  withCommon(lesson.command('list'))
    .description('the lessons in resources/lessons/')
    .action(async (flags: Flags) => {
      const lessons = loadLessons();
      if (flags.json) printJson(lessons.map(({ id, title, layer, seedSection, checks }) => ({ id, title, layer, seedSection, checks })));
      else print(lessons.map((l) => `${l.id.padEnd(24)} ${l.layer.padEnd(10)} ${l.title}`).join('\n'));
    });

  withCommon(lesson.command('show'))
    .description("a lesson's text: the seed's why, what the teacher says, the break, the demonstration")
    .argument('<id>', 'lesson id (seclab lesson list)')
    .action(async (id: string, flags: Flags) => {
      const found = findLesson(id);
      if (flags.json) printJson(found);
      else print(formatLesson(found));
    });

  withCommon(lesson.command('start'))
    .description('the whole lesson: explain, break, observe; press Enter to restore (Ctrl+C restores too)')
    .argument('<id>', 'lesson id')
    .option('--no-wait', 'restore right after the observation, without waiting for Enter')
    .action(async (id: string, flags: Flags & { wait: boolean }) => {
      const found = findLesson(id);
      if (!flags.json) print(`${formatLesson(found)}\n\nBreaking: ${found.break.summary}…`);
      const guard = restoreOnInterrupt(context, flags.lab, id);
      const broken = await (await lessonEngine()).breakLesson(context, flags.lab, id, { hold: true, command: `seclab lesson start ${id}` });
      if (guard.active()) return void (await guard.restoring());
      if (!flags.json) print(formatStep(broken));
      if (flags.wait && process.stdin.isTTY) {
        const prompt = createInterface({ input: process.stdin, output: process.stderr });
        await prompt.question('Press Enter to restore the layer… ');
        prompt.close();
      }
      if (guard.active()) return void (await guard.restoring());
      const restored = await (await lessonEngine()).restoreLesson(context, flags.lab, id);
      guard.release();
      if (flags.json) printJson({ broken, restored });
      else print(formatStep(restored));
    });

  withCommon(lesson.command('break'))
    .description("turn the lesson's layer off and leave it off (status says so) until `seclab lesson restore`")
    .argument('<id>', 'lesson id')
    .action(async (id: string, flags: Flags) => {
      findLesson(id);
      const guard = restoreOnInterrupt(context, flags.lab, id);
      const step = await (await lessonEngine()).breakLesson(context, flags.lab, id, { command: `seclab lesson break ${id}` });
      if (guard.active()) return void (await guard.restoring());
      guard.release();
      if (flags.json) printJson(step);
      else print(`${formatStep(step)}\nThe layer stays off on purpose. Restore it with: seclab lesson restore ${id} --lab ${flags.lab}`);
    });

  withCommon(lesson.command('observe'))
    .description('the checks and the live demonstration, as the lab is now (changes nothing)')
    .argument('<id>', 'lesson id')
    .action(async (id: string, flags: Flags) => {
      findLesson(id);
      const step = await (await lessonEngine()).observeLesson(context, flags.lab, id);
      if (flags.json) printJson(step);
      else print(formatStep(step));
    });

  withCommon(lesson.command('restore'))
    .description('back to the secured lab: the plan without the break, applied; then every check')
    .argument('[id]', 'lesson id (default: the lesson in progress)')
    .action(async (id: string | undefined, flags: Flags) => {
      if (id !== undefined) findLesson(id);
      const step = await (await lessonEngine()).restoreLesson(context, flags.lab, id);
      if (flags.json) printJson(step);
      else print(formatStep(step));
    });

  const challenge = program.command('challenge').description('break layers silently; students find and fix them; a score board keeps time and hints');

  withCommon(challenge.command('start'))
    .description('break N layers at random (or the ones named with --lesson), silently')
    .option('--count <n>', 'how many layers', '1')
    .addOption(new Option('--lesson <id...>', "the teacher's choice of lessons whose layers to break"))
    .action(async (flags: Flags & { count: string; lesson?: string[] }) => {
      const count = Number(flags.count);
      if (!Number.isInteger(count) || count < 1 || count > 10) throw new SeclabError('BAD_OPTION', `--count: "${flags.count}" is not a number from 1 to 10`);
      for (const id of flags.lesson ?? []) findLesson(id);
      const board = await (await challengeEngine()).startChallenge(context, flags.lab, { count, lessons: flags.lesson });
      if (flags.json) printJson(board);
      else print(`${formatBoard(board)}\nFind the broken layer${board.total > 1 ? 's' : ''} in \`seclab status --lab ${flags.lab}\`; fix with real tools; \`seclab challenge score\` records it.`);
    });

  withCommon(challenge.command('score'))
    .description('run every check and record the fixes the verifier sees')
    .action(async (flags: Flags) => {
      const board = await (await challengeEngine()).scoreChallenge(context, flags.lab);
      if (flags.json) printJson(board);
      else print(formatBoard(board));
    });

  withCommon(challenge.command('hint'))
    .description('the next hint for one broken layer, mildest first')
    .argument('[slot]', 'which broken layer (1…N)', '1')
    .action(async (slot: string, flags: Flags) => {
      const hint = (await challengeEngine()).hintChallenge(context, flags.lab, wholeNumberIn('slot', slot, 1, 20));
      if (flags.json) printJson(hint);
      else print(`Hint ${hint.step} of ${hint.of} for #${hint.slot}: ${hint.hint}`);
    });

  withCommon(challenge.command('name'))
    .description('name the layer you believe is broken; right, and the repair is offered where fixing needs the lab recreated')
    .argument('<layer>', `one of ${LAYERS.map((l) => l.id).join(', ')}`)
    .action(async (layer: string, flags: Flags) => {
      if (!LAYERS.some((l) => l.id === layer)) throw new SeclabError('BAD_OPTION', `"${layer}" is not a layer: choose one of ${LAYERS.map((l) => l.id).join(', ')}`);
      const result = (await challengeEngine()).nameChallengeLayer(context, flags.lab, layer as (typeof LAYERS)[number]['id']);
      if (flags.json) printJson(result);
      else print(`${result.message}\n${formatBoard(result.board)}`);
    });

  withCommon(challenge.command('repair'))
    .description("the app's repair for a layer you have named (recreates what needs recreating)")
    .argument('<slot>', 'which broken layer (1…N)')
    .action(async (slot: string, flags: Flags) => {
      const board = await (await challengeEngine()).repairChallengeLayer(context, flags.lab, wholeNumberIn('slot', slot, 1, 20));
      if (flags.json) printJson(board);
      else print(formatBoard(board));
    });

  withCommon(challenge.command('stop'))
    .description('end the challenge: restore whatever is still broken')
    .action(async (flags: Flags) => {
      const board = await (await challengeEngine()).stopChallenge(context, flags.lab);
      if (flags.json) printJson(board);
      else print(formatBoard(board));
    });
}
