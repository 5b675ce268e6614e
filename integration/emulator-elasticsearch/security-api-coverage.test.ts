import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errors, type Client } from '@elastic/elasticsearch';
import { startSecurityApiNode, type SecurityApiNode } from './support/security-api-node.js';

/**
 * Issue #15's sweep: one request per method and path of every endpoint the issue names, with the paths of
 * rest-api-spec/src/main/resources/rest-api-spec/api/{security,ssl,indices,cluster}.*.json, mget.json and search.json.
 * None may answer as an unknown endpoint (400 `no handler found for uri`) or a wrong method (405); what the call
 * then answers (200, 404, a validation error) is the family tests' business.
 */
let lab: SecurityApiNode;
let es: Client;

interface Answer {
  status: number;
  body: unknown;
}

async function answer(method: string, path: string, body?: unknown): Promise<Answer> {
  try {
    const response = await es.transport.request({ method, path, body: body as Record<string, unknown> | undefined }, { meta: true });
    return { status: response.statusCode ?? 0, body: response.body };
  } catch (error) {
    if (error instanceof errors.ResponseError) return { status: error.meta.statusCode ?? 0, body: error.meta.body };
    throw error;
  }
}

/** What RestController answers for a path no handler serves, or a method the path's handlers do not take. */
function isUnhandled({ status, body }: Answer): boolean {
  const text = JSON.stringify(body ?? '');
  return status === 405 || (status === 400 && text.includes('no handler found for uri')) || text.includes('Incorrect HTTP method for uri');
}

const UID = 'u_no-such-profile_0';
const CHINESE_INDEX = encodeURIComponent('中文索引');

