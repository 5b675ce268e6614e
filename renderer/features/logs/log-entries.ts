import { parseLogLine, type LogRecord } from '../../../common/log-lines.ts';

/** A log line as the Logs screen shows it: its number in the session (a stable key), the line as written, and what it says when it is an ECS JSON record. */
export interface LogEntry {
  number: number;
  raw: string;
  record?: LogRecord;
}

export function toLogEntries(lines: string[], firstNumber: number): LogEntry[] {
  return lines.map((raw, index) => {
    const record = parseLogLine(raw);
    return record ? { number: firstNumber + index, raw, record } : { number: firstNumber + index, raw };
  });
}

/** Case-insensitive, in what is shown or in the raw line (a node name, a field only the JSON carries). */
export function entryMatches(entry: LogEntry, needle: string): boolean {
  return entry.raw.toLowerCase().includes(needle.toLowerCase());
}

/** "09:00:01.000" from "2026-11-28T09:00:01.000Z" or "…T09:00:01.000+00:00": the time of day as the product wrote it. */
export function timeOfDay(time: string): string {
  return /T(\d{2}:\d{2}:\d{2}(?:[.,]\d+)?)/.exec(time)?.[1] ?? time;
}
