import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';

/**
 * The emulated images' base: the host's own Node runtime and the shared libraries it links,
 * at the same paths, plus the few files glibc and Node expect. No registry, no distribution.
 */

export interface RootFileEntry {
  path: string;
  content: Buffer;
  mode: number;
  uid?: number;
  gid?: number;
}

export interface RootFilesystem {
  /** Read only when the base image must actually be built. */
  readEntries: () => RootFileEntry[];
  directories: Array<{ path: string; mode: number }>;
  /** Changes when the Node binary or a library changes, so the base image is rebuilt only then. */
  digest: string;
}

/** Paths `ldd` prints for a binary: `libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x…)` and the loader. */
export function parseLddOutput(output: string): string[] {
  const paths = new Set<string>();
  for (const line of output.split('\n')) {
    const arrow = /=>\s+(\/\S+)/.exec(line);
    const bare = /^\s*(\/\S+)\s+\(/.exec(line);
    const path = arrow?.[1] ?? bare?.[1];
    if (path) paths.add(path);
  }
  return [...paths];
}

const ETC_FILES = (): RootFileEntry[] => [
    { path: '/etc/passwd', content: Buffer.from('root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n'), mode: 0o644 },
    { path: '/etc/group', content: Buffer.from('root:x:0:\nnogroup:x:65534:\n'), mode: 0o644 },
    { path: '/etc/nsswitch.conf', content: Buffer.from('passwd: files\ngroup: files\nhosts: files dns\n'), mode: 0o644 },
];

export function collectNodeRootFilesystem(nodeBinary = process.execPath): RootFilesystem {
  const realNode = realpathSync(nodeBinary);
  const libraries = parseLddOutput(execFileSync('ldd', [realNode], { encoding: 'utf8' }));
  const sources = [{ path: '/usr/local/bin/node', file: realNode }, ...libraries.map((library) => ({ path: library, file: realpathSync(library) }))];
  // Identity from path, size and mtime: hashing the 100 MB runtime on every call would cost a second.
  const digest = createHash('sha256');
  for (const source of sources) {
    const stats = statSync(source.file);
    digest.update(`${source.path}:${source.file}:${stats.size}:${stats.mtimeMs}`);
  }
  for (const entry of ETC_FILES()) digest.update(entry.path).update(entry.content);
  return {
    readEntries: () => [
      // Keep the path the loader asks for (often a symlink such as /lib64/ld-linux-x86-64.so.2).
      ...sources.map((source) => ({ path: source.path, content: readFileSync(source.file), mode: statSync(source.file).mode & 0o777 })),
      ...ETC_FILES(),
    ],
    directories: [
      { path: '/tmp', mode: 0o1777 },
      { path: '/etc', mode: 0o755 },
    ],
    digest: digest.digest('hex').slice(0, 16),
  };
}
