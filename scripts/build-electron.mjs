#!/usr/bin/env node
// Bundles the Electron main process and the preload into out/electron/ with esbuild.
// The preload is bundled whole (CJS, only 'electron' external) because a sandboxed preload cannot require npm modules.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
await Promise.all([
  build({
    entryPoints: [join(root, 'main/electron/main.ts')],
    outfile: join(root, 'out/electron/main.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    // npm packages load from node_modules at run time (electron-builder ships the production dependencies).
    packages: 'external',
    // Core modules that locate files with import.meta.url get the bundle's own location.
    define: { 'import.meta.url': 'import_meta_url' },
    banner: { js: "const import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
    logLevel: 'warning',
  }),
  build({
    entryPoints: [join(root, 'preload/index.ts')],
    outfile: join(root, 'out/electron/preload.cjs'),
    bundle: true,
    platform: 'browser',
    format: 'cjs',
    target: 'chrome130',
    external: ['electron'],
    minify: true,
    logLevel: 'warning',
  }),
]);
console.log('built out/electron/main.cjs and out/electron/preload.cjs');
