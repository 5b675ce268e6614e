import { describe, expect, it } from 'vitest';
import { emptyMetadata } from '../cluster/cluster-state.js';
import { guardCluster } from '../http/guard.js';
import type { RouteContext } from '../http/rest-request.js';
import { authenticateBasic, type Subject } from './authentication.js';
import { hashSecret } from './passwords.js';
import { applyRunAs } from './run-as.js';

const metadata = emptyMetadata();
metadata.roles.impersonator = { cluster: [], indices: [], applications: [], run_as: ['analyst'], metadata: {} };
metadata.roles.monitor_only = { cluster: ['monitor'], indices: [], applications: [], run_as: [], metadata: {} };
for (const [username, roles] of [
  ['boss', ['impersonator']],
  ['analyst', ['monitor_only']],
  ['outsider', []],
] as const) {
  metadata.users[username] = { username, passwordHash: hashSecret('password'), roles: [...roles], full_name: null, email: null, metadata: {}, enabled: true };
}
const boss = authenticateBasic('boss', 'password', { authorization: undefined, uri: '/', metadata, bootstrapPassword: undefined, fileServiceTokens: new Map(), now: 0 })!;

function runAs(target: string): Subject {
  const outcome = applyRunAs(boss, target, { uri: '/_cluster/health', metadata });
  if (!outcome.ok) throw outcome.error;
  return outcome.subject;
}

function auditedGuard(subject: Subject): Array<{ action: string; fields: Record<string, unknown> }> {
  const events: Array<{ action: string; fields: Record<string, unknown> }> = [];
  const context = {
    subject,
    params: {},
    request: { method: 'GET', uri: '/_cluster/health', path: '/_cluster/health', query: new URLSearchParams(), headers: {}, body: Buffer.alloc(0), remoteAddress: '127.0.0.1', remotePort: 1 },
    node: { audit: { record: (_type: string, action: string, fields: Record<string, unknown>) => events.push({ action, fields }) } },
  } as unknown as RouteContext;
  try {
    guardCluster(context, 'cluster:monitor/health');
  } catch {
    // the events are what this test reads
  }
  return events;
}

describe('run-as audit events (LoggingAuditTrail.runAsGranted / runAsDenied)', () => {
  it('a granted run-as records run_as_granted (caller as user, target as run_as), then access_granted with run_by', () => {
    const [granted, access] = auditedGuard(runAs('analyst'));
    expect(granted).toMatchObject({
      action: 'run_as_granted',
      fields: { 'user.name': 'boss', 'user.realm': 'default_native', 'user.run_as.name': 'analyst', 'user.run_as.realm': 'default_native', action: 'cluster:monitor/health' },
    });
    expect(access).toMatchObject({ action: 'access_granted', fields: { 'user.name': 'analyst', 'user.run_by.name': 'boss', 'user.run_by.realm': 'default_native' } });
  });

  it('a refused run-as records run_as_denied and nothing else', () => {
    const events = auditedGuard(runAs('outsider'));
    expect(events.map((event) => event.action)).toEqual(['run_as_denied']);
    expect(events[0]!.fields).toMatchObject({ 'user.name': 'boss', 'user.run_as.name': 'outsider' });
  });

  it('an empty name is refused while authenticating, audited as run_as_denied', () => {
    const outcome = applyRunAs(boss, '', { uri: '/_cluster/health', metadata });
    expect(outcome).toMatchObject({ ok: false, audit: 'run_as_denied', error: { status: 401 } });
  });
});
