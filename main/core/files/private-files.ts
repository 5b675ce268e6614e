import { mkdirSync, writeFileSync, renameSync, chmodSync, existsSync } from 'node:fs';
import { dirname, join, basename, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { currentWindowsUser, privateFolderIcaclsArgs, runIcaclsSync, type IcaclsRunnerSync } from './windows-acl.ts';

export interface FolderPrivacy {
  platform: NodeJS.Platform;
  /** Windows only: sets a folder's ACL (icacls). */
  icacls: IcaclsRunnerSync;
  windowsUser: () => string;
}

const NATIVE: FolderPrivacy = { platform: process.platform, icacls: runIcaclsSync, windowsUser: () => currentWindowsUser() };

/**
 * Lab folders hold keys and passwords: owner-only, whatever the umask says. On Windows, where modes
 * mean nothing, each folder this call creates gets an ACL of the user, SYSTEM and Administrators
 * (windows-acl.ts), which files written inside inherit.
 */
export function ensurePrivateDirectory(path: string, privacy: FolderPrivacy = NATIVE): void {
  const created = existsSync(path) ? [] : makeFoldersOneByOne(path, 0o700);
  chmodSync(path, 0o700);
  if (privacy.platform === 'win32') for (const folder of created) privacy.icacls(privateFolderIcaclsArgs(folder, privacy.windowsUser()));
}

/**
 * `mkdir -p`, one level at a time, so a refusal ends it. Node's recursive mkdir reads ENOENT as
 * "the parent is missing" and retries the parent (EEXIST) and the child (ENOENT) forever, at 100 %
 * of a core, where a folder exists but cannot hold new ones: /proc, /sys (seen on Node 20; the
 * same loop is described in Kewton/CommandMate#1774 and oven-sh/bun#40600).
 */
function makeFoldersOneByOne(path: string, mode: number): string[] {
  const missing: string[] = [];
  for (let folder = resolve(path); !existsSync(folder); folder = dirname(folder)) {
    missing.unshift(folder);
    if (dirname(folder) === folder) break;
  }
  for (const folder of missing) {
    try {
      mkdirSync(folder, { mode });
    } catch (error) {
      // Another process made it in between: fine, as long as it is a folder (the next mkdir says if not).
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return missing;
}

/**
 * Write so that a reader never sees half a file and the content is never readable by others,
 * even for a moment: the temporary file is created 0600 in the same folder, then renamed.
 */
export function writePrivateFileAtomically(path: string, content: string | Buffer, mode = 0o600): void {
  ensurePrivateDirectory(dirname(path));
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  writeFileSync(temporary, content, { mode: 0o600 });
  chmodSync(temporary, mode);
  renameSync(temporary, path);
}
