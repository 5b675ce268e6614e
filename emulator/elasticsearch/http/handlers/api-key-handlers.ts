import type { Route, RouteContext } from '../rest-request.js';
import { jsonBody, ok, parseDuration, queryFlag } from '../rest-request.js';
import { guardCluster } from '../guard.js';
import { ElasticsearchError, badRequest, validationFailed } from '../rest-errors.js';
import { authenticate, authenticateBasic, authenticationError, type Subject } from '../../security/authentication.js';
import { describeSubject } from '../../security/authorization.js';
import { RESERVED_USERS } from '../../security/builtin-roles.js';
import { hashSecret, randomId } from '../../security/passwords.js';
import { rolesGrantClusterAction, matchesPattern } from '../../security/privileges.js';
import { compareSortValues, compileQuery, parseSort, runAggregations, sortValues } from '../../security/api-key-query.js';
import { normaliseRole, ownerRoleDescriptors } from './security-handlers.js';
import { apiKeyInfo } from '../../security/api-key-info.js';
import type { RoleDescriptor, StoredApiKey } from '../../cluster/cluster-state.js';

/**
 * API key grant, update, bulk update and query (rest-api-spec security.grant_api_key, update_api_key,
 * bulk_update_api_keys, query_api_keys; x-pack RestGrantApiKeyAction, TransportGrantApiKeyAction, ApiKeyService,
 * RestQueryApiKeyAction, TransportQueryApiKeyAction).
 */

const WRITE_TIMEOUT = 30000;
type Json = Record<string, unknown>;

function roleDescriptorsOf(value: unknown): Record<string, RoleDescriptor> {
  return Object.fromEntries(Object.entries((value ?? {}) as Record<string, Json>).map(([name, descriptor]) => [name, normaliseRole(descriptor)]));
}

/** A user looked up for run_as (native or reserved realm), without credentials. */
function lookUpUser(context: RouteContext, username: string): Subject | undefined {
  const metadata = context.node.metadata();
  const reserved = RESERVED_USERS[username];
  const stored = metadata.users[username];
  if (!reserved && (!stored || !stored.enabled)) return undefined;
  const roles = reserved ? reserved.roles : stored!.roles;
  const realm = reserved ? { name: 'reserved', type: 'reserved' } : { name: 'default_native', type: 'native' };
  return { kind: 'user', username, assignedRoles: roles, effectiveRoles: roles, missingRoles: [], fullName: null, email: null, metadata: {}, realm, authenticationType: 'realm', roleSets: [] };
}

/** Grant.validate after the API key request's own validation. */
function grantProblems(body: Json): string[] {
  const problems: string[] = [];
  const apiKey = (body.api_key ?? {}) as Json;
  if (typeof apiKey.name !== 'string' || apiKey.name.length === 0) problems.push('api key name is required');
  const type = body.grant_type;
  const has = (field: string) => typeof body[field] === 'string' && (body[field] as string).length > 0;
  if (type === undefined) problems.push('[grant_type] is required');
  else if (type === 'password') {
    if (!has('username')) problems.push('[username] is required for grant_type [password]');
    if (!has('password')) problems.push('[password] is required for grant_type [password]');
    if (has('access_token')) problems.push('[access_token] is not supported for grant_type [password]');
  } else if (type === 'access_token') {
    if (!has('access_token')) problems.push('[access_token] is required for grant_type [access_token]');
    if (has('username')) problems.push('[username] is not supported for grant_type [access_token]');
    if (has('password')) problems.push('[password] is not supported for grant_type [access_token]');
  } else problems.push(`grant_type [${String(type)}] is not supported`);
  return problems;
}

/** TransportGrantApiKeyAction: authenticate the grant's credentials (then run_as), and create the key for that user. */
async function grantApiKey(context: RouteContext) {
  const { node } = context;
  const body = jsonBody<Json>(context.request, true)!;
  const problems = grantProblems(body);
  if (problems.length > 0) throw validationFailed(...problems);
  guardCluster(context, 'cluster:admin/xpack/security/api_key/grant');
  const inputs = {
    uri: context.request.uri,
    metadata: node.metadata(),
    bootstrapPassword: node.config.bootstrapPassword,
    fileServiceTokens: node.fileServiceTokens(),
    now: node.now(),
  };
  let owner: Subject;
  if (body.grant_type === 'password') {
    const subject = authenticateBasic(String(body.username), String(body.password), { ...inputs, authorization: undefined });
    if (!subject) throw authenticationError(`unable to authenticate user [${String(body.username)}] for action [cluster:admin/xpack/security/api_key/grant]`);
    owner = subject;
  } else {
    const outcome = authenticate({ ...inputs, authorization: `Bearer ${String(body.access_token)}` });
    if (!outcome.ok) throw outcome.error;
    owner = outcome.subject;
  }
  if (typeof body.run_as === 'string') {
    const target = lookUpUser(context, body.run_as);
    const allowed = target && owner.roleSets.every((roles) => roles.some((role) => role.run_as.some((pattern) => matchesPattern(pattern, body.run_as as string))));
    if (!target || !allowed) {
      // AuthorizationDenialMessages.runAsDenied for the authenticate action TransportGrantApiKeyAction authorizes.
      throw new ElasticsearchError(
        403,
        'security_exception',
        `action [cluster:admin/xpack/security/user/authenticate] is unauthorized for ${describeSubject(owner)}, because user [${owner.username}] is unauthorized to run as [${body.run_as}]`,
      );
    }
    owner = target;
  }
  const apiKey = body.api_key as Json;
  const now = node.now();
  const id = randomId(20);
  const secret = randomId(22);
  const expiration = typeof apiKey.expiration === 'string' ? now + parseDuration(apiKey.expiration, 0) : undefined;
  const key: StoredApiKey = {
    id,
    name: String(apiKey.name),
    keyHash: hashSecret(secret),
    creation: now,
    expiration,
    invalidated: false,
    username: owner.username,
    realm: owner.realm.name,
    realm_type: owner.realm.type,
    metadata: (apiKey.metadata as Json | undefined) ?? {},
    role_descriptors: roleDescriptorsOf(apiKey.role_descriptors),
    limited_by: ownerRoleDescriptors(context, owner),
  };
  const response: Json = { id, name: key.name, ...(expiration !== undefined ? { expiration } : {}), api_key: secret, encoded: Buffer.from(`${id}:${secret}`).toString('base64') };
  return node.submit({ kind: 'create_api_key', key, response }, WRITE_TIMEOUT);
}

