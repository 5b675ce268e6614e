import { ElasticsearchError } from '../http/rest-errors.js';
import { authenticationError, type Subject } from './authentication.js';
import { assertRunAsGranted, authenticatedUserText, rolesText } from './run-as.js';
import {
  INDEX_ACTION_GRANTED_BY,
  clusterPrivilegesThatGrant,
  SELF_ACTIONS,
  isRestrictedIndex,
  matchesPattern,
  rolesGrantClusterAction,
  rolesGrantIndexAction,
  type ClusterRequestContext,
  type IndexRequestContext,
} from './privileges.js';

/**
 * "user [x] with effective roles [a,b]" etc. — ES AuthorizationDenialMessages.successfulAuthenticationDescription
 * (research §1.4); under run-as, `user [caller] run as [target] with effective roles [target's roles]`.
 */
export function describeSubject(subject: Subject): string {
  const userText = subject.runBy ? `${authenticatedUserText(subject.runBy.subject)} run as [${subject.username}]` : authenticatedUserText(subject);
  return userText + rolesText(subject);
}

export function accessDenied(subject: Subject, action: string, kind: 'cluster' | 'index', indices?: string[], requestContext: ClusterRequestContext = {}): ElasticsearchError {
  // AuthorizationService.denialException: the anonymous user with authz_exception false is asked to authenticate.
  if (subject.authenticationType === 'anonymous' && subject.anonymousAuthzException === false) return authenticationError(`action [${action}] requires authentication`);
  const grantedBy = kind === 'index' ? (INDEX_ACTION_GRANTED_BY[action] ?? ['all']) : clusterPrivilegesThatGrant(action, requestContext);
  let context = '';
  if (indices && indices.length > 0) {
    context = ` on ${indices.some(isRestrictedIndex) ? 'restricted indices' : 'indices'} [${indices.join(',')}]`;
  }
  return new ElasticsearchError(403, 'security_exception', `action [${action}] is unauthorized for ${describeSubject(subject)}${context}, this action is granted by the ${kind} privileges [${grantedBy.join(',')}]`);
}

export function clusterActionAllowed(subject: Subject, action: string, context: ClusterRequestContext = {}): boolean {
  assertRunAsGranted(subject, action);
  if (SELF_ACTIONS.has(action)) return true;
  return subject.roleSets.every((roles) => rolesGrantClusterAction(roles, action, context));
}

export function authorizeClusterAction(subject: Subject, action: string, context: ClusterRequestContext = {}): void {
  if (!clusterActionAllowed(subject, action, context)) throw accessDenied(subject, action, 'cluster', undefined, context);
}

export function indexActionAllowed(subject: Subject, index: string, action: string, context: IndexRequestContext = {}): boolean {
  assertRunAsGranted(subject, action);
  return subject.roleSets.every((roles) => rolesGrantIndexAction(roles, index, action, context));
}

export function authorizeConcreteIndices(subject: Subject, action: string, indices: string[], context: IndexRequestContext = {}): void {
  const denied = indices.filter((index) => !indexActionAllowed(subject, index, action, context));
  if (denied.length > 0) throw accessDenied(subject, action, 'index', denied);
}

export interface ResolvedIndices {
  /** Existing indices the subject may act on. */
  authorized: string[];
  /** Concrete names that exist or not but are authorized (for 404 handling by the caller). */
  concrete: string[];
}

/**
 * Index expressions as ES resolves them for security: wildcards expand to existing indices and silently
 * drop the unauthorized ones; a concrete unauthorized name fails the whole request with 403 (even if missing).
 * Wildcards that don't start with `.` don't match hidden/dot indices (expand_wildcards=open).
 */
export function resolveIndexExpressions(subject: Subject, action: string, expressions: string[], existing: string[]): ResolvedIndices {
  assertRunAsGranted(subject, action);
  const list = expressions.length === 0 || (expressions.length === 1 && (expressions[0] === '_all' || expressions[0] === '')) ? ['*'] : expressions;
  const authorized = new Set<string>();
  const concrete: string[] = [];
  const deniedConcrete: string[] = [];
  for (const expression of list) {
    if (expression.includes('*')) {
      for (const name of existing) {
        if (name.startsWith('.') && !expression.startsWith('.')) continue;
        if (matchesPattern(expression, name) && indexActionAllowed(subject, name, action)) authorized.add(name);
      }
    } else if (indexActionAllowed(subject, expression, action)) {
      concrete.push(expression);
      if (existing.includes(expression)) authorized.add(expression);
    } else deniedConcrete.push(expression);
  }
  if (deniedConcrete.length > 0) throw accessDenied(subject, action, 'index', deniedConcrete);
  return { authorized: [...authorized].sort(), concrete };
}
