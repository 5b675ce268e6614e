import { describe, expect, it } from 'vitest';
import { auditEventEvidence } from './audit-evidence.ts';

// As the official image's log4j2 console appender writes it (x-pack/plugin/core/src/main/config/log4j2.properties, audit_rolling layout):
// node and cluster fields come first, so a cut after a couple of hundred characters loses the user.
const EVENT = {
  type: 'audit',
  timestamp: '2026-11-30T13:01:42,027+0000',
  'cluster.name': 'seclab-truth',
  'cluster.uuid': 'RX0UmXE6JUVuAPO6bFkwh5',
  'node.name': 'es01',
  'node.id': 'V4DMoYIGwPq2XWihR7rPjV',
  'host.name': 'es01',
  'host.ip': '172.29.2.11',
  'event.type': 'rest',
  'event.action': 'authentication_failed',
  'authentication.type': 'REALM',
  'user.name': 'seclab-audit-probe-1796043701771',
  'origin.type': 'rest',
  'origin.address': '172.29.2.1:50818',
  'url.path': '/_security/_authenticate',
  'request.method': 'GET',
  'request.id': 'k2bXlhOzQ0i1nNmb4Kz7Qg',
};

describe('auditEventEvidence', () => {
  it('names the user, the action and the address in its first line, and keeps the whole event', () => {
    const [summary, whole] = auditEventEvidence('es01', EVENT);
    expect(summary).toBe("audit event in es01's log: authentication_failed for user seclab-audit-probe-1796043701771 from 172.29.2.1:50818 on GET /_security/_authenticate");
    expect(summary.length).toBeLessThan(160);
    expect(JSON.parse(whole.replace(/^the whole event: /, ''))).toEqual(EVENT);
  });

  it('says so when the event names no user', () => {
    expect(auditEventEvidence('es02', { type: 'audit', 'event.action': 'connection_denied' })[0]).toBe("audit event in es02's log: connection_denied for user (none)");
  });
});
