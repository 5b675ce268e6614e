import { timingSafeEqual } from 'node:crypto';
import type { ClusterMetadata, RoleDescriptor } from '../cluster/cluster-state.js';
import type { AnonymousAccess } from '../config/node-config.js';
import { ElasticsearchError } from '../http/rest-errors.js';
import { RESERVED_USERS, builtinRole } from './builtin-roles.js';
import { SERVICE_ACCOUNTS } from './elastic-service-accounts.js';
import { verifySecret } from './passwords.js';
import { decodeServiceToken } from './service-tokens.js';
import { hashToken } from './token-commands.js';

export interface Realm {
  name: string;
  type: string;
}

/** Who made a request, and the role sets that must all grant an action (API keys: key roles ∩ owner roles). */
export interface Subject {
  kind: 'user' | 'api_key' | 'service_account';
  username: string;
  assignedRoles: string[];
  effectiveRoles: string[];
  missingRoles: string[];
  fullName: string | null;
  email: string | null;
  metadata: Record<string, unknown>;
  realm: Realm;
  authenticationType: 'realm' | 'api_key' | 'token' | 'anonymous';
  /** Only for the anonymous user: whether a denied request gets 403 (authz_exception) or 401. */
  anonymousAuthzException?: boolean;
  apiKey?: { id: string; name: string };
  token?: { type: string; name: string };
  roleSets: RoleDescriptor[][];
  /**
   * Set when this subject is a run-as target (`es-security-runas-user`): who authenticated, and whether their
   * roles' `run_as` covers this user (false too when no realm knows the user). See security/run-as.ts.
   */
  runBy?: { subject: Subject; granted: boolean };
}

export const WWW_AUTHENTICATE = ['Basic realm="security", charset="UTF-8"', 'Bearer realm="security"', 'ApiKey'];

/** 401 body per research §1.3 (DefaultAuthenticationFailureHandler), with the three challenges. */
export function authenticationError(reason: string): ElasticsearchError {
  return new ElasticsearchError(401, 'security_exception', reason, { header: { 'WWW-Authenticate': WWW_AUTHENTICATE } }, { 'WWW-Authenticate': WWW_AUTHENTICATE });
}

export interface AuthenticationInputs {
  authorization: string | undefined;
  uri: string;
  metadata: ClusterMetadata;
  bootstrapPassword: string | undefined;
  fileServiceTokens: Map<string, string>;
  now: number;
  /** `xpack.security.authc.anonymous.*` when anonymous access is on. */
  anonymous?: AnonymousAccess;
}

export type AuthenticationOutcome = { ok: true; subject: Subject } | { ok: false; error: ElasticsearchError; attemptedUser?: string; attemptedApiKeyId?: string };

export function resolveRoles(names: string[], metadata: ClusterMetadata): { descriptors: RoleDescriptor[]; found: string[]; missing: string[] } {
  const descriptors: RoleDescriptor[] = [];
  const found: string[] = [];
  const missing: string[] = [];
  for (const name of names) {
    const descriptor = builtinRole(name) ?? metadata.roles[name];
    if (descriptor) {
      descriptors.push(descriptor);
      found.push(name);
    } else missing.push(name);
  }
  return { descriptors, found, missing };
}

