import { connect as netConnect } from 'node:net';

export interface PlainRequestOutcome {
  received: string;
  /** How it ended: `isAnswer` matched, the timeout fired, the server closed, or the socket failed. */
  ending: 'answer' | 'timeout' | 'close' | 'error';
  error?: string;
}

/**
 * Sends a plaintext request to a port that should only speak TLS and reports what came back.
 * Node built-ins only: the in-network probe bundles it into its container.
 */
export function plainRequest(host: string, port: number, options: { request: string; timeoutMs: number; isAnswer: (received: string) => boolean }): Promise<PlainRequestOutcome> {
  return new Promise((resolve) => {
    const socket = netConnect({ host, port });
    let received = '';
    let settled = false;
    const done = (ending: PlainRequestOutcome['ending'], error?: string) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({ received, ending, ...(error ? { error } : {}) });
    };
    socket.setTimeout(options.timeoutMs, () => done('timeout'));
    socket.once('connect', () => socket.write(options.request));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (options.isAnswer(received)) done('answer');
    });
    socket.once('error', (error) => done('error', (error as NodeJS.ErrnoException).code ?? error.message));
    socket.once('close', () => done('close'));
  });
}
