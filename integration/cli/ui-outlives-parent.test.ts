import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * Issue #11: "A `seclab ui` started through `npx` and stopped by its parent can outlive it." The
 * parent here is a plain `node -e` script (npx is just another parent): it starts `seclab ui --demo`
 * with no stdin, prints the ui's pid, and is killed with SIGKILL, which sends its child no signal.
 */
const repository = fileURLToPath(new URL('../../', import.meta.url));

/** How the parent hands its own output to the ui: its terminal (here: the test's pipes), or pipes it reads and relays. */
type ParentOutput = 'shared' | 'relayed';

function parentScript(output: ParentOutput, preload: string): string {
  const stdio = output === 'shared' ? "['ignore', 'inherit', 'inherit']" : "['ignore', 'pipe', 'pipe']";
  return [
    "const { spawn } = require('node:child_process');",
    `const ui = spawn(process.execPath, ['--import', ${JSON.stringify(preload)}, 'bin/seclab.mjs', 'ui', '--demo', '--no-open'], { stdio: ${stdio} });`,
    output === 'relayed' ? 'ui.stdout.pipe(process.stdout); ui.stderr.pipe(process.stderr);' : '',
    "process.stdout.write('ui-pid=' + ui.pid + '\\n');",
    'setInterval(() => {}, 60000);',
  ].join('\n');
}

/** A zombie counts as gone: it has exited, and whether an orphan is reaped soon depends on what runs as init. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state …"; the command may hold spaces and parentheses, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

describe('seclab ui whose parent is killed', () => {
  let folder: string;
  let parent: ChildProcess | undefined;
  let uiPid: number | undefined;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'seclab-ui-parent-'));
  });

  afterEach(() => {
    if (uiPid !== undefined && isAlive(uiPid)) process.kill(uiPid, 'SIGKILL');
    if (parent?.pid !== undefined && parent.exitCode === null && parent.signalCode === null) parent.kill('SIGKILL');
    uiPid = undefined;
    parent = undefined;
    rmSync(folder, { recursive: true, force: true });
  });

  for (const output of ['shared', 'relayed'] as const) {
    it(`stops, frees its port and exits 0 when the parent ${output === 'shared' ? 'that shares its output' : 'that relays its output'} is SIGKILLed`, async () => {
      // The ui is not our child, so its exit status is recorded by a preload as it exits.
      const exitFile = join(folder, 'exit-code');
      const preload = join(folder, 'record-exit.mjs');
      writeFileSync(preload, `import { writeFileSync } from 'node:fs';\nprocess.on('exit', (code) => writeFileSync(${JSON.stringify(exitFile)}, String(code)));\n`);

      parent = spawn(process.execPath, ['-e', parentScript(output, preload)], {
        cwd: repository,
        env: { ...process.env, SECLAB_HOME: join(folder, 'home'), NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      parent.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      parent.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

      const served = await waitFor(() => /ui-pid=\d+/.test(stdout) && /http:\/\/127\.0\.0\.1:\d+\//.test(stdout), 60_000);
      expect(served, `the ui never printed its link; stdout: ${stdout}\nstderr: ${stderr}`).toBe(true);
      uiPid = Number(/ui-pid=(\d+)/.exec(stdout)![1]);
      const port = Number(/http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout)![1]);
      expect(await acceptsConnections(port)).toBe(true);

      const parentPid = parent.pid!;
      process.kill(parentPid, 'SIGKILL');
      await new Promise((resolve) => parent!.once('exit', resolve));

      const ui = uiPid;
      expect(await waitFor(() => !isAlive(ui), 10_000), `seclab ui (pid ${ui}) still runs 10 s after its parent was killed`).toBe(true);
      expect(await acceptsConnections(port)).toBe(false);
      expect(readFileSync(exitFile, 'utf8')).toBe('0');
      // Only a parent that shared its output leaves a reader for the note; a relaying parent took its pipes with it.
      if (output === 'shared') expect(stderr).toContain(`seclab ui: its parent process (pid ${parentPid}) ended; stopping`);
    }, 90_000);
  }
});
