import type { Readable } from 'node:stream';
import { createStreamScrubber, type LabSecrets } from '../core/lab-store/lab-secrets.ts';

/**
 * `seclab logs -f`: Docker frames end anywhere, even inside a secret, so the text goes through
 * a streaming scrubber (whole lines, the unfinished one held back) rather than frame by frame.
 * Resolves when the stream ends; an engine that drops the stream ends it with an error.
 */
export function pipeScrubbedLogs(stream: Readable, secrets: LabSecrets, write: (text: string) => void): Promise<void> {
  const scrubber = createStreamScrubber(secrets);
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      const rest = scrubber.flush();
      if (rest) write(rest);
      if (error) reject(error);
      else resolve();
    };
    stream.on('data', (chunk: Buffer) => {
      const ready = scrubber.push(chunk.toString('utf8'));
      if (ready) write(ready);
    });
    stream.on('end', () => finish());
    stream.on('close', () => finish());
    stream.on('error', (error) => finish(error));
  });
}
