import { SeclabError } from '../../../common/errors.ts';

/** Why the file system refused, in words; the errno stays in brackets for a search. */
export const FILE_SYSTEM_REFUSALS: Record<string, string> = {
  ENOENT: 'a folder cannot be made there (a special file system such as /proc, or a link to nowhere)',
  ENOTDIR: 'part of the path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted there',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  ENAMETOOLONG: 'the path is too long',
  ERR_INVALID_ARG_VALUE: 'the path holds a NUL byte',
  ERR_INVALID_ARG_TYPE: 'the path holds a NUL byte',
};

/**
 * A refusal while writing the lab's folder (its record, secrets, certificates) is about
 * SECLAB_HOME: say which file, why, and what to do, instead of Node's "EROFS: …, open '…'".
 */
export function labHomeRefusal(home: string, error: unknown): SeclabError | undefined {
  const { code, path } = (error ?? {}) as { code?: unknown; path?: unknown };
  if (typeof code !== 'string' || code === 'ENOENT' || !(code in FILE_SYSTEM_REFUSALS)) return undefined;
  const where = typeof path === 'string' ? path : home;
  const fix = code === 'ENOSPC' || code === 'EDQUOT' ? `free some space there, or point SECLAB_HOME at a folder on another disk` : `make ${home} writable, or point SECLAB_HOME at a folder you can write to`;
  return new SeclabError('LAB_HOME_UNWRITABLE', `seclab cannot write ${where}: ${FILE_SYSTEM_REFUSALS[code]} (${code}). The lab's folder lives in SECLAB_HOME (${home}): ${fix}`);
}
