import { styleText } from 'node:util';
import { parseLogLine } from '../../../common/log-lines.ts';

const useColour = () => process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (colour: Parameters<typeof styleText>[0], text: string) => (useColour() ? styleText(colour, text) : text);

const LEVEL_COLOUR: Record<string, Parameters<typeof styleText>[0]> = { WARN: 'yellow', WARNING: 'yellow', ERROR: ['bold', 'red'], FATAL: ['bold', 'red'], DEBUG: 'gray', TRACE: 'gray' };

/** One log line as `time LEVEL [component] message`; a line that is not an ECS JSON record is printed as it is. */
export function formatLogLine(line: string): string {
  const record = parseLogLine(line);
  if (!record) return line;
  const level = record.level.padEnd(5);
  return `${paint('gray', record.time)} ${LEVEL_COLOUR[record.level] ? paint(LEVEL_COLOUR[record.level], level) : level} ${record.component ? `[${record.component}] ` : ''}${record.message}`;
}

/** Whole lines of log text (line ends kept), each made readable. */
export function formatLogText(text: string): string {
  return text.split('\n').map(formatLogLine).join('\n');
}
