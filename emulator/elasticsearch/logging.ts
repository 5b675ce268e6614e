import { appendFileSync } from 'node:fs';

/**
 * Elasticsearch's server log in its Docker/ECS JSON layout (ES 8+), one object per line on stdout.
 * Field order and the odd spacing copy real output, e.g.:
 * {"@timestamp":"2022-07-03T12:47:49.229Z", "log.level": "INFO", "message":"bound or publishing to a non-loopback
 * address, enforcing bootstrap checks", "ecs.version": "1.2.0","service.name":"ES_ECS","event.dataset":
 * "elasticsearch.server","process.thread.name":"main","log.logger":"org.elasticsearch.bootstrap.BootstrapChecks",
 * "elasticsearch.node.name":"es-cluster-0","elasticsearch.cluster.name":"docker-cluster"}
 */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL';

export interface LogContext {
  nodeName: string;
  clusterName: string;
  clusterUuid?: string;
  nodeId?: string;
}

export interface ServerLogger {
  log(level: LogLevel, logger: string, message: string, extra?: Record<string, unknown>): void;
  info(logger: string, message: string, extra?: Record<string, unknown>): void;
  warn(logger: string, message: string, extra?: Record<string, unknown>): void;
  error(logger: string, message: string, extra?: Record<string, unknown>): void;
  context: LogContext;
}

export function formatServerLogLine(level: LogLevel, logger: string, message: string, context: LogContext, now: Date, extra: Record<string, unknown> = {}): string {
  const head =
    `{"@timestamp":${JSON.stringify(now.toISOString())}, "log.level": ${JSON.stringify(level)}, ` +
    `"message":${JSON.stringify(message)}, "ecs.version": "1.2.0","service.name":"ES_ECS",` +
    `"event.dataset":"elasticsearch.server","process.thread.name":"elasticsearch[${context.nodeName}][main]",` +
    `"log.logger":${JSON.stringify(logger)}`;
  const tail: Record<string, unknown> = { ...extra };
  if (context.clusterUuid) tail['elasticsearch.cluster.uuid'] = context.clusterUuid;
  if (context.nodeId) tail['elasticsearch.node.id'] = context.nodeId;
  tail['elasticsearch.node.name'] = context.nodeName;
  tail['elasticsearch.cluster.name'] = context.clusterName;
  const rest = Object.entries(tail)
    .map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`)
    .join(',');
  return `${head},${rest}}`;
}

export function createServerLogger(context: LogContext, options: { write?: (line: string) => void; logFile?: string; clock?: () => Date } = {}): ServerLogger {
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const clock = options.clock ?? (() => new Date());
  const log = (level: LogLevel, logger: string, message: string, extra?: Record<string, unknown>) => {
    const line = formatServerLogLine(level, logger, message, context, clock(), extra);
    write(line);
    if (options.logFile) {
      try {
        appendFileSync(options.logFile, line + '\n');
      } catch {
        // the console copy is the one that matters in a container
      }
    }
  };
  return {
    context,
    log,
    info: (logger, message, extra) => log('INFO', logger, message, extra),
    warn: (logger, message, extra) => log('WARN', logger, message, extra),
    error: (logger, message, extra) => log('ERROR', logger, message, extra),
  };
}

/** Logger names as ES abbreviates nothing in JSON output: full class names. */
export const Loggers = {
  node: 'org.elasticsearch.node.Node',
  bootstrap: 'org.elasticsearch.bootstrap.Elasticsearch',
  bootstrapChecks: 'org.elasticsearch.bootstrap.BootstrapChecks',
  transportService: 'org.elasticsearch.transport.TransportService',
  http: 'org.elasticsearch.http.AbstractHttpServerTransport',
  securityTransport: 'org.elasticsearch.xpack.core.security.transport.netty4.SecurityNetty4Transport',
  securityHttp: 'org.elasticsearch.xpack.security.transport.netty4.SecurityNetty4HttpServerTransport',
  sslService: 'org.elasticsearch.xpack.core.ssl.SSLService',
  coordinator: 'org.elasticsearch.cluster.coordination.Coordinator',
  clusterBootstrapService: 'org.elasticsearch.cluster.coordination.ClusterBootstrapService',
  settingsModule: 'org.elasticsearch.common.settings.SettingsModule',
  formationHelper: 'org.elasticsearch.cluster.coordination.ClusterFormationFailureHelper',
  clusterApplier: 'org.elasticsearch.cluster.service.ClusterApplierService',
  masterService: 'org.elasticsearch.cluster.service.MasterService',
  nodeConnections: 'org.elasticsearch.cluster.NodeConnectionsService',
  handshaker: 'org.elasticsearch.transport.TransportService',
  license: 'org.elasticsearch.license.ClusterStateLicenseService',
  metadataCreateIndex: 'org.elasticsearch.cluster.metadata.MetadataCreateIndexService',
  ipFilter: 'org.elasticsearch.xpack.security.transport.filter.IPFilter',
  audit: 'org.elasticsearch.xpack.security.audit.logfile.LoggingAuditTrail',
  reservedRealm: 'org.elasticsearch.xpack.security.authc.esnative.ReservedRealm',
} as const;
