// Whether bin/seclab.mjs may run the prebuilt bundle (scripts/build-cli.mjs) instead of the sources.
import { readFileSync, statSync } from 'node:fs';

/**
 * The bundle's URL when it is as new as every source it was built from (out/cli/inputs.json), else
 * undefined: a source saved after the build, or gone, means the bundle may not be what the sources say.
 */
export function currentCliBundle(root = new URL('../', import.meta.url)) {
  try {
    const { builtAtMs, inputs } = JSON.parse(readFileSync(new URL('out/cli/inputs.json', root), 'utf8'));
    if (!inputs.every((input) => statSync(new URL(input, root)).mtimeMs <= builtAtMs)) return undefined;
    return new URL('out/cli/seclab.cjs', root);
  } catch {
    return undefined;
  }
}
