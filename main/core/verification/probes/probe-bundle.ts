import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { readHomeMemo, writeHomeMemo } from '../../files/home-memo.ts';

/** A bundled probe program with what it was built from: each source's digest and esbuild's version. */
interface RememberedBundle {
  entry: string;
  esbuild: string;
  inputs: Array<{ path: string; sha256: string }>;
  program: string;
}

const PROBE_BUNDLES_FILE = 'probe-bundles.json';
const bundles = new Map<string, Promise<string>>();

const digestOf = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * A probe program (a TS entry's path) bundled for `node -e`, once per process. Bundling starts
 * esbuild's service, a Go process: at every `seclab status` that cost 0.3 s on the probes' way to
 * their containers. So the bundle is also remembered in the seclab home with the digest of each
 * source it was built from and esbuild's version, and reused while all of them are unchanged.
 */
export function probeProgram(entry: string, home?: string): Promise<string> {
  let program = bundles.get(entry);
  if (!program) {
    program = rememberedOrBuilt(entry, home);
    // A failure is not remembered: the next run tries again.
    program.catch(() => bundles.delete(entry));
    bundles.set(entry, program);
  }
  return program;
}

async function rememberedOrBuilt(entry: string, home: string | undefined): Promise<string> {
  const esbuild = await import('esbuild');
  const remembered = home ? rememberedBundles(home) : [];
  const current = remembered.find((b) => b.entry === entry && b.esbuild === esbuild.version && unchanged(b.inputs));
  if (current) return current.program;
  const workingDir = dirname(entry);
  const result = await esbuild.build({ entryPoints: [entry], absWorkingDir: workingDir, bundle: true, platform: 'node', target: 'node20', format: 'cjs', write: false, metafile: true, logLevel: 'silent' });
  const program = result.outputFiles[0].text;
  const inputs = Object.keys(result.metafile.inputs).map((input) => {
    const path = resolve(workingDir, input);
    return { path, sha256: digestOf(path) };
  });
  writeHomeMemo(home, PROBE_BUNDLES_FILE, [...remembered.filter((b) => b.entry !== entry), { entry, esbuild: esbuild.version, inputs, program }]);
  return program;
}

function unchanged(inputs: RememberedBundle['inputs']): boolean {
  try {
    return inputs.length > 0 && inputs.every(({ path, sha256 }) => digestOf(path) === sha256);
  } catch {
    // A source gone.
    return false;
  }
}

function rememberedBundles(home: string): RememberedBundle[] {
  const parsed = readHomeMemo(home, PROBE_BUNDLES_FILE);
  return Array.isArray(parsed) ? (parsed as RememberedBundle[]).filter((b) => typeof b?.entry === 'string' && typeof b.program === 'string' && Array.isArray(b.inputs)) : [];
}
