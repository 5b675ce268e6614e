import type { Route, RouteContext } from '../rest-request.js';
import { jsonBody, ok, queryFlag } from '../rest-request.js';
import { guardCluster, guardRunAs } from '../guard.js';
import { ElasticsearchError, badRequest, validationFailed } from '../rest-errors.js';
import { hashSecret, randomId } from '../../security/passwords.js';
import { RESERVED_USERS, BUILTIN_ROLES, builtinRole } from '../../security/builtin-roles.js';
import { SERVICE_ACCOUNTS } from '../../security/elastic-service-accounts.js';
import { resolveRoles, type Subject } from '../../security/authentication.js';
import { parseDuration } from '../rest-request.js';
import type { RoleDescriptor, StoredApiKey } from '../../cluster/cluster-state.js';
import { rolesHaveClusterPrivilege, rolesHaveIndexPrivilege } from '../../security/privileges.js';
import { checkChangePasswordBody, checkPutUserBody, checkRoleBody } from '../../security/security-request-bodies.js';
import { checkApplicationPrivileges, rolesGrantApplicationPrivilege, type ApplicationPrivilegesCheck } from '../../security/application-privileges.js';
import { validateRemotePrivileges, validateRoleQueries } from '../../security/role-validation.js';
import { apiKeyInfo } from '../../security/api-key-info.js';

const WRITE_TIMEOUT = 30000;

function authenticateResponse(context: RouteContext) {
  const { subject } = context;
  guardRunAs(context, 'cluster:admin/xpack/security/user/authenticate');
  // Authentication.toXContentFragment: under run-as, authentication_realm is the caller's and lookup_realm the target's.
  const body: Record<string, unknown> = {
    username: subject.username,
    roles: subject.kind === 'user' ? subject.assignedRoles : [],
    full_name: subject.fullName,
    email: subject.email,
    metadata: subject.metadata,
    enabled: true,
    authentication_realm: subject.runBy?.subject.realm ?? subject.realm,
    lookup_realm: subject.realm,
    authentication_type: subject.authenticationType,
  };
  if (subject.apiKey) body.api_key = { id: subject.apiKey.id, name: subject.apiKey.name, managed_by: 'elasticsearch', internal: false };
  if (subject.token) body.token = { type: subject.token.type, name: subject.token.name, managed_by: 'elasticsearch' };
  return ok(body);
}

function validatePassword(password: unknown): string {
  if (typeof password !== 'string' || password.length < 6) throw validationFailed('passwords must be at least [6] characters long');
  return password;
}

async function putUser(context: RouteContext) {
  const username = context.params.username!;
  const body = jsonBody<Record<string, unknown>>(context.request, true)!;
  // RestPutUserAction parses the body (PutUserRequestBuilder.source) before the action is authorized.
  checkPutUserBody(username, body);
  guardCluster(context, 'cluster:admin/xpack/security/user/put');
  let passwordHash: string | undefined;
  if (body.password !== undefined) passwordHash = hashSecret(validatePassword(body.password));
  else if (typeof body.password_hash === 'string') passwordHash = body.password_hash;
  const roles = Array.isArray(body.roles) ? body.roles.map(String) : [];
  return context.node.submit(
    {
      kind: 'put_user',
      username,
      passwordHash,
      user: {
        username,
        roles,
        full_name: (body.full_name as string | undefined) ?? null,
        email: (body.email as string | undefined) ?? null,
        metadata: (body.metadata as Record<string, unknown> | undefined) ?? {},
        enabled: body.enabled === undefined ? true : Boolean(body.enabled),
      },
    },
    WRITE_TIMEOUT,
  );
}

function userView(context: RouteContext, username: string) {
  const reserved = RESERVED_USERS[username];
  const metadata = context.node.metadata();
  if (reserved) {
    const state = metadata.reservedUsers[username] ?? { enabled: true };
    const userMetadata: Record<string, unknown> = { _reserved: true };
    if (reserved.deprecated) Object.assign(userMetadata, { _deprecated: true, _deprecated_reason: reserved.deprecated });
    return { username, roles: reserved.roles, full_name: null, email: null, metadata: userMetadata, enabled: state.enabled };
  }
  const user = metadata.users[username];
  if (!user) return undefined;
  return { username, roles: user.roles, full_name: user.full_name, email: user.email, metadata: user.metadata, enabled: user.enabled };
}

