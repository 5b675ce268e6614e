import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { REPO_ROOT } from './paths.ts';

/** The Electron binary's path, or undefined where its download never happened (as on CI here). */
export function findElectronBinary(): string | undefined {
  // require('electron') tries the download on first use; a child keeps that noise out of the test output.
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
  const path = probe.status === 0 ? probe.stdout.trim() : '';
  return path && existsSync(path) ? path : undefined;
}
