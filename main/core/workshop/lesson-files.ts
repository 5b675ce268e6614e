import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CHECK_IDS, LAYERS } from '../../../common/checks.ts';
import { SeclabError } from '../../../common/errors.ts';
import { BREAK_IDS, DEMONSTRATION_IDS, type Lesson } from '../../../common/workshop.ts';
import { installRoot } from '../files/install-root.ts';

/**
 * resources/lessons/: one `<id>.md` per lesson; a teacher adds one without touching code.
 * Found beside package.json (sources, npm package, the desktop app's archive); SECLAB_LESSONS_DIR points elsewhere.
 */
export function lessonsDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SECLAB_LESSONS_DIR) return env.SECLAB_LESSONS_DIR;
  return join(installRoot(), 'resources', 'lessons');
}

const LAYER_IDS = LAYERS.map((layer) => layer.id) as [string, ...string[]];

const frontMatterSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,40}$/, 'a lower-case id such as http-tls'),
  title: z.string().min(3),
  layer: z.enum(LAYER_IDS),
  checks: z.array(z.enum(CHECK_IDS)).min(1),
  dependents: z.array(z.strictObject({ check: z.enum(CHECK_IDS), reason: z.string().min(3) })).default([]),
  break: z.strictObject({ id: z.enum(BREAK_IDS), summary: z.string().min(3) }),
  demonstration: z.strictObject({ id: z.enum(DEMONSTRATION_IDS), summary: z.string().min(3) }),
  restore: z.strictObject({ summary: z.string().min(3) }),
  hints: z.array(z.string().min(3)).min(1),
  student_fix: z.string().min(3),
  fix_needs_repair: z.boolean(),
});

const WHY_HEADING = /^## Why\s*$/m;
const TEACHER_HEADING = /^## What the teacher says\s*$/m;

function lessonError(file: string, field: string, problem: string): SeclabError {
  return new SeclabError('LESSON_INVALID', `${file}: ${field}: ${problem}`, { phase: 'lessons' });
}

/** One lesson file: YAML front matter (validated with zod) and a body with the seed's why and the teacher's words. */
export function parseLessonFile(path: string, text: string, shownAs = path): Lesson {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) throw lessonError(shownAs, 'front matter', 'the file must start with YAML front matter between two "---" lines');
  let data: unknown;
  try {
    data = parseYaml(match[1]);
  } catch (error) {
    throw lessonError(shownAs, 'front matter', `not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const parsed = frontMatterSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length ? issue.path.join('.') : issue.code === 'unrecognized_keys' ? ((issue as { keys?: string[] }).keys?.join(', ') ?? '(front matter)') : '(front matter)';
    throw lessonError(shownAs, field, issue.message);
  }
  const meta = parsed.data;
  if (meta.id !== basename(path, '.md')) throw lessonError(shownAs, 'id', `"${meta.id}" must match the file name (${basename(path)})`);
  const body = match[2];
  const why = WHY_HEADING.exec(body);
  const teacher = TEACHER_HEADING.exec(body);
  if (!why) throw lessonError(shownAs, 'body', 'needs a "## Why" section with the seed\'s words');
  if (!teacher) throw lessonError(shownAs, 'body', 'needs a "## What the teacher says" section');
  const section = (start: RegExpExecArray, end?: RegExpExecArray) => body.slice(start.index + start[0].length, end && end.index > start.index ? end.index : undefined).trim();
  const layer = LAYERS.find((l) => l.id === meta.layer)!;
  return {
    id: meta.id,
    title: meta.title,
    layer: layer.id,
    seedSection: layer.seedSection,
    checks: meta.checks,
    dependents: meta.dependents,
    break: meta.break,
    demonstration: meta.demonstration,
    restore: meta.restore,
    hints: meta.hints,
    studentFix: meta.student_fix,
    fixNeedsRepair: meta.fix_needs_repair,
    why: section(why, teacher),
    teacherNotes: section(teacher, why),
    file: shownAs,
  };
}

/** Every lesson in the folder, sorted by id; the first bad file stops the load with its name and field. */
export function loadLessons(dir = lessonsDir()): Lesson[] {
  if (!existsSync(dir)) throw new SeclabError('LESSONS_MISSING', `the lessons folder ${dir} does not exist`);
  const shown = (file: string) => relative(process.cwd(), join(dir, file)) || file;
  return readdirSync(dir)
    .filter((file) => file.endsWith('.md'))
    .sort()
    .map((file) => parseLessonFile(join(dir, file), readFileSync(join(dir, file), 'utf8'), shown(file).startsWith('..') ? join(dir, file) : shown(file)));
}

export function findLesson(id: string, dir = lessonsDir()): Lesson {
  const lessons = loadLessons(dir);
  const lesson = lessons.find((l) => l.id === id);
  if (!lesson) throw new SeclabError('UNKNOWN_LESSON', `there is no lesson "${id}": choose one of ${lessons.map((l) => l.id).join(', ')} (seclab lesson list)`);
  return lesson;
}
