import { spawn, type ChildProcess } from 'node:child_process';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface SeclabProcess {
  child: ChildProcess;
  /** Resolves once stdout or stderr has shown `pattern`; rejects if the process ends first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  finished: Promise<Finished>;
}

const repositoryRoot = new URL('../../../', import.meta.url);

/** `seclab ARGS…` as a user runs it: its own process, so SIGKILL means what it means. */
export function startSeclab(home: string, args: string[]): SeclabProcess {
  const child = spawn(process.execPath, ['bin/seclab.mjs', ...args], { cwd: repositoryRoot, env: { ...process.env, SECLAB_HOME: home, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    listeners.forEach((listener) => listener());
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    listeners.forEach((listener) => listener());
  });
  const finished = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  let ended = false;
  void finished.then(() => {
    ended = true;
    listeners.forEach((listener) => listener());
  });
  return {
    child,
    finished,
    waitFor: (pattern, timeoutMs = 120_000) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`seclab ${args.join(' ')} never showed ${pattern} in ${timeoutMs} ms:\n${stdout}\n${stderr}`)), timeoutMs);
        const check = () => {
          if (pattern.test(stdout) || pattern.test(stderr)) done();
          else if (ended) done(new Error(`seclab ${args.join(' ')} ended before showing ${pattern}:\n${stdout}\n${stderr}`));
        };
        const done = (error?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) reject(error);
          else resolve();
        };
        listeners.add(check);
        check();
      }),
  };
}

/** Runs `seclab ARGS…` to its end. */
export function runSeclab(home: string, args: string[]): Promise<Finished> {
  return startSeclab(home, args).finished;
}
