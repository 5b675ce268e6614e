import { readSync } from 'node:fs';

/** Synchronous line input for CLI prompts and `--stdin`, like the JDK Terminal the real tools use. */
export interface Terminal {
  readLine(prompt?: string): string | undefined;
  print(text: string): void;
  error(text: string): void;
}

export function processTerminal(): Terminal {
  let pending = '';
  let ended = false;
  return {
    readLine(prompt?: string) {
      if (prompt) process.stderr.write(prompt);
      const buffer = Buffer.alloc(1);
      for (;;) {
        const newline = pending.indexOf('\n');
        if (newline >= 0) {
          const line = pending.slice(0, newline).replace(/\r$/, '');
          pending = pending.slice(newline + 1);
          return line;
        }
        if (ended) {
          if (!pending) return undefined;
          const line = pending;
          pending = '';
          return line;
        }
        let read = 0;
        try {
          read = readSync(0, buffer, 0, 1, null);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
          read = 0;
        }
        if (read === 0) ended = true;
        else pending += buffer.toString('utf8', 0, read);
      }
    },
    print: (text) => process.stdout.write(text + '\n'),
    error: (text) => process.stderr.write(text + '\n'),
  };
}

/** ES ExitCodes used by the CLI tools. */
export const ExitCodes = { OK: 0, USAGE: 64, DATA_ERROR: 65, NO_INPUT: 66, IO_ERROR: 74, CONFIG: 78 } as const;

export class UserError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}
