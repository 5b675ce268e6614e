import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface StartedProgram {
  name: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

const started: StartedProgram[] = [];
const bundleDir = mkdtempSync(join(tmpdir(), 'seclab-kbn-fleet-bundles-'));
const bundles = new Map<string, string>();

/**
 * Bundles an entry the way the image builder does (esbuild, ESM, node20) once per run, so every process
 * starts from the same single file an image would run, without paying a TypeScript loader per start.
 */
function bundledEntry(entry: string): string {
  const cached = bundles.get(entry);
  if (cached) return cached;
  const outfile = join(bundleDir, entry.replace(/\//g, '_').replace(/\.ts$/, '.mjs'));
  esbuild.buildSync({
    entryPoints: [join(REPO_ROOT, entry)],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outfile,
    logLevel: 'silent',
    banner: { js: "import { createRequire as __seclabCreateRequire } from 'node:module'; const require = __seclabCreateRequire(import.meta.url);" },
  });
  bundles.set(entry, outfile);
  return outfile;
}

function signal(program: StartedProgram, name: NodeJS.Signals): void {
  if (program.child.exitCode !== null || program.child.signalCode !== null || program.child.pid === undefined) return;
  try {
    process.kill(program.child.pid, name);
  } catch {
    // already gone
  }
}

/** Runs an entry of this repo (bundled) as a host process, capturing stdout and stderr. */
export function startProgram(name: string, entry: string, args: string[], env: Record<string, string>, stdin?: string): StartedProgram {
  const child = spawn(process.execPath, [bundledEntry(entry), ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', SECLAB_EMULATOR_TEST_ALLOW_ROOT: '1', ...env },
    stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (stdin !== undefined) child.stdin?.end(stdin);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const program = { name, child, output: () => output, exited };
  started.push(program);
  return program;
}

/** Runs a command to completion (e.g. `elastic-agent status`) and returns its exit code and output. */
export async function runToCompletion(entry: string, args: string[], env: Record<string, string>, timeoutMs = 20_000, stdin?: string): Promise<{ code: number | null; output: string }> {
  const program = startProgram(`run ${entry} ${args.join(' ')}`, entry, args, env, stdin);
  const timer = setTimeout(() => program.child.kill('SIGKILL'), timeoutMs);
  const code = await program.exited;
  clearTimeout(timer);
  return { code, output: program.output() };
}

/** Stops only the processes this suite started, by PID: SIGTERM, then SIGKILL after a grace period. */
export async function stopAllStartedPrograms(): Promise<void> {
  if (process.env.SECLAB_TEST_PRINT_LOGS === '1') {
    for (const program of started) process.stdout.write(`\n===== ${program.name} =====\n${program.output()}\n`);
  }
  await Promise.all(started.splice(0).map((program) => stopProgram(program)));
}

export async function stopProgram(program: StartedProgram): Promise<void> {
  if (program.child.exitCode !== null || program.child.signalCode !== null) return;
  signal(program, 'SIGTERM');
  const timer = setTimeout(() => signal(program, 'SIGKILL'), 3000);
  await program.exited;
  clearTimeout(timer);
}

export { freeLoopbackPort as freePort } from '../../support/free-port.ts';

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}