function getUsers(context: RouteContext) {
  guardCluster(context, 'cluster:admin/xpack/security/user/get');
  const names = context.params.username ? context.params.username.split(',') : [...Object.keys(RESERVED_USERS), ...Object.keys(context.node.metadata().users).sort()];
  const found = Object.fromEntries(names.map((name) => [name, userView(context, name)]).filter(([, view]) => view !== undefined));
  return ok(found, Object.keys(found).length === 0 && context.params.username ? 404 : 200);
}

async function deleteUser(context: RouteContext) {
  guardCluster(context, 'cluster:admin/xpack/security/user/delete');
  return context.node.submit({ kind: 'delete_user', username: context.params.username! }, WRITE_TIMEOUT);
}

async function changePassword(context: RouteContext) {
  const { subject } = context;
  const username = context.params.username ?? subject.username;
  // Users may change their own password without manage_security (ES ChangePasswordRequest "self" rule).
  const self = subject.kind === 'user' && subject.username === username;
  const body = jsonBody<Record<string, unknown>>(context.request, true)!;
  // RestChangePasswordAction: ChangePasswordRequestBuilder.source, then ChangePasswordRequest.validate, then the action.
  checkChangePasswordBody(body);
  if (body.password === undefined && body.password_hash === undefined) throw validationFailed('password must be specified');
  if (!self) guardCluster(context, 'cluster:admin/xpack/security/user/change_password');
  let passwordHash: string;
  if (typeof body.password_hash === 'string') passwordHash = body.password_hash;
  else passwordHash = hashSecret(validatePassword(body.password));
  return context.node.submit({ kind: 'change_password', username, passwordHash }, WRITE_TIMEOUT);
}

function setEnabled(enabled: boolean) {
  return async (context: RouteContext) => {
    guardCluster(context, 'cluster:admin/xpack/security/user/set_enabled');
    // TransportSetEnabledAction.isSameUserRequest: a native or reserved realm user may not change its own account.
    const { subject } = context;
    const username = context.params.username!;
    if (subject.kind === 'user' && (subject.realm.type === 'native' || subject.realm.type === 'reserved') && subject.username === username) {
      throw badRequest('users may not update the enabled status of their own account');
    }
    if (context.node.config.anonymous?.username === username) throw badRequest(`user [${username}] is anonymous and cannot be modified using the api`);
    return context.node.submit({ kind: 'set_user_enabled', username: context.params.username!, enabled }, WRITE_TIMEOUT);
  };
}

export function normaliseRole(body: Record<string, unknown>): RoleDescriptor {
  const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  const indices = Array.isArray(body.indices) ? (body.indices as Array<Record<string, unknown>>) : [];
  return {
    ...(typeof body.description === 'string' ? { description: body.description } : {}),
    cluster: list(body.cluster),
    indices: indices.map((group) => {
      if (!Array.isArray(group.names) && typeof group.names !== 'string') throw new ElasticsearchError(400, 'parse_exception', 'failed to parse indices privileges for role. missing required [names] field');
      return {
        names: typeof group.names === 'string' ? [group.names] : list(group.names),
        privileges: list(group.privileges),
        allow_restricted_indices: Boolean(group.allow_restricted_indices),
        ...(group.field_security ? { field_security: group.field_security } : {}),
        ...(group.query ? { query: group.query } : {}),
      };
    }),
    applications: Array.isArray(body.applications) ? (body.applications as RoleDescriptor['applications']) : [],
    // RoleDescriptor.toXContent writes `global` only when the role has configurable cluster privileges.
    ...(body.global && typeof body.global === 'object' && Object.keys(body.global).length > 0 ? { global: body.global as RoleDescriptor['global'] } : {}),
    run_as: list(body.run_as),
    metadata: (body.metadata as Record<string, unknown> | undefined) ?? {},
    transient_metadata: { enabled: true },
    ...(Array.isArray(body.remote_indices) ? { remote_indices: body.remote_indices as Array<Record<string, unknown>> } : {}),
    ...(Array.isArray(body.remote_cluster) ? { remote_cluster: body.remote_cluster as Array<Record<string, unknown>> } : {}),
  };
}

/** What TransportPutRoleAction checks after authorization: remote privileges (PutRoleRequest.validate), then DLS queries. */
export function validateRoleDescriptor(name: string, body: Record<string, unknown>, role: RoleDescriptor): void {
  validateRemotePrivileges(name, body);
  validateRoleQueries(role.indices);
}

async function putRole(context: RouteContext) {
  const body = jsonBody<Record<string, unknown>>(context.request, true)!;
  // RestPutRoleAction parses the role (RoleDescriptor.parse) before the action is authorized.
  checkRoleBody(context.params.name!, body);
  guardCluster(context, 'cluster:admin/xpack/security/role/put');
  const role = normaliseRole(body);
  validateRoleDescriptor(context.params.name!, body, role);
  return context.node.submit({ kind: 'put_role', name: context.params.name!, role }, WRITE_TIMEOUT);
}

