import { spawnSync } from 'node:child_process';
import { findElectronBinary } from './support/electron-binary.ts';
import { e2eHandlers, REPO_ROOT } from './support/paths.ts';

/** Builds what the chosen target serves, once, and settles the target for the workers. */
export default function globalSetup(): void {
  let target = process.env.SECLAB_E2E_TARGET === 'electron' ? 'electron' : 'web';
  if (target === 'electron' && !findElectronBinary()) {
    process.stdout.write("Electron's binary is not installed here: running the same specs in Chromium against `seclab ui` instead.\n");
    target = 'web';
  }
  process.env.SECLAB_E2E_RESOLVED_TARGET = target;
  process.env.SECLAB_E2E_HANDLERS = e2eHandlers();

  const run = (args: string[]) => {
    const result = spawnSync(process.execPath, args, { cwd: REPO_ROOT, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`e2e setup failed: node ${args.join(' ')}`);
  };
  run(['--import', 'tsx', '-e', "await (await import('./main/web/renderer-build.ts')).ensureRendererBuilt((line) => console.log(line))"]);
  if (target === 'electron') run(['scripts/build-electron.mjs']);
}
