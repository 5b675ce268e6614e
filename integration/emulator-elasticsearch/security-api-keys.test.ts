import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@elastic/elasticsearch';
import { failure, startSecurityApiNode, type SecurityApiNode } from './support/security-api-node.js';

/** API key grant, update, bulk update, query, and the owner's limitation, through the official client. */
let lab: SecurityApiNode;

const withApiKey = (encoded: string) => new Client({ node: `https://localhost:${lab.httpPort}`, auth: { apiKey: encoded }, tls: { ca: lab.ca, rejectUnauthorized: true }, maxRetries: 0 });

beforeAll(async () => {
  lab = await startSecurityApiNode('api-keys');
  const es = lab.client();
  await es.security.putRole({ name: 'own_keys', cluster: ['manage_own_api_key'], indices: [{ names: ['logs-*'], privileges: ['read'] }] });
  await es.security.putRole({ name: 'granter', cluster: ['grant_api_key'], run_as: ['bob'] });
  await es.security.putUser({ username: 'bob', password: 'bob-password', roles: ['own_keys'] });
  await es.security.putUser({ username: 'carol', password: 'carol-password', roles: ['own_keys'] });
  await es.security.putUser({ username: 'granter', password: 'granter-password', roles: ['granter'] });
}, 90_000);

afterAll(async () => {
  await lab?.stop();
});

