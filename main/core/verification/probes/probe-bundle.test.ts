import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const folders: string[] = [];
const folder = (prefix: string) => {
  const path = mkdtempSync(join(tmpdir(), prefix));
  folders.push(path);
  return path;
};

afterEach(() => {
  for (const path of folders.splice(0)) rmSync(path, { recursive: true, force: true });
});

/** A fresh module each time: a new process, which has only the seclab home to remember by. */
const freshProbeProgram = async () => {
  vi.resetModules();
  return (await import('./probe-bundle.ts')).probeProgram;
};

describe('probeProgram', () => {
  it('bundles the entry with what it imports, remembers it in the home, and bundles again once a source changes', async () => {
    const sources = folder('seclab-probe-src-');
    const home = folder('seclab-probe-home-');
    const entry = join(sources, 'entry.ts');
    writeFileSync(join(sources, 'answer.ts'), 'export const answer: string = "first";\n');
    writeFileSync(entry, "import { answer } from './answer.ts';\nprocess.stdout.write(answer);\n");

    const first = await (await freshProbeProgram())(entry, home);
    expect(first).toContain('"first"');
    const remembered = JSON.parse(readFileSync(join(home, 'probe-bundles.json'), 'utf8')) as Array<{ entry: string; inputs: Array<{ path: string }>; program: string }>;
    expect(remembered).toHaveLength(1);
    expect(remembered[0].entry).toBe(entry);
    expect(remembered[0].inputs.map((i) => i.path).sort()).toEqual([join(sources, 'answer.ts'), entry].sort());

    // Unchanged sources: the remembered program, as it was written (a marker proves it was not rebuilt).
    writeFileSync(join(home, 'probe-bundles.json'), JSON.stringify([{ ...remembered[0], program: `${remembered[0].program}// remembered\n` }]));
    expect(await (await freshProbeProgram())(entry, home)).toContain('// remembered');

    // An imported source changed: bundled again, from the new source.
    writeFileSync(join(sources, 'answer.ts'), 'export const answer: string = "second";\n');
    const rebuilt = await (await freshProbeProgram())(entry, home);
    expect(rebuilt).toContain('"second"');
    expect(rebuilt).not.toContain('// remembered');
  });

  it('creates no seclab home', async () => {
    const sources = folder('seclab-probe-src-');
    const entry = join(sources, 'entry.ts');
    writeFileSync(entry, 'process.stdout.write("ok");\n');
    const home = join(folder('seclab-probe-parent-'), 'missing-home');
    expect(await (await freshProbeProgram())(entry, home)).toContain('"ok"');
    expect(() => readFileSync(join(home, 'probe-bundles.json'))).toThrow();
  });
});