/** [family, method, path, body] — every method of every path, as the REST spec lists them. */
const ENDPOINTS: Array<[string, string, string, unknown?]> = [
  // application privileges (security.put_privileges, get_privileges, delete_privileges, get_builtin_privileges, clear_cached_privileges)
  ['application privileges', 'PUT', '/_security/privilege', { sweepapp: { read: { actions: ['data:read/*'] } } }],
  ['application privileges', 'POST', '/_security/privilege', { sweepapp: { write: { actions: ['data:write/*'] } } }],
  ['application privileges', 'GET', '/_security/privilege'],
  ['application privileges', 'GET', '/_security/privilege/sweepapp'],
  ['application privileges', 'GET', '/_security/privilege/sweepapp/read'],
  ['application privileges', 'GET', '/_security/privilege/_builtin'],
  ['application privileges', 'POST', '/_security/privilege/sweepapp/_clear_cache'],
  ['application privileges', 'DELETE', '/_security/privilege/sweepapp/write'],
  // roles with applications, global, remote_indices, remote_cluster (security.put_role, get_role, delete_role)
  ['roles', 'PUT', '/_security/role/sweep_role', { cluster: ['monitor'], applications: [{ application: 'sweepapp', privileges: ['read'], resources: ['*'] }] }],
  ['roles', 'POST', '/_security/role/sweep_role', { cluster: ['monitor'] }],
  ['roles', 'GET', '/_security/role/sweep_role'],
  ['roles', 'GET', '/_security/role'],
  // tokens (security.get_token, invalidate_token)
  ['tokens', 'POST', '/_security/oauth2/token', { grant_type: 'client_credentials' }],
  ['tokens', 'DELETE', '/_security/oauth2/token', { username: 'sweep_user' }],
  // API keys (security.grant_api_key, update_api_key, bulk_update_api_keys, query_api_keys, get_api_key)
  ['API keys', 'POST', '/_security/api_key/grant', { grant_type: 'password', username: 'sweep_user', password: 'sweep-password', api_key: { name: 'granted' } }],
  ['API keys', 'PUT', '/_security/api_key/no-such-key', { metadata: {} }],
  ['API keys', 'POST', '/_security/api_key/_bulk_update', { ids: ['no-such-key'] }],
  ['API keys', 'GET', '/_security/_query/api_key'],
  ['API keys', 'POST', '/_security/_query/api_key', { query: { match_all: {} } }],
  ['API keys', 'GET', '/_security/api_key?with_limited_by=true'],
  // role mappings (security.put_role_mapping, get_role_mapping, delete_role_mapping)
  ['role mappings', 'PUT', '/_security/role_mapping/sweep_mapping', { roles: ['viewer'], rules: { field: { username: '*' } }, enabled: true }],
  ['role mappings', 'POST', '/_security/role_mapping/sweep_mapping', { roles: ['viewer'], rules: { field: { username: '*' } }, enabled: true }],
  ['role mappings', 'GET', '/_security/role_mapping'],
  ['role mappings', 'GET', '/_security/role_mapping/sweep_mapping'],
  ['role mappings', 'DELETE', '/_security/role_mapping/sweep_mapping'],
  // queries and bulk roles (security.query_user, query_role, bulk_put_role, bulk_delete_role)
  ['queries', 'GET', '/_security/_query/user'],
  ['queries', 'POST', '/_security/_query/user', { query: { match_all: {} } }],
  ['queries', 'GET', '/_security/_query/role'],
  ['queries', 'POST', '/_security/_query/role', { query: { match_all: {} } }],
  ['bulk roles', 'POST', '/_security/role', { roles: { sweep_bulk: { cluster: ['monitor'] } } }],
  ['bulk roles', 'DELETE', '/_security/role', { names: ['sweep_bulk'] }],
  // user profiles (security.activate_user_profile, get_user_profile, update_user_profile_data, enable/disable_user_profile,
  // suggest_user_profiles, has_privileges_user_profile)
  ['user profiles', 'POST', '/_security/profile/_activate', { grant_type: 'password', username: 'sweep_user', password: 'sweep-password' }],
  ['user profiles', 'GET', `/_security/profile/${UID}`],
  ['user profiles', 'PUT', `/_security/profile/${UID}/_data`, { labels: {} }],
  ['user profiles', 'POST', `/_security/profile/${UID}/_data`, { labels: {} }],
  ['user profiles', 'PUT', `/_security/profile/${UID}/_enable`],
  ['user profiles', 'POST', `/_security/profile/${UID}/_enable`],
  ['user profiles', 'PUT', `/_security/profile/${UID}/_disable`],
  ['user profiles', 'POST', `/_security/profile/${UID}/_disable`],
  ['user profiles', 'GET', '/_security/profile/_suggest'],
  ['user profiles', 'POST', '/_security/profile/_suggest', { name: 'sweep' }],
  ['user profiles', 'GET', '/_security/profile/_has_privileges', { uids: [UID], privileges: { cluster: ['monitor'] } }],
  ['user profiles', 'POST', '/_security/profile/_has_privileges', { uids: [UID], privileges: { cluster: ['monitor'] } }],
  // users (security.put_user with password_hash, change_password, disable_user, enable_user, delete_user, has_privileges)
  ['users', 'PUT', '/_security/user/sweep_hash', { password_hash: '$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy', roles: [] }],
  ['users', 'POST', '/_security/user/sweep_hash', { roles: ['viewer'] }],
  ['users', 'PUT', '/_security/user/sweep_hash/_password', { password_hash: '$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy' }],
  ['users', 'POST', '/_security/user/sweep_hash/_password', { password: 'another-password' }],
  ['users', 'PUT', '/_security/user/elastic/_disable'],
  ['users', 'POST', '/_security/user/sweep_hash/_disable'],
  ['users', 'PUT', '/_security/user/sweep_hash/_enable'],
  ['users', 'GET', '/_security/user/_has_privileges', { cluster: ['monitor'] }],
  ['users', 'POST', '/_security/user/_has_privileges', { cluster: ['monitor'] }],
  ['users', 'DELETE', '/_security/user/sweep_hash'],
  // service accounts (security.get_service_accounts, get_service_credentials, create_service_token, delete_service_token)
  ['service accounts', 'GET', '/_security/service'],
  ['service accounts', 'GET', '/_security/service/elastic'],
  ['service accounts', 'GET', '/_security/service/elastic/fleet-server'],
  ['service accounts', 'GET', '/_security/service/elastic/fleet-server/credential'],
  ['service accounts', 'POST', '/_security/service/elastic/fleet-server/credential/token'],
  ['service accounts', 'POST', '/_security/service/elastic/fleet-server/credential/token/sweep-1'],
  ['service accounts', 'PUT', '/_security/service/elastic/fleet-server/credential/token/sweep-2'],
  ['service accounts', 'DELETE', '/_security/service/elastic/fleet-server/credential/token/sweep-1'],
  // SSL (ssl.certificates)
  ['ssl', 'GET', '/_ssl/certificates'],
  // documents and indices (mget, indices.put_alias, get_alias, exists_alias, delete_alias, update_aliases, search,
  // cluster.health, indices.close, indices.open), including a non-ASCII index name
  ['indices', 'PUT', '/sweep-index'],
  ['indices', 'PUT', `/${CHINESE_INDEX}`],
  ['indices', 'GET', `/${CHINESE_INDEX}`],
  ['documents', 'PUT', `/${CHINESE_INDEX}/_doc/1?refresh=true`, { title: '文档' }],
  ['documents', 'GET', '/_mget', { docs: [{ _index: 'sweep-index', _id: '1' }] }],
  ['documents', 'POST', '/_mget', { docs: [{ _index: 'sweep-index', _id: '1' }] }],
  ['documents', 'GET', '/sweep-index/_mget', { ids: ['1'] }],
  ['documents', 'POST', '/sweep-index/_mget', { ids: ['1'] }],
  ['aliases', 'PUT', '/sweep-index/_alias/sweep-alias'],
  ['aliases', 'POST', '/sweep-index/_alias/sweep-alias-2'],
  ['aliases', 'PUT', '/sweep-index/_aliases/sweep-alias-3'],
  ['aliases', 'POST', '/sweep-index/_aliases/sweep-alias-4'],
  ['aliases', 'GET', '/_alias'],
  ['aliases', 'GET', '/_alias/sweep-alias'],
  ['aliases', 'GET', '/sweep-index/_alias'],
  ['aliases', 'GET', '/sweep-index/_alias/sweep-alias'],
  ['aliases', 'HEAD', '/_alias/sweep-alias'],
  ['aliases', 'HEAD', '/sweep-index/_alias/sweep-alias'],
  ['aliases', 'POST', '/_aliases', { actions: [{ add: { index: 'sweep-index', alias: 'sweep-write', is_write_index: true } }] }],
  ['aliases', 'DELETE', '/sweep-index/_alias/sweep-alias-2'],
  ['aliases', 'DELETE', '/sweep-index/_aliases/sweep-alias-3'],
  ['search', 'GET', '/_search?rest_total_hits_as_int=true'],
  ['search', 'POST', '/_search?rest_total_hits_as_int=true', { query: { match_all: {} } }],
  ['search', 'GET', `/${CHINESE_INDEX}/_search?rest_total_hits_as_int=true`],
  ['search', 'POST', '/sweep-index/_search?rest_total_hits_as_int=true', { query: { match_all: {} } }],
  ['health', 'GET', '/_cluster/health?level=indices'],
  ['health', 'GET', '/_cluster/health/sweep-index?level=shards'],
  ['indices', 'POST', '/sweep-index/_close'],
  ['indices', 'POST', '/sweep-index/_open'],
  // who am I (security.authenticate), for the Bearer and run_as checks the family tests make
  ['authenticate', 'GET', '/_security/_authenticate'],
];

beforeAll(async () => {
  lab = await startSecurityApiNode('coverage');
  es = lab.client();
  await es.security.putRole({ name: 'sweep_token_client', cluster: ['manage_token'] });
  await es.security.putUser({ username: 'sweep_user', password: 'sweep-password', roles: ['viewer', 'sweep_token_client'] });
}, 90_000);

afterAll(async () => {
  await lab?.stop();
});

describe('every endpoint of issue #15 has a handler on the emulated node', () => {
  it('the check itself: an unknown path is 400 no handler found, a wrong method is 405', async () => {
    expect(isUnhandled(await answer('GET', '/_security/no_such_api'))).toBe(true);
    expect(isUnhandled(await answer('PUT', '/_ssl/certificates'))).toBe(true);
  });

  it.each(ENDPOINTS)('%s: %s %s', async (_family, method, path, body) => {
    const reply = await answer(method, path, body);
    expect(isUnhandled(reply), `${method} ${path} answered ${reply.status} ${JSON.stringify(reply.body)}`).toBe(false);
    expect(reply.status, `${method} ${path} answered ${JSON.stringify(reply.body)}`).toBeLessThan(500);
  });
});
