import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BREAK_IDS } from '../../../common/workshop.ts';
import { lessonsDir, loadLessons, parseLessonFile } from './lesson-files.ts';

const good = readFileSync(join(lessonsDir(), 'http-tls.md'), 'utf8');
let dir: string | undefined;

function folderWith(name: string, text: string): string {
  dir = mkdtempSync(join(tmpdir(), 'seclab-lessons-'));
  writeFileSync(join(dir, name), text);
  return dir;
}

afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('lesson files', () => {
  it("loads every lesson of resources/lessons with its why and the teacher's words", () => {
    const lessons = loadLessons();
    expect(lessons.length).toBeGreaterThanOrEqual(10);
    for (const lesson of lessons) {
      expect(lesson.why.length, lesson.id).toBeGreaterThan(40);
      expect(lesson.teacherNotes.length, lesson.id).toBeGreaterThan(40);
      expect(BREAK_IDS).toContain(lesson.break.id);
    }
    expect(lessons.find((l) => l.id === 'http-tls')).toMatchObject({ layer: 'http', seedSection: 'Cluster communication', checks: ['http.tls'], dependents: [{ check: 'http.cert-valid' }] });
  });

  it('a bad check id is refused naming the file and the field', () => {
    const folder = folderWith('http-tls.md', good.replace('checks: [http.tls]', 'checks: [http.tsl]'));
    expect(() => loadLessons(folder)).toThrow(/http-tls\.md: checks\.0: Invalid option/);
  });

  it('an unknown field, a missing field, bad YAML, an id that is not the file name, a missing section: each named', () => {
    expect(() => parseLessonFile('/x/http-tls.md', good.replace('layer: http', 'layer: http\nlevel: hard'), 'x.md')).toThrow(/x\.md: level: /);
    expect(() => parseLessonFile('/x/http-tls.md', good.replace(/^title: .*$/m, ''), 'x.md')).toThrow(/x\.md: title: /);
    expect(() => parseLessonFile('/x/http-tls.md', good.replace('layer: http', 'layer: [http'), 'x.md')).toThrow(/x\.md: front matter: not valid YAML/);
    expect(() => parseLessonFile('/x/other.md', good, 'other.md')).toThrow(/other\.md: id: "http-tls" must match the file name/);
    expect(() => parseLessonFile('/x/http-tls.md', good.replace('## What the teacher says', '## Notes'), 'x.md')).toThrow(/x\.md: body: needs a "## What the teacher says" section/);
    expect(() => parseLessonFile('/x/http-tls.md', 'no front matter', 'x.md')).toThrow(/x\.md: front matter: the file must start/);
  });
});