function getRoles(context: RouteContext) {
  guardCluster(context, 'cluster:admin/xpack/security/role/get');
  const metadata = context.node.metadata();
  const names = context.params.name ? context.params.name.split(',') : [...Object.keys(BUILTIN_ROLES), ...Object.keys(metadata.roles).sort()];
  const found = Object.fromEntries(names.map((name) => [name, builtinRole(name) ?? metadata.roles[name]]).filter(([, role]) => role !== undefined));
  return ok(found, Object.keys(found).length === 0 && context.params.name ? 404 : 200);
}

async function deleteRole(context: RouteContext) {
  guardCluster(context, 'cluster:admin/xpack/security/role/delete');
  return context.node.submit({ kind: 'delete_role', name: context.params.name! }, WRITE_TIMEOUT);
}

/** The owner's permissions an API key is limited by (ES stores them as limited_by_role_descriptors). */
export function ownerRoleDescriptors(context: RouteContext, subject: Subject): Record<string, RoleDescriptor> {
  if (subject.kind === 'service_account') return { [subject.username]: SERVICE_ACCOUNTS[subject.username]!() };
  if (subject.kind === 'api_key') {
    const key = context.node.metadata().apiKeys[subject.apiKey!.id]!;
    return key.limited_by;
  }
  const resolved = resolveRoles(subject.assignedRoles, context.node.metadata());
  return Object.fromEntries(resolved.found.map((name, index) => [name, resolved.descriptors[index]!]));
}

async function createApiKey(context: RouteContext) {
  guardCluster(context, 'cluster:admin/xpack/security/api_key/create', { ownApiKeysOnly: true });
  const { subject, node } = context;
  const body = jsonBody<Record<string, unknown>>(context.request, true)!;
  if (typeof body.name !== 'string' || body.name.length === 0) throw validationFailed('api key name is required');
  const roleDescriptors = Object.fromEntries(Object.entries((body.role_descriptors as Record<string, Record<string, unknown>> | undefined) ?? {}).map(([name, descriptor]) => [name, normaliseRole(descriptor)]));
  const now = node.now();
  const id = randomId(20);
  const secret = randomId(22);
  const expiration = typeof body.expiration === 'string' ? now + parseDuration(body.expiration, 0) : undefined;
  const key: StoredApiKey = {
    id,
    name: body.name,
    keyHash: hashSecret(secret),
    creation: now,
    expiration,
    invalidated: false,
    username: subject.username,
    realm: subject.kind === 'api_key' ? '_es_api_key' : subject.realm.name,
    realm_type: subject.kind === 'api_key' ? '_es_api_key' : subject.realm.type,
    metadata: (body.metadata as Record<string, unknown> | undefined) ?? {},
    role_descriptors: roleDescriptors,
    limited_by: ownerRoleDescriptors(context, subject),
  };
  const response: Record<string, unknown> = { id, name: body.name };
  if (expiration !== undefined) response.expiration = expiration;
  response.api_key = secret;
  response.encoded = Buffer.from(`${id}:${secret}`).toString('base64');
  return node.submit({ kind: 'create_api_key', key, response }, WRITE_TIMEOUT);
}

function isOwnApiKeyRequest(subject: Subject, owner: boolean, username: string | null | undefined, realm: string | null | undefined): boolean {
  return owner || (username === subject.username && (!realm || realm === subject.realm.name));
}

function getApiKeys(context: RouteContext) {
  const { subject, request, node } = context;
  const owner = queryFlag(request, 'owner');
  const username = request.query.get('username');
  const realm = request.query.get('realm_name');
  guardCluster(context, 'cluster:admin/xpack/security/api_key/get', { ownApiKeysOnly: isOwnApiKeyRequest(subject, owner, username, realm) });
  const id = request.query.get('id');
  const name = request.query.get('name');
  const keys = Object.values(node.metadata().apiKeys).filter(
    (key) =>
      (!id || key.id === id) &&
      (!name || (name.endsWith('*') ? key.name.startsWith(name.slice(0, -1)) : key.name === name)) &&
      (!owner || key.username === subject.username) &&
      (!username || key.username === username) &&
      (!realm || key.realm === realm),
  );
  return ok({
    api_keys: keys.map((key) => apiKeyInfo(key, queryFlag(request, 'with_limited_by'))),
  });
}

