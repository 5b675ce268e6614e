import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { collectHostTools, parseLddOutput, type HostToolsLayer } from './host-tools.ts';

export { parseLddOutput };

/**
 * The emulated images' base: a Linux Node runtime (linux-node-source.ts says which: SECLAB_LINUX_NODE,
 * the running Node, or the one shipped with the desktop app) at /usr/local/bin/node, the shared
 * libraries this host's `ldd` lists for it, at the same paths, plus the tools layer (host-tools.ts: bash, sh, curl, grep, … that Elastic's
 * images have and its recipes call) and the few files glibc and Node expect. No registry, no
 * distribution.
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
  /** Absolute symlinks (`/bin/sh` → `/usr/bin/dash`). */
  symlinks: Array<{ path: string; target: string }>;
  /** Changes when the Node binary (its path, size or mtime), a tool, a library or the tool set changes, so the base image is rebuilt only then. */
  digest: string;
  /** Tools of the layer the host lacks (the image is built without them). */
  missingTools: string[];
  /** Every host file the image is made of, as the digest saw it: unchanged files make the same image. */
  inputs: Array<{ file: string; size: number; mtimeMs: number }>;
}

const ETC_FILES = (): RootFileEntry[] => [
  { path: '/etc/passwd', content: Buffer.from('root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n'), mode: 0o644 },
  { path: '/etc/group', content: Buffer.from('root:x:0:\nnogroup:x:65534:\n'), mode: 0o644 },
  { path: '/etc/nsswitch.conf', content: Buffer.from('passwd: files\ngroup: files\nhosts: files dns\n'), mode: 0o644 },
];

/** `nodeBinary` defaults to the running Node for tests on a Linux host; the product passes linux-node-source.ts's choice. */
export function collectNodeRootFilesystem(nodeBinary = process.execPath, tools: HostToolsLayer = collectHostTools()): RootFilesystem {
  const realNode = realpathSync(nodeBinary);
  const libraries = new Set([...parseLddOutput(execFileSync('ldd', [realNode], { encoding: 'utf8' })), ...tools.libraries]);
  const sources = [{ path: '/usr/local/bin/node', file: realNode }, ...tools.binaries, ...[...libraries].sort().map((library) => ({ path: library, file: realpathSync(library) }))];
  // Identity from path, size and mtime: hashing the 100 MB runtime on every call would cost a second.
  const digest = createHash('sha256');
  const inputs: RootFilesystem['inputs'] = [];
  for (const source of sources) {
    const stats = statSync(source.file);
    digest.update(`${source.path}:${source.file}:${stats.size}:${stats.mtimeMs}`);
    inputs.push({ file: source.file, size: stats.size, mtimeMs: stats.mtimeMs });
  }
  for (const link of tools.symlinks) digest.update(`${link.path}->${link.target}`);
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
    symlinks: tools.symlinks,
    digest: digest.digest('hex').slice(0, 16),
    missingTools: tools.missing,
    inputs,
  };
}
