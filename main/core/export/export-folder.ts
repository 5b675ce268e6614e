import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { SeclabError } from '../../../common/errors.ts';
import type { ExportFormat } from '../../../common/lab-export.ts';
import { ensurePrivateDirectory } from '../files/private-files.ts';

/**
 * Where the app's Export writes: the folder the person typed (absolute, or under `~/`), else a new
 * one in SECLAB_HOME/exports named after the lab, the format and the time. The app runs on this
 * machine, so the folder is on this machine too.
 */
export function exportFolderFor(home: string, lab: string, format: ExportFormat, now: Date, typed?: string): string {
  if (typed !== undefined) {
    const folder = typed.trim();
    if (folder === '~' || folder.startsWith('~/')) return join(homedir(), folder.slice(1));
    if (!isAbsolute(folder))
      throw new SeclabError('BAD_INPUT', `folder "${typed}" is not a full path: give one such as ${join(homedir(), `${lab}-${format}`)}, or leave it empty for a new folder in ${join(home, 'exports')}`);
    return folder;
  }
  const exports = join(home, 'exports');
  ensurePrivateDirectory(exports);
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return join(exports, `${lab}-${format}-${stamp}`);
}