/** ApiKeyService: an API key may not update API keys; the owner's credentials are required. */
function refuseApiKeyCaller(subject: Subject): void {
  if (subject.kind === 'api_key') {
    throw badRequest('authentication via API key not supported: An API key cannot be used to update API keys');
  }
}

async function submitUpdate(context: RouteContext, ids: string[], body: Json) {
  const { subject, node } = context;
  return node.submit(
    {
      kind: 'update_api_keys',
      ids,
      owner: { username: subject.username, realm: subject.realm.name },
      ...(body.role_descriptors !== undefined ? { role_descriptors: roleDescriptorsOf(body.role_descriptors) } : {}),
      ...(body.metadata !== undefined ? { metadata: body.metadata as Json } : {}),
      ...(typeof body.expiration === 'string' ? { expiration: node.now() + parseDuration(body.expiration, 0) } : {}),
      limited_by: ownerRoleDescriptors(context, subject),
      now: node.now(),
    },
    WRITE_TIMEOUT,
  );
}

async function updateApiKey(context: RouteContext) {
  const body = jsonBody<Json>(context.request) ?? {};
  guardCluster(context, 'cluster:admin/xpack/security/api_key/update', { ownApiKeysOnly: true });
  refuseApiKeyCaller(context.subject);
  const id = context.params.id!;
  const result = await submitUpdate(context, [id], body);
  const outcome = result.body as { updated: string[]; errors?: { details: Record<string, { type: string; reason: string }> } };
  const error = outcome.errors?.details[id];
  if (error) throw new ElasticsearchError(error.type === 'resource_not_found_exception' ? 404 : 400, error.type, error.reason);
  return ok({ updated: outcome.updated.includes(id) });
}

async function bulkUpdateApiKeys(context: RouteContext) {
  const body = jsonBody<Json>(context.request, true)!;
  const ids = Array.isArray(body.ids) ? body.ids.map(String) : [];
  if (ids.length === 0) throw validationFailed('Field [ids] cannot be empty');
  guardCluster(context, 'cluster:admin/xpack/security/api_key/bulk_update', { ownApiKeysOnly: true });
  refuseApiKeyCaller(context.subject);
  return submitUpdate(context, ids, body);
}

/**
 * Query API keys. With only manage_own_api_key the caller sees its own keys (the request is marked
 * filterForCurrentUser); read_security, manage_api_key and up see every key.
 */
function queryApiKeys(context: RouteContext) {
  const { subject, node, request } = context;
  const body = jsonBody<Json>(request) ?? {};
  guardCluster(context, 'cluster:admin/xpack/security/api_key/query', { ownApiKeysOnly: true });
  const seesAll = subject.roleSets.every((roles) => rolesGrantClusterAction(roles, 'cluster:admin/xpack/security/api_key/query', { ownApiKeysOnly: false }));
  const now = node.now();
  const matcher = compileQuery(body.query, now);
  const sort = parseSort(body.sort);
  const aggs = body.aggs ?? body.aggregations;
  let keys = Object.values(node.metadata().apiKeys)
    .filter((key) => seesAll || (subject.kind === 'api_key' ? key.id === subject.apiKey!.id : key.username === subject.username && key.realm === subject.realm.name))
    .sort((a, b) => a.creation - b.creation || a.id.localeCompare(b.id));
  keys = keys.filter(matcher);
  const total = keys.length;
  const aggregations = aggs ? runAggregations(aggs, keys, now) : undefined;
  let hits = keys.map((key, position) => ({ key, sortValues: sortValues(key, sort, position) }));
  if (sort.length > 0) hits.sort((a, b) => compareSortValues(a.sortValues, b.sortValues, sort));
  if (Array.isArray(body.search_after)) {
    if (sort.length === 0) throw badRequest('Sort must contain at least one field.', 'action_request_validation_exception');
    hits = hits.filter((hit) => compareSortValues(hit.sortValues, body.search_after as unknown[], sort) > 0);
  }
  const from = Number(request.query.get('from') ?? body.from ?? 0);
  const size = Number(request.query.get('size') ?? body.size ?? 10);
  const page = hits.slice(from, from + size);
  const withLimitedBy = queryFlag(request, 'with_limited_by');
  return ok({
    total,
    count: page.length,
    api_keys: page.map((hit) => ({ ...apiKeyInfo(hit.key, withLimitedBy), ...(sort.length > 0 ? { _sort: hit.sortValues } : {}) })),
    ...(aggregations ? { aggregations } : {}),
  });
}

export const apiKeyRoutes: Route[] = [
  { methods: ['POST'], pattern: '/_security/api_key/grant', handler: grantApiKey },
  { methods: ['PUT'], pattern: '/_security/api_key/{id}', handler: updateApiKey },
  { methods: ['POST'], pattern: '/_security/api_key/_bulk_update', handler: bulkUpdateApiKeys },
  { methods: ['GET', 'POST'], pattern: '/_security/_query/api_key', handler: queryApiKeys },
];
