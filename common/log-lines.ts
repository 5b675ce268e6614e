/**
 * Elastic's products log one ECS JSON object per line (Elasticsearch: flat dotted keys such as
 * "log.level"; Kibana with `layout.type: json`: nested `log: { level, logger }`; Elastic Agent and
 * Fleet Server: "log.level" plus a `component` object). A log line read as time, level, component
 * and message, for the CLI's `seclab logs` and the app's Logs screen. Anything else is not ours to read.
 */
export interface LogRecord {
  time: string;
  level: string;
  component?: string;
  message: string;
}

type Json = Record<string, unknown>;

/** A field by its ECS name, written flat ("log.level") or nested ({ log: { level } }) or anything between. */
function field(record: Json, name: string): unknown {
  if (name in record) return record[name];
  const dot = name.indexOf('.');
  for (let at = dot; at !== -1; at = name.indexOf('.', at + 1)) {
    const head = record[name.slice(0, at)];
    if (head && typeof head === 'object' && !Array.isArray(head)) {
      const found = field(head as Json, name.slice(at + 1));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

const text = (value: unknown) => (typeof value === 'string' && value.length ? value : undefined);

/** org.elasticsearch.node.Node → o.e.n.Node, as Elasticsearch's own console layout (%c{1.}) shortens a class name. */
function shortLoggerName(logger: string): string {
  const parts = logger.split('.');
  const last = parts.at(-1) ?? logger;
  if (parts.length < 3 || !/^[A-Z]/.test(last)) return logger;
  return [...parts.slice(0, -1).map((part) => part[0]), last].join('.');
}

/** The record an ECS JSON log line carries; undefined for a line that is not one (plain text, audit events, JSON without a message). */
export function parseLogLine(line: string): LogRecord | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return undefined;
  let record: unknown;
  try {
    record = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (!record || typeof record !== 'object' || Array.isArray(record)) return undefined;
  const json = record as Json;
  const message = text(field(json, 'message'));
  const time = text(field(json, '@timestamp'));
  const level = text(field(json, 'log.level'));
  if (message === undefined || time === undefined || level === undefined) return undefined;
  const logger = text(field(json, 'log.logger'));
  const component = logger ? shortLoggerName(logger) : (text(field(json, 'component.id')) ?? text(field(json, 'service.name')));
  const error = text(field(json, 'error.message'));
  const errorType = text(field(json, 'error.type'));
  return {
    time,
    level: level.toUpperCase(),
    ...(component ? { component } : {}),
    message: error && !message.includes(error) ? `${message} (${errorType ? `${errorType}: ` : ''}${error})` : message,
  };
}

export type LogSeverity = 'error' | 'warn' | 'info' | 'debug';

/** How loud a level is, whatever its spelling (WARNING, warn; FATAL and CRITICAL are errors; TRACE is debug). */
export function severityOf(level: string): LogSeverity {
  const upper = level.toUpperCase();
  if (upper === 'ERROR' || upper === 'FATAL' || upper === 'CRITICAL' || upper === 'PANIC') return 'error';
  if (upper === 'WARN' || upper === 'WARNING') return 'warn';
  if (upper === 'DEBUG' || upper === 'TRACE') return 'debug';
  return 'info';
}
