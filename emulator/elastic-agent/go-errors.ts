/**
 * Go's wording for file-system errors: `*os.PathError` prints "<op> <path>: <errno text>", e.g.
 * "mkdir /usr/share/elastic-agent/state/data: permission denied" — what the agent prints where Node
 * would say "EACCES: permission denied, mkdir '…'".
 */
const ERRNO_TEXT: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EEXIST: 'file exists',
  EROFS: 'read-only file system',
  EISDIR: 'is a directory',
  ENOSPC: 'no space left on device',
  ECONNREFUSED: 'connection refused',
};

export function goErrnoText(error: unknown): string {
  const code = (error as { code?: string } | undefined)?.code;
  return (code && ERRNO_TEXT[code]) || (error instanceof Error ? error.message : String(error));
}

export function goPathError(op: string, path: string, error: unknown): string {
  return `${op} ${path}: ${goErrnoText(error)}`;
}
