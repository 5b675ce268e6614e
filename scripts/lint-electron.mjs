#!/usr/bin/env node
// npm run lint:electron — Electronegativity over the Electron-facing source (main/electron, preload, renderer).
// It reports but never fails, so this gate fails on any finding above INFORMATIONAL that no inline
// `eng-disable` comment (with its reason beside it) accepts.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCANNED = ['main/electron', 'preload', 'renderer'];
// Needs the network (GitHub release list); Electron's version is pinned in package.json and reviewed there.
const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];

const require = createRequire(import.meta.url);
// At load, the scanner fetches translations from the internet with `got`; tests send traffic to
// loopback only, so hand it a `got` that answers "nothing new" and keep its bundled en-US texts.
const gotPath = createRequire(require.resolve('@doyensec/electronegativity')).resolve('got');
require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: async () => ({ statusCode: 304, body: '' }) };
const run = require('@doyensec/electronegativity');
const electronVersion = require('electron/package.json').version;

// The scanner takes one folder: copy the scanned trees (without tests) into one.
const workdir = mkdtempSync(join(tmpdir(), 'seclab-electronegativity-'));
try {
  for (const folder of SCANNED) {
    cpSync(join(root, folder), join(workdir, folder), { recursive: true, filter: (path) => !/\.test\.tsx?$/.test(path) });
  }
  writeFileSync(join(workdir, 'package.json'), JSON.stringify({ name: 'seclab-scan', devDependencies: { electron: electronVersion } }));
  const result = await run({
    input: workdir,
    output: undefined,
    isSarif: false,
    customScan: [],
    excludeFromScan: EXCLUDED_CHECKS,
    severitySet: 'informational',
    confidenceSet: 'tentative',
    isRelative: false,
    electronVersionOverride: electronVersion,
  });
  const blocking = result.issues.filter((issue) => issue.severity.name !== 'INFORMATIONAL');
  const where = (issue) => `${relative(workdir, issue.file)}:${issue.location.line}:${issue.location.column}`;
  for (const issue of result.issues) {
    process.stdout.write(`${issue.severity.name === 'INFORMATIONAL' ? 'info ' : 'FAIL '} ${issue.id} (${issue.severity.name}, ${issue.confidence.name}) ${where(issue)}\n`);
  }
  for (const error of result.errors.filter((entry) => !entry.tolerable)) {
    process.stdout.write(`PARSE ${relative(workdir, error.file)}: ${error.message}\n`);
  }
  const parseFailures = result.errors.filter((entry) => !entry.tolerable).length;
  process.stdout.write(
    `electronegativity ${electronVersion}: ${result.atomicChecks + result.globalChecks} checks, ${result.issues.length} findings, ${blocking.length} above informational, ${parseFailures} files not parsed\n`,
  );
  process.exitCode = blocking.length > 0 || parseFailures > 0 ? 1 : 0;
} finally {
  rmSync(workdir, { recursive: true, force: true });
}
