/**
 * Elastic Agent logs ECS JSON lines (`{"log.level":"info","@timestamp":…,"message":…,"ecs.version":"1.6.0"}`),
 * Fleet Server's records carry `component`/`service.name: fleet-server`.
 */
export type AgentLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface AgentLogger {
  log(level: AgentLogLevel, message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  with(fields: Record<string, unknown>): AgentLogger;
}

export function createAgentLogger(base: Record<string, unknown> = {}, write: (line: string) => void = (l) => process.stderr.write(l + '\n')): AgentLogger {
  const log = (level: AgentLogLevel, message: string, fields: Record<string, unknown> = {}) =>
    write(JSON.stringify({ 'log.level': level, '@timestamp': new Date().toISOString(), message, ...base, ...fields, 'ecs.version': '1.6.0' }));
  return {
    log,
    info: (m, f) => log('info', m, f),
    warn: (m, f) => log('warn', m, f),
    error: (m, f) => log('error', m, f),
    with: (fields) => createAgentLogger({ ...base, ...fields }, write),
  };
}
