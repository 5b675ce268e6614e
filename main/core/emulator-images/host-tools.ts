import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { posix } from 'node:path';

/**
 * The tools layer of the emulated images' base: the shell and command-line tools that Elastic's
 * own images ship and that Elastic's documented recipes call (the Docker Compose recipe's setup
 * service runs `bash -c` with curl, grep, find, chmod, chown, unzip; its healthchecks run
 * `CMD-SHELL` through /bin/sh with curl and grep; people `docker exec … curl`). Copied from the
 * host like Node itself, with every library `ldd` lists for them, at the same paths.
 *
 * `echo` and `[` are shell builtins (bash and dash) and need no binary. curl gets no CA bundle:
 * the recipes pass `--cacert`.
 */
export const HOST_TOOLS = ['bash', 'sh', 'curl', 'grep', 'find', 'chmod', 'chown', 'sleep', 'cat', 'ls', 'mkdir', 'rm', 'unzip'] as const;

/** Where a tool is looked up on the host, and the two places a shell script may name it in the image. */
const HOST_SEARCH_PATH = ['/usr/bin', '/bin'];

export interface HostToolsLayer {
  /** Real files: image path = host path (after resolving symlinks, e.g. /usr/bin/sh → /usr/bin/dash). */
  binaries: Array<{ path: string; file: string }>;
  /** Image symlinks so `/bin/sh`, `/usr/bin/sh`, `/bin/bash`, … all resolve (absolute targets). */
  symlinks: Array<{ path: string; target: string }>;
  /** Library paths as `ldd` prints them (the loader asks for these paths). */
  libraries: string[];
  /** Tools the host lacks; the layer is built without them and the caller says so. */
  missing: string[];
}

export interface HostToolsOptions {
  tools?: readonly string[];
  searchPath?: string[];
  /** `ldd <binary>` output; injectable for tests. */
  ldd?: (binary: string) => string;
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

const defaultLdd = (binary: string) => {
  try {
    return execFileSync('ldd', [binary], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    // A static binary: ldd exits 1 with "not a dynamic executable"; nothing to copy.
    const output = String((error as { stdout?: string }).stdout ?? '');
    if (/not a dynamic executable/.test(String((error as { stderr?: string }).stderr ?? '') + output)) return '';
    throw error;
  }
};

/** Where the host keeps a tool, first along the search path: what `collectHostTools` copies, without its `ldd`. */
export function locateHostTool(tool: string, searchPath: readonly string[] = HOST_SEARCH_PATH): string | undefined {
  return searchPath.map((dir) => posix.join(dir, tool)).find((candidate) => existsSync(candidate));
}

export function collectHostTools(options: HostToolsOptions = {}): HostToolsLayer {
  const tools = options.tools ?? HOST_TOOLS;
  const searchPath = options.searchPath ?? HOST_SEARCH_PATH;
  const ldd = options.ldd ?? defaultLdd;
  const binaries = new Map<string, string>();
  const symlinks = new Map<string, string>();
  const libraries = new Set<string>();
  const missing: string[] = [];

  for (const tool of tools) {
    const found = locateHostTool(tool, searchPath);
    if (!found) {
      missing.push(tool);
      continue;
    }
    const real = realpathSync(found);
    binaries.set(real, real);
    symlinks.delete(real);
    for (const library of parseLddOutput(ldd(real))) libraries.add(library);
    // The tool under every name a script may use: /usr/bin/<tool> and /bin/<tool>.
    for (const dir of searchPath) {
      const alias = posix.join(dir, tool);
      if (alias !== real && !binaries.has(alias)) symlinks.set(alias, real);
    }
  }
  return {
    binaries: [...binaries.keys()].sort().map((path) => ({ path, file: binaries.get(path)! })),
    symlinks: [...symlinks.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([path, target]) => ({ path, target })),
    libraries: [...libraries].sort(),
    missing,
  };
}
