/**
 * Default `xpack.security.audit.logfile.events.include` (ES docs "Auditing security settings"; note it includes
 * access_granted, for non-system users).
 */
const DEFAULT_EVENTS = ['access_denied', 'access_granted', 'anonymous_access_denied', 'authentication_failed', 'connection_denied', 'tampered_request', 'run_as_denied', 'run_as_granted', 'security_config_change'];

export interface AuditNodeInfo {
  nodeName: string;
  nodeId: string;
  clusterName: string;
  clusterUuid: () => string;
  hostName: string;
  hostIp: string;
}

export interface AuditOptions {
  /** Where the official image's console appender writes: the container's stdout. */
  write: (line: string) => void;
  /** Dynamic settings: read on every event so PUT /_cluster/settings applies at once. */
  includeEvents: () => string[];
  excludeEvents: () => string[];
  /** `xpack.security.audit.logfile.emit_*` (dynamic), with ES's defaults applied by the caller. */
  emit: () => { nodeName: boolean; nodeId: boolean; hostName: boolean; hostAddress: boolean; clusterName: boolean; clusterUuid: boolean };
  /** Audit needs the setting and a licence that allows it; both can change at runtime. */
  isActive: () => boolean;
}

/** ES LoggingAuditTrail timestamp: yyyy-MM-dd'T'HH:mm:ss,SSSZ in UTC. */
function auditTimestamp(date: Date): string {
  return date.toISOString().replace('.', ',').replace('Z', '+0000');
}

/**
 * The fields of the audit appender's PatternLayout, in its order (x-pack/plugin/core/src/main/config/log4j2.properties,
 * which the Docker build turns into a Console appender: distribution/docker TransformLog4jConfig). `raw` fields are
 * `%map{…}` (JSON arrays/objects), the others `"%enc{%map{…}}{JSON}"` strings; empty ones are left out (%varsNotEmpty).
 */
const LAYOUT: Array<{ field: string; raw?: true }> = [
  { field: 'cluster.name' },
  { field: 'cluster.uuid' },
  { field: 'node.name' },
  { field: 'node.id' },
  { field: 'host.name' },
  { field: 'host.ip' },
  { field: 'event.type' },
  { field: 'event.action' },
  { field: 'authentication.type' },
  { field: 'user.name' },
  { field: 'user.run_by.name' },
  { field: 'user.run_as.name' },
  { field: 'user.realm' },
  { field: 'user.realm_domain' },
  { field: 'user.run_by.realm' },
  { field: 'user.run_by.realm_domain' },
  { field: 'user.run_as.realm' },
  { field: 'user.run_as.realm_domain' },
  { field: 'user.roles', raw: true },
  { field: 'apikey.id' },
  { field: 'apikey.name' },
  { field: 'authentication.token.name' },
  { field: 'authentication.token.type' },
  { field: 'cross_cluster_access', raw: true },
  { field: 'origin.type' },
  { field: 'origin.address' },
  { field: 'realm' },
  { field: 'realm_domain' },
  { field: 'url.path' },
  { field: 'url.query' },
  { field: 'request.method' },
  { field: 'request.body' },
  { field: 'request.id' },
  { field: 'action' },
  { field: 'request.name' },
  { field: 'indices', raw: true },
  { field: 'opaque_id' },
  { field: 'trace.id' },
  { field: 'x_forwarded_for' },
  { field: 'transport.profile' },
  { field: 'rule' },
  { field: 'put', raw: true },
  { field: 'delete', raw: true },
  { field: 'change', raw: true },
  { field: 'create', raw: true },
  { field: 'invalidate', raw: true },
];

/** One audit line exactly as the pattern renders it: `{"type":"audit", "timestamp":"…", "node.id":"…", …}`. */
export function formatAuditLine(timestamp: Date, fields: Record<string, unknown>): string {
  let line = `{"type":"audit", "timestamp":"${auditTimestamp(timestamp)}"`;
  for (const { field, raw } of LAYOUT) {
    const value = fields[field];
    if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) continue;
    line += `, "${field}":${raw ? JSON.stringify(value) : JSON.stringify(String(value))}`;
  }
  return `${line}}`;
}

export class AuditTrail {
  constructor(
    private readonly node: AuditNodeInfo,
    private readonly options: AuditOptions,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private enabledFor(action: string): boolean {
    if (!this.options.isActive()) return false;
    const configured = this.options.includeEvents();
    const include = configured.length > 0 ? configured : DEFAULT_EVENTS;
    if (!include.includes('_all') && !include.includes(action)) return false;
    return !this.options.excludeEvents().includes(action);
  }

  record(eventType: string, action: string, fields: Record<string, unknown>): void {
    if (!this.enabledFor(action)) return;
    const emit = this.options.emit();
    const line = formatAuditLine(this.clock(), {
      ...fields,
      'cluster.name': emit.clusterName ? this.node.clusterName : undefined,
      'cluster.uuid': emit.clusterUuid ? this.node.clusterUuid() : undefined,
      'node.name': emit.nodeName ? this.node.nodeName : undefined,
      'node.id': emit.nodeId ? this.node.nodeId : undefined,
      'host.name': emit.hostName ? this.node.hostName : undefined,
      'host.ip': emit.hostAddress ? this.node.hostIp : undefined,
      'event.type': eventType,
      'event.action': action,
    });
    this.options.write(line);
  }
}