describe('API keys through the official client', () => {
  it('grantApiKey with a password, with an access token and with run_as', async () => {
    const granter = lab.client('granter', 'granter-password');
    const byPassword = await granter.security.grantApiKey({ grant_type: 'password', username: 'bob', password: 'bob-password', api_key: { name: 'granted-1', metadata: { team: 'blue' } } });
    expect(byPassword).toMatchObject({ name: 'granted-1' });
    expect(Buffer.from(byPassword.encoded, 'base64').toString()).toBe(`${byPassword.id}:${byPassword.api_key}`);
    const info = await lab.client().security.getApiKey({ id: byPassword.id, with_limited_by: true });
    expect(info.api_keys[0]).toMatchObject({ username: 'bob', realm: 'default_native', role_descriptors: {}, metadata: { team: 'blue' } });
    expect(info.api_keys[0]!.limited_by).toEqual([{ own_keys: expect.objectContaining({ cluster: ['manage_own_api_key'] }) }]);

    const token = await lab.client().security.getToken({ grant_type: 'password', username: 'bob', password: 'bob-password' });
    const byToken = await granter.security.grantApiKey({ grant_type: 'access_token', access_token: token.access_token, api_key: { name: 'granted-2' } });
    expect((await lab.client().security.getApiKey({ id: byToken.id })).api_keys[0]!.username).toBe('bob');

    await lab.client().security.putRole({ name: 'granter_self', run_as: ['bob'] });
    await lab.client().security.putUser({ username: 'runner', password: 'runner-password', roles: ['granter_self'] });
    const runAs = await granter.security.grantApiKey({ grant_type: 'password', username: 'runner', password: 'runner-password', run_as: 'bob', api_key: { name: 'granted-3' } });
    expect((await lab.client().security.getApiKey({ id: runAs.id })).api_keys[0]!.username).toBe('bob');
    const refused = await failure(granter.security.grantApiKey({ grant_type: 'password', username: 'carol', password: 'carol-password', run_as: 'bob', api_key: { name: 'x' } }));
    expect(refused.status).toBe(403);
    expect(refused.reason).toBe('action [cluster:admin/xpack/security/user/authenticate] is unauthorized for user [carol] with effective roles [own_keys], because user [carol] is unauthorized to run as [bob]');
  });

  it('grantApiKey validation and authorization errors', async () => {
    const invalid = await failure(lab.client('granter', 'granter-password').security.grantApiKey({ grant_type: 'password', username: 'bob', api_key: { name: 'x' } }));
    expect([invalid.status, invalid.type, invalid.reason]).toEqual([400, 'action_request_validation_exception', 'Validation Failed: 1: [password] is required for grant_type [password];']);
    const denied = await failure(lab.client('bob', 'bob-password').security.grantApiKey({ grant_type: 'password', username: 'carol', password: 'carol-password', api_key: { name: 'x' } }));
    expect(denied.reason).toBe(
      'action [cluster:admin/xpack/security/api_key/grant] is unauthorized for user [bob] with effective roles [own_keys], this action is granted by the cluster privileges [grant_api_key,manage_api_key,manage_security,all]',
    );
  });

  it('a key limited by its owner: asking more than the owner has grants only the intersection', async () => {
    const bob = lab.client('bob', 'bob-password');
    const key = await bob.security.createApiKey({ name: 'greedy', role_descriptors: { everything: { cluster: ['all'], indices: [{ names: ['*'], privileges: ['all'] }] } } });
    const check = await withApiKey(key.encoded).security.hasPrivileges({ cluster: ['manage_security'], index: [{ names: ['logs-1', 'secrets'], privileges: ['read'] }] });
    expect(check).toMatchObject({ has_all_requested: false, cluster: { manage_security: false }, index: { 'logs-1': { read: true }, secrets: { read: false } } });
    const denied = await failure(withApiKey(key.encoded).security.getUser());
    expect(denied.reason).toBe(
      `action [cluster:admin/xpack/security/user/get] is unauthorized for API key id [${key.id}] of user [bob], this action is granted by the cluster privileges [read_security,manage_security,all]`,
    );
  });

  it('updateApiKey and bulkUpdateApiKeys: own keys only, noops, errors per id', async () => {
    const bob = lab.client('bob', 'bob-password');
    const key = await bob.security.createApiKey({ name: 'to-update', metadata: { v: 1 } });
    expect(await bob.security.updateApiKey({ id: key.id, metadata: { v: 2 }, role_descriptors: { narrow: { indices: [{ names: ['logs-a'], privileges: ['read'] }] } } })).toEqual({ updated: true });
    expect(await bob.security.updateApiKey({ id: key.id, metadata: { v: 2 } })).toEqual({ updated: false });
    const updated = (await lab.client().security.getApiKey({ id: key.id })).api_keys[0]!;
    expect(updated.metadata).toEqual({ v: 2 });
    expect(Object.keys(updated.role_descriptors!)).toEqual(['narrow']);
    const notOwned = await failure(lab.client('carol', 'carol-password').security.updateApiKey({ id: key.id, metadata: {} }));
    expect([notOwned.status, notOwned.type, notOwned.reason]).toEqual([404, 'resource_not_found_exception', `no API key owned by requesting user found for ID [${key.id}]`]);
    // A key without role descriptors holds its owner's manage_own_api_key, so the refusal comes from the action itself.
    const ownerScoped = await bob.security.createApiKey({ name: 'owner-scoped' });
    const viaKey = await failure(withApiKey(ownerScoped.encoded).security.updateApiKey({ id: ownerScoped.id }));
    expect([viaKey.status, viaKey.type]).toEqual([400, 'illegal_argument_exception']);
    expect(viaKey.reason).toBe('authentication via API key not supported: An API key cannot be used to update API keys');
    const bulk = await bob.security.bulkUpdateApiKeys({ ids: [key.id, 'missing-id'], metadata: { v: 3 } });
    expect(bulk).toEqual({
      updated: [key.id],
      noops: [],
      errors: { count: 1, details: { 'missing-id': { type: 'resource_not_found_exception', reason: 'no API key owned by requesting user found for ID [missing-id]' } } },
    });
  });

  it('queryApiKeys: own keys with manage_own_api_key, DSL, sort, from/size, search_after, aggregations, limited_by', async () => {
    const carol = lab.client('carol', 'carol-password');
    for (const [name, env] of [
      ['q-alpha', 'prod'],
      ['q-beta', 'dev'],
      ['q-gamma', 'prod'],
    ])
      await carol.security.createApiKey({ name: name!, metadata: { env } });
    const own = await carol.security.queryApiKeys({ query: { prefix: { name: 'q-' } }, sort: [{ name: { order: 'desc' } }], size: 2, with_limited_by: true });
    expect(own.total).toBe(3);
    expect(own.count).toBe(2);
    expect(own.api_keys.map((key) => [key.name, key._sort])).toEqual([
      ['q-gamma', ['q-gamma']],
      ['q-beta', ['q-beta']],
    ]);
    expect(own.api_keys[0]!.limited_by).toEqual([{ own_keys: expect.objectContaining({ cluster: ['manage_own_api_key'] }) }]);
    const next = await carol.security.queryApiKeys({ query: { prefix: { name: 'q-' } }, sort: [{ name: { order: 'desc' } }], search_after: ['q-beta'] });
    expect(next.api_keys.map((key) => key.name)).toEqual(['q-alpha']);
    const filtered = await carol.security.queryApiKeys({
      query: { bool: { must: [{ term: { 'metadata.env': 'prod' } }, { range: { creation: { gte: 'now-1h' } } }], must_not: [{ wildcard: { name: '*alpha' } }] } },
    });
    expect(filtered.api_keys.map((key) => key.name)).toEqual(['q-gamma']);
    const aggregated = await lab.client().security.queryApiKeys({
      size: 0,
      query: { terms: { username: ['carol', 'bob'] } },
      aggs: { by_user: { terms: { field: 'username' } }, envs: { cardinality: { field: 'metadata.env' } }, no_expiry: { missing: { field: 'expiration' } } },
    });
    expect(aggregated.api_keys).toEqual([]);
    expect((aggregated.aggregations!.by_user as { buckets: Array<{ key: string }> }).buckets.map((bucket) => bucket.key)).toEqual(expect.arrayContaining(['carol', 'bob']));
    expect(aggregated.aggregations!.envs).toEqual({ value: 2 });
    expect((aggregated.aggregations!.no_expiry as { doc_count: number }).doc_count).toBe(aggregated.total);
  });

  it('queryApiKeys refuses fields, query types and aggregations outside the allow-list', async () => {
    const es = lab.client();
    const field = await failure(es.security.queryApiKeys({ query: { term: { api_key_hash: 'x' } } }));
    expect([field.status, field.type, field.reason]).toEqual([400, 'illegal_argument_exception', 'Field [api_key_hash] is not allowed for querying or aggregation']);
    const type = await failure(es.security.queryApiKeys({ query: { fuzzy: { name: 'x' } } as never }));
    expect(type.reason).toBe('Query type [fuzzy] is not currently supported in this context');
    const agg = await failure(es.security.queryApiKeys({ aggs: { latest: { max: { field: 'creation' } } } as never }));
    expect(agg.reason).toBe('Unsupported API Keys agg [latest] of type [max]');
  });

  it('invalidating another user’s keys with manage_own_api_key names the privileges that would grant it', async () => {
    const denied = await failure(lab.client('bob', 'bob-password').security.invalidateApiKey({ username: 'carol' }));
    expect(denied.reason).toBe(
      'action [cluster:admin/xpack/security/api_key/invalidate] is unauthorized for user [bob] with effective roles [own_keys], this action is granted by the cluster privileges [manage_api_key,manage_security,all]',
    );
  });
});
