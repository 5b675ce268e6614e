import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Default `xpack.security.audit.logfile.events.include` (ES docs "Auditing security settings"; note it includes
 * access_granted, for non-system users).
 */
const DEFAULT_EVENTS = [
  'access_denied',
  'access_granted',
  'anonymous_access_denied',
  'authentication_failed',
  'connection_denied',
  'tampered_request',
  'run_as_denied',
  'run_as_granted',
  'security_config_change',
];

export interface AuditNodeInfo {
  nodeName: string;
  nodeId: string;
  clusterName: string;
  clusterUuid: () => string;
  hostIp: string;
}

export interface AuditOptions {
  file: string;
  alsoToStdout: boolean;
  /** Dynamic settings: read on every event so PUT /_cluster/settings applies at once. */
  includeEvents: () => string[];
  excludeEvents: () => string[];
  /** Audit needs the setting and a licence that allows it; both can change at runtime. */
  isActive: () => boolean;
}

/** ES LoggingAuditTrail timestamp: yyyy-MM-dd'T'HH:mm:ss,SSSZ in UTC. */
function auditTimestamp(date: Date): string {
  return date.toISOString().replace('.', ',').replace('Z', '+0000');
}

export class AuditTrail {
  constructor(
    private readonly node: AuditNodeInfo,
    private readonly options: AuditOptions,
  ) {}

  private enabledFor(action: string): boolean {
    if (!this.options.isActive()) return false;
    const configured = this.options.includeEvents();
    const include = configured.length > 0 ? configured : DEFAULT_EVENTS;
    if (!include.includes('_all') && !include.includes(action)) return false;
    return !this.options.excludeEvents().includes(action);
  }

  /** Field order follows LoggingAuditTrail's output: type, timestamp, node identity, then the event. */
  record(eventType: string, action: string, fields: Record<string, unknown>): void {
    if (!this.enabledFor(action)) return;
    const entry: Record<string, unknown> = {
      type: 'audit',
      timestamp: auditTimestamp(new Date()),
      'cluster.uuid': this.node.clusterUuid() || undefined,
      'node.name': this.node.nodeName,
      'node.id': this.node.nodeId,
      'host.ip': this.node.hostIp,
      'event.type': eventType,
      'event.action': action,
      ...fields,
    };
    const line = JSON.stringify(entry);
    try {
      mkdirSync(dirname(this.options.file), { recursive: true });
      appendFileSync(this.options.file, line + '\n');
    } catch {
      // a read-only logs dir must not take the node down
    }
    // The Docker image's log4j2 config sends the audit appender to the console too.
    if (this.options.alsoToStdout) process.stdout.write(line + '\n');
  }
}
