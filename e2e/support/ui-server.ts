import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { REPO_ROOT, type E2eHandlers } from './paths.ts';

export interface UiServer {
  url: string;
  origin: string;
  stop(): Promise<void>;
}

/** Runs `seclab ui`'s server in its own process (as a user would) and reads its one-time URL. */
export async function startUiServer(handlers: E2eHandlers, env: NodeJS.ProcessEnv = {}): Promise<UiServer> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'e2e/support/serve-ui.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, SECLAB_E2E_HANDLERS: handlers },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the seclab ui server exited with ${code} before printing its URL`)));
  });
  const { url, origin } = JSON.parse(first) as { url: string; origin: string };
  return {
    url,
    origin,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
