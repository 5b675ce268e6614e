#!/usr/bin/env node
// npm start: build the app and launch Electron, or say in one line why it can't and what to run instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function electronBinary() {
  // require('electron') returns the binary's path, downloading it on first use and throwing when that fails.
  // It runs in a child so the download's own noise stays out of the one line we print.
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  const path = probe.status === 0 ? probe.stdout.trim() : '';
  return path && existsSync(path) ? path : undefined;
}

const electron = electronBinary();
if (!electron) {
  process.stderr.write("Electron's binary is not installed here (it downloads at first launch, and that download failed); run the same app in your browser with: npx seclab ui\n");
  process.exit(1);
}

await import('./build-electron.mjs');
const { build } = await import('vite');
await build({ configFile: join(root, 'renderer/vite.config.ts'), logLevel: 'warn' });

const child = spawn(electron, [root, ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