async function invalidateApiKeys(context: RouteContext) {
  const { subject, node } = context;
  const body = jsonBody<Record<string, unknown>>(context.request, true)!;
  const owner = Boolean(body.owner);
  const ids = Array.isArray(body.ids) ? body.ids.map(String) : typeof body.id === 'string' ? [body.id] : undefined;
  const name = typeof body.name === 'string' ? body.name : undefined;
  const username = typeof body.username === 'string' ? body.username : undefined;
  const realm = typeof body.realm_name === 'string' ? body.realm_name : undefined;
  if (!owner && !ids && !name && !username && !realm) {
    throw validationFailed('One of [api key id(s), api key name, username, realm name] must be specified if [owner] flag is false');
  }
  const ownOnly = isOwnApiKeyRequest(subject, owner, username, realm);
  const metadata = node.metadata();
  const targetsOwnKeys = ownOnly || (ids !== undefined && ids.every((id) => metadata.apiKeys[id]?.username === subject.username));
  guardCluster(context, 'cluster:admin/xpack/security/api_key/invalidate', { ownApiKeysOnly: targetsOwnKeys });
  return node.submit({ kind: 'invalidate_api_keys', ids, name, owner: owner ? subject.username : username, realm, now: node.now() }, WRITE_TIMEOUT);
}

/** GET|POST /_security/user/_has_privileges — any authenticated user may ask about itself. */
function hasPrivileges(context: RouteContext) {
  const { subject } = context;
  guardRunAs(context, 'cluster:admin/xpack/security/user/has_privileges');
  const body = jsonBody<{ cluster?: string[]; index?: Array<{ names: string[] | string; privileges: string[] }>; application?: ApplicationPrivilegesCheck[] }>(context.request) ?? {};
  const holds = (check: (roles: RoleDescriptor[]) => boolean) => subject.roleSets.every(check);
  const cluster = Object.fromEntries((body.cluster ?? []).map((privilege) => [privilege, holds((roles) => rolesHaveClusterPrivilege(roles, privilege))]));
  const index: Record<string, Record<string, boolean>> = {};
  for (const entry of body.index ?? []) {
    for (const name of typeof entry.names === 'string' ? [entry.names] : entry.names) {
      index[name] = { ...(index[name] ?? {}) };
      for (const privilege of entry.privileges) index[name]![privilege] = holds((roles) => rolesHaveIndexPrivilege(roles, name, privilege));
    }
  }
  const application = checkApplicationPrivileges(body.application ?? [], (app, resource, privilege) => holds((roles) => rolesGrantApplicationPrivilege(roles, context.node.metadata(), app, resource, privilege)));
  const all = [
    ...Object.values(cluster),
    ...Object.values(index).flatMap((privileges) => Object.values(privileges)),
    ...Object.values(application).flatMap((resources) => Object.values(resources).flatMap((privileges) => Object.values(privileges))),
  ].every(Boolean);
  return ok({ username: subject.username, has_all_requested: all, cluster, index, application });
}

export const securityRoutes: Route[] = [
  { methods: ['GET', 'POST'], pattern: '/_security/user/_has_privileges', handler: hasPrivileges },
  { methods: ['GET'], pattern: '/_security/_authenticate', handler: authenticateResponse },
  { methods: ['GET'], pattern: '/_security/user', handler: getUsers },
  { methods: ['GET'], pattern: '/_security/user/{username}', handler: getUsers },
  { methods: ['PUT', 'POST'], pattern: '/_security/user/{username}', handler: putUser },
  { methods: ['DELETE'], pattern: '/_security/user/{username}', handler: deleteUser },
  { methods: ['PUT', 'POST'], pattern: '/_security/user/_password', handler: changePassword },
  { methods: ['PUT', 'POST'], pattern: '/_security/user/{username}/_password', handler: changePassword },
  { methods: ['PUT', 'POST'], pattern: '/_security/user/{username}/_enable', handler: setEnabled(true) },
  { methods: ['PUT', 'POST'], pattern: '/_security/user/{username}/_disable', handler: setEnabled(false) },
  { methods: ['GET'], pattern: '/_security/role', handler: getRoles },
  { methods: ['GET'], pattern: '/_security/role/{name}', handler: getRoles },
  { methods: ['PUT', 'POST'], pattern: '/_security/role/{name}', handler: putRole },
  { methods: ['DELETE'], pattern: '/_security/role/{name}', handler: deleteRole },
  { methods: ['POST', 'PUT'], pattern: '/_security/api_key', handler: createApiKey },
  { methods: ['GET'], pattern: '/_security/api_key', handler: getApiKeys },
  { methods: ['DELETE'], pattern: '/_security/api_key', handler: invalidateApiKeys },
];
