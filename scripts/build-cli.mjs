#!/usr/bin/env node
// Bundles the seclab command into out/cli/ with esbuild, so bin/seclab.mjs starts it without compiling
// TypeScript (tsx costs about a second at every start). Run by `npm install`/`npm ci` (prepare) and by
// `npm pack` (prepare), or by hand: `npm run build:cli`.
// out/cli/inputs.json lists every source the bundle was built from, with its digest, and when:
// bin/seclab.mjs runs the bundle only while every source is unchanged, the sources through tsx otherwise.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'out', 'cli');
// Before reading any source: a file saved during the build counts as newer than the bundle.
const builtAtMs = Date.now();

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  // The entry exports runCli; bin/seclab.mjs calls it (no top-level await in CommonJS).
  entryPoints: [join(root, 'main/cli/run-cli.ts')],
  outfile: join(outdir, 'seclab.cjs'),
  absWorkingDir: root,
  bundle: true,
  // CommonJS, as Node's own require() reads the npm packages: ESM's named imports of a CommonJS
  // package (ssh2's `utils`) fail where tsx lets them through. Modules a command imports with
  // import() stay unevaluated, their packages unloaded, until the command runs.
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // npm packages load from node_modules, as they do for the sources.
  packages: 'external',
  // Modules that find the package root with new URL('../../', import.meta.url) (run-cli.ts,
  // renderer-build.ts) get the bundle's own location, which sits at their depth (out/cli/ ≈ main/cli/).
  define: { 'import.meta.url': 'import_meta_url' },
  banner: { js: "const import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  metafile: true,
  logLevel: 'warning',
});
// Each source with its content's digest: what bin/cli-bundle.mjs compares when a file's date is newer
// than the build (npm gives an installed package's files the install time).
const inputs = Object.keys(result.metafile.inputs)
  .sort()
  .map((path) => ({
    path,
    sha256: createHash('sha256')
      .update(readFileSync(join(root, path)))
      .digest('hex'),
  }));
writeFileSync(join(outdir, 'inputs.json'), `${JSON.stringify({ builtAtMs, inputs }, null, 2)}\n`);
console.log(`built out/cli/seclab.cjs from ${inputs.length} sources`);
