import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLabLock } from './lab-lock.ts';
import { labPaths } from './lab-home.ts';

const homes: string[] = [];
afterEach(() => homes.splice(0).forEach((home) => rmSync(home, { recursive: true, force: true })));

function newHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'seclab-lock-'));
  homes.push(home);
  return home;
}

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('the lab lock and the lab folder', () => {
  it('makes a missing lab folder owner-only', () => {
    const home = newHome();
    const release = acquireLabLock(home, 'lk1', 'up');
    expect(modeOf(dirname(labPaths(home, 'lk1').lock))).toBe(0o700);
    release();
  });

  it("leaves an existing lab folder's mode alone: a workshop break opened it to 0755 on purpose", () => {
    const home = newHome();
    const folder = dirname(labPaths(home, 'lk2').lock);
    mkdirSync(folder, { recursive: true });
    chmodSync(folder, 0o755);
    const release = acquireLabLock(home, 'lk2', 'lesson');
    expect(modeOf(folder)).toBe(0o755);
    release();
    expect(modeOf(folder)).toBe(0o755);
  });
});