function safeEquals(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function userSubject(username: string, roles: string[], details: { full_name: string | null; email: string | null; metadata: Record<string, unknown> }, realm: Realm, metadata: ClusterMetadata): Subject {
  const resolved = resolveRoles(roles, metadata);
  return {
    kind: 'user',
    username,
    assignedRoles: roles,
    effectiveRoles: resolved.found,
    missingRoles: resolved.missing,
    fullName: details.full_name,
    email: details.email,
    metadata: details.metadata,
    realm,
    authenticationType: 'realm',
    roleSets: [resolved.descriptors],
  };
}

/**
 * AuthenticatorChain.handleNullToken: with anonymous access on, a request that carries no credentials is
 * authenticated as the anonymous user, realm `__anonymous`, authentication type ANONYMOUS. AnonymousUser is a
 * ReservedUser, hence `_reserved: true` in its metadata.
 */
function anonymousSubject(anonymous: AnonymousAccess, metadata: ClusterMetadata): Subject {
  return {
    ...userSubject(anonymous.username, anonymous.roles, { full_name: null, email: null, metadata: { _reserved: true } }, { name: '__anonymous', type: '__anonymous' }, metadata),
    authenticationType: 'anonymous',
    anonymousAuthzException: anonymous.authzException,
  };
}

/**
 * Authentication.maybeAddAnonymousRoles / Subject.buildRoleReferencesForUser: with anonymous access on, every user
 * authenticated by a realm also holds the anonymous roles (API keys and service accounts do not).
 */
export function withAnonymousRoles(subject: Subject, inputs: Pick<AuthenticationInputs, 'anonymous' | 'metadata'>): Subject {
  const anonymous = inputs.anonymous;
  if (!anonymous || subject.kind !== 'user' || subject.username === anonymous.username) return subject;
  const roles = [...subject.assignedRoles, ...anonymous.roles.filter((role) => !subject.assignedRoles.includes(role))];
  return { ...userSubject(subject.username, roles, { full_name: subject.fullName, email: subject.email, metadata: subject.metadata }, subject.realm, inputs.metadata) };
}

export function authenticateBasic(username: string, password: string, inputs: AuthenticationInputs): Subject | undefined {
  const { metadata } = inputs;
  const reserved = RESERVED_USERS[username];
  if (reserved) {
    const state = metadata.reservedUsers[username] ?? { enabled: true };
    if (!state.enabled) return undefined;
    const ok = state.passwordHash ? verifySecret(password, state.passwordHash) : username === 'elastic' && inputs.bootstrapPassword !== undefined && safeEquals(password, inputs.bootstrapPassword);
    if (!ok) return undefined;
    const userMetadata: Record<string, unknown> = { _reserved: true };
    if (reserved.deprecated) Object.assign(userMetadata, { _deprecated: true, _deprecated_reason: reserved.deprecated });
    return userSubject(username, reserved.roles, { full_name: null, email: null, metadata: userMetadata }, { name: 'reserved', type: 'reserved' }, metadata);
  }
  const user = metadata.users[username];
  if (!user || !user.enabled || !verifySecret(password, user.passwordHash)) return undefined;
  return userSubject(username, user.roles, user, { name: 'default_native', type: 'native' }, metadata);
}

function authenticateApiKey(credential: string, inputs: AuthenticationInputs): Subject | undefined {
  const decoded = Buffer.from(credential, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return undefined;
  const id = decoded.slice(0, colon);
  const key = inputs.metadata.apiKeys[id];
  if (!key || key.invalidated || (key.expiration !== undefined && key.expiration <= inputs.now)) return undefined;
  if (!verifySecret(decoded.slice(colon + 1), key.keyHash)) return undefined;
  const keyRoles = Object.values(key.role_descriptors);
  const ownerRoles = Object.values(key.limited_by);
  return {
    kind: 'api_key',
    username: key.username,
    assignedRoles: [],
    effectiveRoles: [],
    missingRoles: [],
    fullName: null,
    email: null,
    metadata: {},
    realm: { name: '_es_api_key', type: '_es_api_key' },
    authenticationType: 'api_key',
    apiKey: { id: key.id, name: key.name },
    // An API key without role descriptors gets a snapshot of its owner's permissions.
    roleSets: keyRoles.length > 0 ? [keyRoles, ownerRoles] : [ownerRoles],
  };
}

/** ServiceAccountService.MIN_TOKEN_SECRET_LENGTH: a shorter secret is refused before any store is asked. */
const MIN_SERVICE_TOKEN_SECRET_LENGTH = 10;

/**
 * ServiceAccountService.authenticateToken: a bearer string that parses as a service account token is this
 * authenticator's to settle. Another namespace, an unknown account, a short secret, a token no store holds (never
 * created, or deleted) or a wrong secret all fail with createAuthenticationException's 401.
 */
function authenticateServiceToken(value: string, inputs: AuthenticationInputs): AuthenticationOutcome | undefined {
  const token = decodeServiceToken(value);
  if (!token) return undefined;
  const accountId = `${token.namespace}/${token.service}`;
  const failed = (): AuthenticationOutcome => ({ ok: false, error: authenticationError(`failed to authenticate service account [${accountId}] with token name [${token.name}]`) });
  const descriptor = SERVICE_ACCOUNTS[accountId];
  if (!descriptor || token.secret.length < MIN_SERVICE_TOKEN_SECRET_LENGTH) return failed();
  const tokenId = `${accountId}/${token.name}`;
  const indexToken = inputs.metadata.serviceTokens[tokenId];
  let source: string | undefined;
  if (verifySecret(token.secret, inputs.fileServiceTokens.get(tokenId))) source = '_service_account_file';
  else if (indexToken && verifySecret(token.secret, indexToken.secretHash)) source = '_service_account_index';
  if (!source) return failed();
  return {
    ok: true,
    subject: {
      kind: 'service_account',
      username: accountId,
      assignedRoles: [],
      effectiveRoles: [],
      missingRoles: [],
      fullName: `Service account - ${accountId}`,
      email: null,
      metadata: { _elastic_service_account: true },
      realm: { name: '_service_account', type: '_service_account' },
      authenticationType: 'token',
      token: { type: source, name: token.name },
      roleSets: [[descriptor()]],
    },
  };
}

/** TokenService.EXPIRED_TOKEN_WWW_AUTH_VALUE: an expired or invalidated access token is refused with this challenge. */
const EXPIRED_TOKEN_CHALLENGE = 'Bearer realm="security", error="invalid_token", error_description="The access token expired"';

/**
 * OAuth2TokenAuthenticator / TokenService.checkIfTokenIsValid: a known access token authenticates its user (roles
 * resolved now, authentication type TOKEN); an expired or invalidated one fails with `token expired`.
 */
function authenticateAccessToken(value: string, inputs: AuthenticationInputs): AuthenticationOutcome | undefined {
  const hash = hashToken(value);
  const token = Object.values(inputs.metadata.tokens ?? {}).find((candidate) => candidate.accessTokenHash === hash);
  if (!token) return undefined;
  if (token.invalidated || token.expiration <= inputs.now) {
    const error = new ElasticsearchError(401, 'security_exception', 'token expired', { header: { 'WWW-Authenticate': EXPIRED_TOKEN_CHALLENGE } }, { 'WWW-Authenticate': EXPIRED_TOKEN_CHALLENGE });
    return { ok: false, error };
  }
  const { user } = token;
  return { ok: true, subject: { ...userSubject(user.username, user.roles, user, user.realm, inputs.metadata), authenticationType: 'token' } };
}

export function authenticate(inputs: AuthenticationInputs): AuthenticationOutcome {
  const header = inputs.authorization?.trim();
  if (!header) {
    if (inputs.anonymous) return { ok: true, subject: anonymousSubject(inputs.anonymous, inputs.metadata) };
    return { ok: false, error: authenticationError(`missing authentication credentials for REST request [${inputs.uri}]`) };
  }
  const space = header.indexOf(' ');
  const scheme = (space > 0 ? header.slice(0, space) : header).toLowerCase();
  const credential = space > 0 ? header.slice(space + 1).trim() : '';
  const genericFailure = 'unable to authenticate with provided credentials and anonymous access is not allowed for this request';
  if (scheme === 'basic') {
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { ok: false, error: authenticationError('error attempting to authenticate request') };
    const username = decoded.slice(0, colon);
    // Wrong Basic credentials never fall back to anonymous: the realms extracted a token (RealmsAuthenticator).
    const subject = authenticateBasic(username, decoded.slice(colon + 1), inputs);
    if (subject) return { ok: true, subject: withAnonymousRoles(subject, inputs) };
    return { ok: false, error: authenticationError(`unable to authenticate user [${username}] for REST request [${inputs.uri}]`), attemptedUser: username };
  }
  if (scheme === 'apikey') {
    const subject = authenticateApiKey(credential, inputs);
    if (subject) return { ok: true, subject };
    const id = Buffer.from(credential, 'base64').toString('utf8').split(':')[0];
    return { ok: false, error: authenticationError(genericFailure), attemptedApiKeyId: id };
  }
  if (scheme === 'bearer') {
    const serviceTokenOutcome = authenticateServiceToken(credential, inputs);
    if (serviceTokenOutcome) return serviceTokenOutcome;
    const tokenOutcome = authenticateAccessToken(credential, inputs);
    if (tokenOutcome) return tokenOutcome;
    return { ok: false, error: authenticationError(genericFailure) };
  }
  // A scheme no authenticator extracts is a request without credentials; ApiKey and Bearer never fall back
  // (AuthenticatorChain.shouldFallbackToAnonymous).
  if (inputs.anonymous) return { ok: true, subject: anonymousSubject(inputs.anonymous, inputs.metadata) };
  return { ok: false, error: authenticationError(genericFailure) };
}
