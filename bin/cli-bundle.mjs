// Whether bin/seclab.mjs may run the prebuilt bundle (scripts/build-cli.mjs) instead of the sources.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';

/**
 * The bundle's URL when every source it was built from (out/cli/inputs.json) is unchanged, else
 * undefined. A source dated no later than the build is unchanged; a later one (an edit, a checkout,
 * or an npm install, which dates every file at install time) is compared by content.
 */
export function currentCliBundle(root = new URL('../', import.meta.url)) {
  try {
    const { builtAtMs, inputs } = JSON.parse(readFileSync(new URL('out/cli/inputs.json', root), 'utf8'));
    const unchanged = ({ path, sha256 }) => {
      const file = new URL(path, root);
      return statSync(file).mtimeMs <= builtAtMs || createHash('sha256').update(readFileSync(file)).digest('hex') === sha256;
    };
    return inputs.every(unchanged) ? new URL('out/cli/seclab.cjs', root) : undefined;
  } catch {
    // No bundle, an older inputs.json, or a source gone.
    return undefined;
  }
}
