import { mkdirSync, writeFileSync, renameSync, chmodSync, existsSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Lab folders hold keys and passwords: owner-only, whatever the umask says. */
export function ensurePrivateDirectory(path: string): void {
  if (!existsSync(path)) mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
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
