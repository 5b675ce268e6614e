/**
 * A probe's task: one line of JSON on stdin. The probe goes on at the line's end rather than waiting
 * for stdin to close: an exec'd probe (standing-probe.ts) gets its end of input only as the engine
 * passes on the client's half-close, and not every engine's exec does. Plain Node built-ins only.
 */
export function readTaskLine(): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const done = () => {
      process.stdin.removeAllListeners('data');
      process.stdin.pause();
      resolve(received.split('\n')[0] ?? '');
    };
    process.stdin.on('data', (chunk: Buffer) => {
      received += chunk.toString('utf8');
      if (received.includes('\n')) done();
    });
    process.stdin.on('end', done);
  });
}
