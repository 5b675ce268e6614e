#!/usr/bin/env node
// Runs the prebuilt bundle (out/cli/, scripts/build-cli.mjs: `npm install` and `npm pack` build it) while
// every source it was built from is unchanged; otherwise the TypeScript sources directly (tsx), so
// `npx seclab` works right after `npm install` and right after an edit, only slower to start.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { currentCliBundle } from './cli-bundle.mjs';

const bundle = currentCliBundle();
let cli;
if (bundle) {
  // require(), not import(): Node would first scan the whole bundle for its exports' names (0.1 s).
  cli = createRequire(import.meta.url)(fileURLToPath(bundle));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../main/cli/run-cli.ts');
}
await cli.exitAfterCommand(await cli.runCli(process.argv.slice(2)));
