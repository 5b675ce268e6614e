import { runCli } from '../run-cli.ts';

/**
 * A child process that runs `seclab` command lines in-process, one per IPC message, and answers
 * with the exit status and everything written. A test forks it so that a command line that
 * never returns (a synchronous loop included) can be killed and named instead of freezing the test.
 */
interface CliCase {
  id: number;
  args: string[];
}

let written = '';
const writeToCapture = ((chunk: string | Uint8Array) => {
  written += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  return true;
}) as typeof process.stdout.write;
process.stdout.write = writeToCapture;

process.on('message', (message: CliCase) => {
  void (async () => {
    written = '';
    let stderr = '';
    const started = performance.now();
    const code = await runCli(message.args, { stdout: (text) => void (written += text), stderr: (text) => void (stderr += text) });
    process.send?.({ id: message.id, code, stdout: written, stderr, ms: performance.now() - started });
  })();
});
process.send?.({ ready: true });
