import type { RouteContext } from './rest-request.js';
import type { Subject } from '../security/authentication.js';
import {
  accessDenied,
  clusterActionAllowed,
  indexActionAllowed,
  resolveIndexExpressions,
  type ResolvedIndices,
} from '../security/authorization.js';
import type { ClusterRequestContext, IndexRequestContext } from '../security/privileges.js';
import { ElasticsearchError } from './rest-errors.js';

/** Authorization plus its audit events (access_granted / access_denied), as ES's AuthorizationService does both. */
export function auditSubjectFields(subject: Subject): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    'user.name': subject.username,
    'user.realm': subject.realm.name,
    'authentication.type': subject.authenticationType.toUpperCase(),
  };
  if (subject.kind === 'user') fields['user.roles'] = subject.assignedRoles;
  if (subject.apiKey) Object.assign(fields, { 'apikey.id': subject.apiKey.id, 'apikey.name': subject.apiKey.name });
  if (subject.token) Object.assign(fields, { 'authentication.token.name': subject.token.name, 'authentication.token.type': subject.token.type });
  return fields;
}

function record(context: RouteContext, action: 'access_granted' | 'access_denied', actionName: string, indices?: string[]): void {
  const { request, subject, node } = context;
  node.audit.record('transport', action, {
    ...auditSubjectFields(subject),
    'origin.type': 'rest',
    'origin.address': `${request.remoteAddress}:${request.remotePort}`,
    action: actionName,
    'request.method': request.method,
    'url.path': request.path,
    ...(indices ? { indices } : {}),
  });
}

export function guardCluster(context: RouteContext, action: string, requestContext: ClusterRequestContext = {}): void {
  if (!clusterActionAllowed(context.subject, action, requestContext)) {
    record(context, 'access_denied', action);
    throw accessDenied(context.subject, action, 'cluster', undefined, requestContext);
  }
  record(context, 'access_granted', action);
}

export function guardIndices(context: RouteContext, action: string, indices: string[], requestContext: IndexRequestContext = {}): void {
  const denied = indices.filter((index) => !indexActionAllowed(context.subject, index, action, requestContext));
  if (denied.length > 0) {
    record(context, 'access_denied', action, denied);
    throw accessDenied(context.subject, action, 'index', denied);
  }
  record(context, 'access_granted', action, indices);
}

export function guardIndexExpressions(context: RouteContext, action: string, expressions: string[]): ResolvedIndices {
  try {
    const resolved = resolveIndexExpressions(context.subject, action, expressions, Object.keys(context.node.metadata().indices));
    record(context, 'access_granted', action, resolved.authorized);
    return resolved;
  } catch (error) {
    if (error instanceof ElasticsearchError && error.status === 403) record(context, 'access_denied', action, expressions);
    throw error;
  }
}
