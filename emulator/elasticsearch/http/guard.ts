import type { RouteContext } from './rest-request.js';
import type { Subject } from '../security/authentication.js';
import { accessDenied, clusterActionAllowed, indexActionAllowed, resolveIndexExpressions, type ResolvedIndices } from '../security/authorization.js';
import type { ClusterRequestContext, IndexRequestContext } from '../security/privileges.js';
import { ElasticsearchError } from './rest-errors.js';
import { runAsDenied } from '../security/run-as.js';

/** Authorization plus its audit events (access_granted / access_denied), as ES's AuthorizationService does both. */
export function auditSubjectFields(subject: Subject): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    'user.name': subject.username,
    'user.realm': subject.realm.name,
    'authentication.type': subject.authenticationType.toUpperCase(),
  };
  // LoggingAuditTrail.addAuthenticationFieldsToLogEntry: under run-as, the caller is `run_by`.
  if (subject.runBy) Object.assign(fields, { 'user.run_by.name': subject.runBy.subject.username, 'user.run_by.realm': subject.runBy.subject.realm.name });
  if (subject.kind === 'user') fields['user.roles'] = subject.assignedRoles;
  if (subject.apiKey) Object.assign(fields, { 'apikey.id': subject.apiKey.id, 'apikey.name': subject.apiKey.name });
  if (subject.token) Object.assign(fields, { 'authentication.token.name': subject.token.name, 'authentication.token.type': subject.token.type });
  return fields;
}

/** LoggingAuditTrail.withRunAsSubject: the caller is the user, the target is `run_as` (its realm when one found it). */
function runAsSubjectFields(subject: Subject): Record<string, unknown> {
  const caller = subject.runBy!.subject;
  return {
    'user.name': caller.username,
    'user.realm': caller.realm.name,
    'user.run_as.name': subject.username,
    'user.run_as.realm': subject.realm.name,
    'authentication.type': caller.authenticationType.toUpperCase(),
    ...(caller.kind === 'user' ? { 'user.roles': caller.assignedRoles } : {}),
  };
}

type AuditedOutcome = 'access_granted' | 'access_denied' | 'run_as_granted' | 'run_as_denied';

function record(context: RouteContext, action: AuditedOutcome, actionName: string, indices?: string[]): void {
  const { request, subject, node } = context;
  node.audit.record('transport', action, {
    ...(action.startsWith('run_as') ? runAsSubjectFields(subject) : auditSubjectFields(subject)),
    'origin.type': 'rest',
    'origin.address': `${request.remoteAddress}:${request.remotePort}`,
    action: actionName,
    'request.method': request.method,
    'url.path': request.path,
    ...(indices ? { indices } : {}),
  });
}

/**
 * AuthorizationService.maybeAuthorizeRunAs: before an action is authorized for a run-as user, the caller's
 * `run_as` is checked (audited run_as_granted / run_as_denied). Also for actions any user may perform.
 */
export function guardRunAs(context: RouteContext, action: string, indices?: string[]): void {
  const { subject } = context;
  if (!subject.runBy) return;
  if (!subject.runBy.granted) {
    record(context, 'run_as_denied', action, indices);
    throw runAsDenied(subject, action);
  }
  record(context, 'run_as_granted', action, indices);
}

export function guardCluster(context: RouteContext, action: string, requestContext: ClusterRequestContext = {}): void {
  guardRunAs(context, action);
  if (!clusterActionAllowed(context.subject, action, requestContext)) {
    record(context, 'access_denied', action);
    throw accessDenied(context.subject, action, 'cluster', undefined, requestContext);
  }
  record(context, 'access_granted', action);
}

export function guardIndices(context: RouteContext, action: string, indices: string[], requestContext: IndexRequestContext = {}): void {
  guardRunAs(context, action, indices);
  const denied = indices.filter((index) => !indexActionAllowed(context.subject, index, action, requestContext));
  if (denied.length > 0) {
    record(context, 'access_denied', action, denied);
    throw accessDenied(context.subject, action, 'index', denied);
  }
  record(context, 'access_granted', action, indices);
}

export function guardIndexExpressions(context: RouteContext, action: string, expressions: string[]): ResolvedIndices {
  guardRunAs(context, action, expressions);
  try {
    const resolved = resolveIndexExpressions(context.subject, action, expressions, Object.keys(context.node.metadata().indices));
    record(context, 'access_granted', action, resolved.authorized);
    return resolved;
  } catch (error) {
    if (error instanceof ElasticsearchError && error.status === 403) record(context, 'access_denied', action, expressions);
    throw error;
  }
}
