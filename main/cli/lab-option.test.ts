import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SECLAB = fileURLToPath(new URL('../../bin/seclab.mjs', import.meta.url));

function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

describe('seclab --lab', () => {
  it.each([['down', '--purge'], ['reset'], ['logs', 'es01'], ['status'], ['up', '--images', 'emulated']])('refuses a path-like lab name for `%s` before touching the filesystem or Docker', (command, ...rest) => {
    const root = mkdtempSync(join(tmpdir(), 'seclab-cli-'));
    const home = join(root, 'home');
    // What `labs/../../victim` would reach from SECLAB_HOME.
    mkdirSync(join(root, 'victim'));
    writeFileSync(join(root, 'victim', 'keep.txt'), 'mine');
    mkdirSync(home);
    const before = listTree(root);
    const result = spawnSync(process.execPath, [SECLAB, command, ...rest, '--lab', '../../victim'], {
      encoding: 'utf8',
      // An engine nobody answers on: the refusal must come before any Docker call.
      env: { ...process.env, SECLAB_HOME: home, DOCKER_HOST: 'tcp://127.0.0.1:1' },
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      'seclab: --lab: "../../victim" is not a DNS-safe lab name: use 1–20 characters, lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen [BAD_OPTION]',
    ]);
    expect(result.stdout).toBe('');
    expect(listTree(root)).toEqual(before);
  });
});
