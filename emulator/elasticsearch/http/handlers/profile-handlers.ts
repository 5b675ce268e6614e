import { createHash } from 'node:crypto';
import type { Route, RouteContext } from '../rest-request.js';
import { jsonBody, ok } from '../rest-request.js';
import { guardCluster } from '../guard.js';
import { ElasticsearchError, validationFailed } from '../rest-errors.js';
import { authenticate, authenticationError, type Subject } from '../../security/authentication.js';
import { resolveRoles } from '../../security/authentication.js';
import { rolesHaveClusterPrivilege, rolesHaveIndexPrivilege } from '../../security/privileges.js';
import { profileNotFound, profileView } from '../../security/profile-commands.js';
import type { StoredProfile } from '../../cluster/cluster-state.js';

/**
 * User profiles (rest-api-spec security.activate_user_profile, get_user_profile, update_user_profile_data,
 * enable_user_profile, disable_user_profile, suggest_user_profiles, has_privileges_user_profile), kept in the
 * replicated state like ES's .security-profile index.
 */
const WRITE_TIMEOUT = 30000;

/** ProfileService: `u_` + url-safe base64 of SHA-256 over the username and realm (or domain), then a differentiator. */
export function profileUid(username: string, realmName: string): string {
  return `u_${createHash('sha256').update(`${username}\0${realmName}`).digest('base64url')}_0`;
}

function grantedSubject(context: RouteContext, body: Record<string, unknown>): Subject {
  const grantType = body.grant_type;
  // Grant.validate (x-pack core security/action/Grant.java)
  if (grantType !== 'password' && grantType !== 'access_token') {
    throw validationFailed(grantType === undefined ? '[grant_type] is required' : `grant_type [${String(grantType)}] is not supported`);
  }
  let authorization: string;
  if (grantType === 'password') {
    const problems: string[] = [];
    if (typeof body.username !== 'string') problems.push('[username] is required for grant_type [password]');
    if (typeof body.password !== 'string') problems.push('[password] is required for grant_type [password]');
    if (body.access_token !== undefined) problems.push('[access_token] is not supported for grant_type [password]');
    if (problems.length > 0) throw validationFailed(...problems);
    authorization = 'Basic ' + Buffer.from(`${body.username}:${body.password}`).toString('base64');
  } else {
    const problems: string[] = [];
    if (typeof body.access_token !== 'string') problems.push('[access_token] is required for grant_type [access_token]');
    if (body.username !== undefined) problems.push('[username] is not supported for grant_type [access_token]');
    if (body.password !== undefined) problems.push('[password] is not supported for grant_type [access_token]');
    if (problems.length > 0) throw validationFailed(...problems);
    authorization = `Bearer ${body.access_token}`;
  }
  const { node } = context;
  const outcome = authenticate({
    authorization,
    uri: context.request.uri,
    metadata: node.metadata(),
    bootstrapPassword: node.config.bootstrapPassword,
    fileServiceTokens: node.fileServiceTokens(),
    now: node.now(),
  });
  if (!outcome.ok) throw authenticationError('unable to authenticate with provided credentials and anonymous access is not allowed for this request');
  return outcome.subject;
}

async function activateProfile(context: RouteContext) {
  const body = jsonBody<Record<string, unknown>>(context.request, true)!;
  guardCluster(context, 'cluster:admin/xpack/security/profile/activate');
  const subject = grantedSubject(context, body);
  // ProfileService.activateProfile: only users from realms own a profile.
  if (subject.kind !== 'user') {
    throw new ElasticsearchError(400, 'illegal_argument_exception', `profile is supported for user only, but subject is a [${subject.kind === 'api_key' ? 'API_KEY' : 'SERVICE_ACCOUNT'}]`);
  }
  const profile: StoredProfile = {
    uid: profileUid(subject.username, subject.realm.name),
    enabled: true,
    lastSynchronized: context.node.now(),
    user: { username: subject.username, roles: subject.assignedRoles, realm_name: subject.realm.name, email: subject.email, full_name: subject.fullName },
    labels: {},
    data: {},
  };
  return context.node.submit({ kind: 'activate_profile', profile }, WRITE_TIMEOUT);
}

/** The `data` parameter: keys (with `*`) whose application data is returned; none means no data. */
function selectData(data: Record<string, unknown>, keys: string | null): Record<string, unknown> {
  if (!keys) return {};
  const wanted = keys.split(',').map((key) => key.trim());
  if (wanted.includes('*')) return data;
  return Object.fromEntries(Object.entries(data).filter(([key]) => wanted.some((want) => want === key || (want.endsWith('*') && key.startsWith(want.slice(0, -1))))));
}

function getProfiles(context: RouteContext) {
  guardCluster(context, 'cluster:admin/xpack/security/profile/get');
  const profiles = context.node.metadata().profiles ?? {};
  const uids = context.params.uid!.split(',');
  const dataKeys = context.request.query.get('data');
  const found = uids.filter((uid) => profiles[uid]).map((uid) => profileView(profiles[uid]!, selectData(profiles[uid]!.data, dataKeys)));
  const missing = uids.filter((uid) => !profiles[uid]);
  const body: Record<string, unknown> = { profiles: found };
  if (missing.length > 0) {
    body.errors = { count: missing.length, details: Object.fromEntries(missing.map((uid) => [uid, { type: 'resource_not_found_exception', reason: profileNotFound(uid).reason }])) };
  }
  return ok(body);
}

