import type { ClusterMetadata } from '../cluster/cluster-state.js';
import type { AnonymousAccess } from '../config/node-config.js';
import { ElasticsearchError } from '../http/rest-errors.js';
import { authenticationError, userSubject, withAnonymousRoles, type Subject } from './authentication.js';
import { RESERVED_USERS } from './builtin-roles.js';
import { matchesPattern } from './privileges.js';

/** AuthenticationServiceField.RUN_AS_USER_HEADER. */
export const RUN_AS_USER_HEADER = 'es-security-runas-user';

export type RunAsOutcome =
  | { ok: true; subject: Subject }
  /** Refused while authenticating; `audit` is the event ES records for it. */
  | { ok: false; error: ElasticsearchError; audit: 'run_as_denied' | 'authentication_failed'; fields: Record<string, unknown> };

interface RunAsInputs {
  uri: string;
  metadata: ClusterMetadata;
  anonymous?: AnonymousAccess;
}

/**
 * Authentication.supportsRunAs: realm, API key and token authentications may run as; service accounts and the
 * anonymous user may not, and for them AuthenticatorChain.maybeLookupRunAsUser ignores the header.
 */
function supportsRunAs(subject: Subject): boolean {
  return subject.kind !== 'service_account' && subject.authenticationType !== 'anonymous' && !subject.runBy;
}

/** The principal of the caller's credentials, as DefaultAuthenticationFailureHandler.failedAuthentication quotes it. */
function tokenPrincipal(subject: Subject): string {
  if (subject.kind === 'api_key') return subject.apiKey!.id;
  if (subject.authenticationType === 'token') return '_bearer_token';
  return subject.username;
}

/** Role.checkRunAs over every role set (an API key is limited by its owner's roles). */
function mayRunAs(caller: Subject, username: string): boolean {
  return caller.roleSets.every((roles) => roles.some((role) => role.run_as.some((pattern) => matchesPattern(pattern, username))));
}

/** RealmsAuthenticator.lookupRunAsUser over the realms here: reserved, then native. Disabled users are found too. */
function lookUpUser(username: string, metadata: ClusterMetadata): { subject: Subject; enabled: boolean } | undefined {
  const reserved = RESERVED_USERS[username];
  if (reserved) {
    const userMetadata: Record<string, unknown> = { _reserved: true };
    if (reserved.deprecated) Object.assign(userMetadata, { _deprecated: true, _deprecated_reason: reserved.deprecated });
    const subject = userSubject(username, reserved.roles, { full_name: null, email: null, metadata: userMetadata }, { name: 'reserved', type: 'reserved' }, metadata);
    return { subject, enabled: metadata.reservedUsers[username]?.enabled ?? true };
  }
  const stored = metadata.users[username];
  if (!stored) return undefined;
  return { subject: userSubject(username, stored.roles, stored, { name: 'default_native', type: 'native' }, metadata), enabled: stored.enabled };
}

/**
 * AuthenticatorChain.maybeLookupRunAsUser / RealmsAuthenticator.lookupRunAsUser / finishAuthentication: with the
 * header, the authenticated caller becomes the "run by" of the looked-up user. An empty name is refused at once
 * (audited run_as_denied, answered as a failed authentication); a disabled user fails authentication; an unknown
 * user is still carried on, to be refused by authorization like a user outside the caller's `run_as`
 * (AuthorizationService.authorizeRunAs), so that the answer does not tell which users exist.
 */
export function applyRunAs(caller: Subject, header: string | string[] | undefined, inputs: RunAsInputs): RunAsOutcome {
  if (header === undefined || !supportsRunAs(caller)) return { ok: true, subject: caller };
  const username = Array.isArray(header) ? header.join(',') : header;
  const failed = () => authenticationError(`unable to authenticate user [${tokenPrincipal(caller)}] for REST request [${inputs.uri}]`);
  if (username.length === 0) {
    return { ok: false, error: failed(), audit: 'run_as_denied', fields: { 'user.name': caller.username, 'user.realm': caller.realm.name } };
  }
  const found = lookUpUser(username, inputs.metadata);
  if (found && !found.enabled) {
    return { ok: false, error: failed(), audit: 'authentication_failed', fields: { 'user.name': tokenPrincipal(caller) } };
  }
  const runBy = { subject: caller, granted: found !== undefined && mayRunAs(caller, username) };
  if (!found) {
    const unknown = userSubject(username, [], { full_name: null, email: null, metadata: {} }, { name: '', type: '' }, inputs.metadata);
    return { ok: true, subject: { ...unknown, authenticationType: caller.authenticationType, roleSets: [[]], runBy } };
  }
  const target = withAnonymousRoles(found.subject, inputs);
  return { ok: true, subject: { ...target, authenticationType: caller.authenticationType, runBy } };
}

/** `user [u]` or `API key id [k] of user [u]`: AuthorizationDenialMessages.authenticatedUserDescription. */
export function authenticatedUserText(subject: Subject): string {
  if (subject.kind === 'service_account') return `service account [${subject.username}]`;
  if (subject.kind === 'api_key') return `API key id [${subject.apiKey!.id}] of user [${subject.username}]`;
  return `user [${subject.username}]`;
}

/** `user [u] with effective roles [r]`, ` (assigned roles [x] were not found)`: AuthorizationDenialMessages.rolesDescription. */
export function rolesText(subject: Subject): string {
  if (subject.kind !== 'user') return '';
  const roles = ` with effective roles [${[...subject.effectiveRoles].sort().join(',')}]`;
  return subject.missingRoles.length > 0 ? `${roles} (assigned roles [${[...subject.missingRoles].sort().join(',')}] were not found)` : roles;
}

/**
 * AuthorizationDenialMessages.runAsDenied:
 * `action [a] is unauthorized for user [c] with effective roles [r], because user [c] is unauthorized to run as [t]`.
 */
export function runAsDenied(subject: Subject, action: string): ElasticsearchError {
  const caller = subject.runBy!.subject;
  const userText = authenticatedUserText(caller);
  return new ElasticsearchError(403, 'security_exception', `action [${action}] is unauthorized for ${userText}${rolesText(caller)}, because ${userText} is unauthorized to run as [${subject.username}]`);
}

/** AuthorizationService.maybeAuthorizeRunAs runs before every action is authorized; a refused run-as fails it. */
export function assertRunAsGranted(subject: Subject, action: string): void {
  if (subject.runBy && !subject.runBy.granted) throw runAsDenied(subject, action);
}
