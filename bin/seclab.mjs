#!/usr/bin/env node
// Runs the prebuilt bundle (out/cli/, scripts/build-cli.mjs: `npm install` and `npm pack` build it) while
// it is as new as every source it was built from; otherwise the TypeScript sources directly (tsx), so
// `npx seclab` works right after `npm install` and right after an edit, only slower to start.
import { currentCliBundle } from './cli-bundle.mjs';

const bundle = currentCliBundle();
let runCli;
if (bundle) {
  ({ runCli } = (await import(bundle.href)).default);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ runCli } = await import('../main/cli/run-cli.ts'));
}
const status = await runCli(process.argv.slice(2));
if (status !== 0) process.exit(status);