async function updateProfileData(context: RouteContext) {
  const body = jsonBody<{ labels?: Record<string, unknown>; data?: Record<string, unknown> }>(context.request, true)!;
  // UpdateProfileDataRequest.validate
  const labels = body.labels ?? {};
  const data = body.data ?? {};
  if (Object.keys(labels).length === 0 && Object.keys(data).length === 0) throw validationFailed('update request is empty');
  const keys = [...Object.keys(labels), ...Object.keys(data)];
  const reserved = keys.filter((key) => key.startsWith('_'));
  if (reserved.length > 0) throw validationFailed(`application name must not start with underscore`);
  guardCluster(context, 'cluster:admin/xpack/security/profile/put/data');
  return context.node.submit({ kind: 'update_profile_data', uid: context.params.uid!, labels, data }, WRITE_TIMEOUT);
}

function setProfileEnabled(enabled: boolean) {
  return async (context: RouteContext) => {
    guardCluster(context, 'cluster:admin/xpack/security/profile/set_enabled');
    return context.node.submit({ kind: 'set_profile_enabled', uid: context.params.uid!, enabled }, WRITE_TIMEOUT);
  };
}

/** SuggestProfilesRequest: `name` matches the start of a word of username, full name or email; disabled profiles are left out. */
function suggestProfiles(context: RouteContext) {
  const started = Date.now();
  const body = jsonBody<{ name?: string; size?: number; data?: string | string[]; hint?: { uids?: string[] } }>(context.request) ?? {};
  const name = body.name ?? context.request.query.get('name') ?? '';
  const size = Number(body.size ?? context.request.query.get('size') ?? 10);
  if (size < 0) throw validationFailed('[size] parameter cannot be negative but was [' + size + ']');
  guardCluster(context, 'cluster:admin/xpack/security/profile/suggest');
  const dataKeys = Array.isArray(body.data) ? body.data.join(',') : (body.data ?? context.request.query.get('data'));
  const needle = name.toLowerCase();
  const words = (profile: StoredProfile) => [profile.user.username, profile.user.full_name ?? '', profile.user.email ?? ''].flatMap((text) => [text, ...text.split(/[\s@._-]+/)]).map((word) => word.toLowerCase());
  const hinted = new Set(body.hint?.uids ?? []);
  const candidates = Object.values(context.node.metadata().profiles ?? {})
    .filter((profile) => profile.enabled && (!needle || words(profile).some((word) => word.startsWith(needle))))
    .sort((left, right) => Number(hinted.has(right.uid)) - Number(hinted.has(left.uid)) || left.user.username.localeCompare(right.user.username));
  return ok({
    took: Date.now() - started,
    timed_out: false,
    total: { value: candidates.length, relation: 'eq' },
    profiles: candidates.slice(0, size).map((profile) => ({ uid: profile.uid, user: profile.user, labels: profile.labels, data: selectData(profile.data, dataKeys) })),
  });
}

/** ProfileHasPrivilegesRequest: the profiles' users, resolved from their stored roles, checked against the privileges. */
function profileHasPrivileges(context: RouteContext) {
  const body = jsonBody<{ uids?: string[]; privileges?: { cluster?: string[]; index?: Array<{ names: string[] | string; privileges: string[] }>; application?: unknown[] } }>(context.request, true)!;
  const problems: string[] = [];
  if (!Array.isArray(body.uids)) problems.push('profile uids must be provided');
  else if (body.uids.length === 0) problems.push('profile uids list must not be empty');
  const privileges = body.privileges;
  if (!privileges || ((privileges.cluster ?? []).length === 0 && (privileges.index ?? []).length === 0 && (privileges.application ?? []).length === 0)) {
    problems.push('must specify at least one privilege');
  }
  if (problems.length > 0) throw validationFailed(...problems);
  guardCluster(context, 'cluster:admin/xpack/security/profile/has_privileges');
  const metadata = context.node.metadata();
  const profiles = metadata.profiles ?? {};
  const holders: string[] = [];
  const missing: string[] = [];
  for (const uid of body.uids!) {
    const profile = profiles[uid];
    if (!profile) {
      missing.push(uid);
      continue;
    }
    const roles = resolveRoles(profile.user.roles, metadata).descriptors;
    const clusterOk = (privileges!.cluster ?? []).every((privilege) => rolesHaveClusterPrivilege(roles, privilege));
    const indexOk = (privileges!.index ?? []).every((entry) =>
      (typeof entry.names === 'string' ? [entry.names] : entry.names).every((name) => entry.privileges.every((privilege) => rolesHaveIndexPrivilege(roles, name, privilege))),
    );
    if (clusterOk && indexOk && (privileges!.application ?? []).length === 0) holders.push(uid);
  }
  const response: Record<string, unknown> = { has_privilege_uids: holders };
  if (missing.length > 0) {
    response.errors = { count: missing.length, details: Object.fromEntries(missing.map((uid) => [uid, { type: 'resource_not_found_exception', reason: profileNotFound(uid).reason }])) };
  }
  return ok(response);
}

export const profileRoutes: Route[] = [
  { methods: ['POST'], pattern: '/_security/profile/_activate', handler: activateProfile },
  { methods: ['GET', 'POST'], pattern: '/_security/profile/_suggest', handler: suggestProfiles },
  { methods: ['GET', 'POST'], pattern: '/_security/profile/_has_privileges', handler: profileHasPrivileges },
  { methods: ['GET'], pattern: '/_security/profile/{uid}', handler: getProfiles },
  { methods: ['PUT', 'POST'], pattern: '/_security/profile/{uid}/_data', handler: updateProfileData },
  { methods: ['PUT', 'POST'], pattern: '/_security/profile/{uid}/_enable', handler: setProfileEnabled(true) },
  { methods: ['PUT', 'POST'], pattern: '/_security/profile/{uid}/_disable', handler: setProfileEnabled(false) },
];
