import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrivateFileAtomically } from './private-files.ts';

/**
 * A small JSON file in the seclab home that remembers what is slow to find out again (the probe
 * image, the bundled probe programs). Neither half may fail a run: a memo that cannot be read
 * reads as none, one that cannot be written is not written.
 */
export function readHomeMemo(home: string, file: string): unknown {
  try {
    return JSON.parse(readFileSync(join(home, file), 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Only into a home that exists: a probe creates no seclab home. */
export function writeHomeMemo(home: string | undefined, file: string, value: unknown): void {
  try {
    if (home && existsSync(home)) writePrivateFileAtomically(join(home, file), `${JSON.stringify(value)}\n`);
  } catch {
    // Not remembered: the next run finds it out again.
  }
}
