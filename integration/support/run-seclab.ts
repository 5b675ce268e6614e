import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The real command line (bin/seclab.mjs), as a person runs it: its exit code and output, whether it succeeded or not. */
export async function runSeclab(args: string[], env: NodeJS.ProcessEnv, timeoutMs: number, maxBuffer = 16 * 1024 * 1024): Promise<CliResult> {
  const options = { cwd: new URL('../../', import.meta.url), env, timeout: timeoutMs, maxBuffer };
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/seclab.mjs', ...args], options);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}
