import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pipeScrubbedLogs } from './follow-logs.ts';

const PASSWORD = 'FollowLogsPassw0rdSplitAcross';

describe('seclab logs -f', () => {
  it('scrubs a secret that Docker split across two frames', async () => {
    const stream = new PassThrough();
    const written: string[] = [];
    const done = pipeScrubbedLogs(stream, { 'elastic-password': PASSWORD }, (text) => written.push(text));
    stream.write(`[es01] auth failed for elastic with ${PASSWORD.slice(0, 12)}`);
    await new Promise((resolve) => setImmediate(resolve));
    stream.write(`${PASSWORD.slice(12)}\n[es01] next line\n`);
    stream.end('[es01] last line without newline');
    await done;
    expect(written.join('')).toBe('[es01] auth failed for elastic with <redacted>\n[es01] next line\n[es01] last line without newline');
    expect(written.join('')).not.toContain(PASSWORD.slice(0, 12));
  });

  it('ends with an error, after what it had, when the engine drops the stream', async () => {
    const stream = new PassThrough();
    const written: string[] = [];
    const done = pipeScrubbedLogs(stream, {}, (text) => written.push(text));
    stream.write('partial');
    stream.destroy(new Error('socket hang up'));
    await expect(done).rejects.toThrow('socket hang up');
    expect(written.join('')).toBe('partial');
  });
});
