/**
 * Kibana's console logging. The default layout is the pattern `[%date][%level][%logger] %message`
 * with the level padded to 5 characters (e.g. `[2025-01-01T10:00:00.000+00:00][WARN ][plugins.security.config] …`),
 * which is what the Docker image prints; `layout.type: json` gives one ECS JSON object per line.
 */
export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

export interface Logger {
  log(level: LogLevel, message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  fatal(message: string): void;
  get(context: string): Logger;
}

export interface LogSink {
  write(line: string): void;
}

function isoWithOffset(date: Date): string {
  const offsetMinutes = -date.getTimezoneOffset();
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const local = new Date(date.getTime() + offsetMinutes * 60_000);
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T` +
    `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

export function createLogger(options: { json: boolean; sink?: LogSink; now?: () => Date }, context = 'root'): Logger {
  const sink = options.sink ?? { write: (line: string) => process.stdout.write(line + '\n') };
  const now = options.now ?? (() => new Date());
  const log = (level: LogLevel, message: string) => {
    const date = now();
    if (options.json) {
      sink.write(
        JSON.stringify({
          '@timestamp': isoWithOffset(date),
          ecs: { version: '8.11.0' },
          log: { level, logger: context },
          message,
          process: { pid: process.pid },
        }),
      );
    } else {
      sink.write(`[${isoWithOffset(date)}][${level.padEnd(5)}][${context}] ${message}`);
    }
  };
  return {
    log,
    info: (m) => log('INFO', m),
    warn: (m) => log('WARN', m),
    error: (m) => log('ERROR', m),
    fatal: (m) => log('FATAL', m),
    get: (child) => createLogger(options, child),
  };
}
