import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startSecurityApiNode, type SecurityApiNode } from './support/security-api-node.js';

let lab: SecurityApiNode;

beforeAll(async () => {
  lab = await startSecurityApiNode('queries');
  const es = lab.client();
  await es.security.putUser({ username: 'jacknich', password: 'l0ng-r4nd0m-p@ssw0rd', roles: ['admin', 'other_role1'], full_name: 'Jack Nicholson', email: 'jacknich@example.com' });
  await es.security.putUser({ username: 'sandrakn', password: 'l0ng-r4nd0m-p@ssw0rd', roles: ['admin'], full_name: 'Sandra Knight', enabled: false });
  await es.security.putUser({ username: 'alice', password: 'l0ng-r4nd0m-p@ssw0rd', roles: ['viewer'] });
}, 90_000);

afterAll(async () => {
  await lab?.stop();
});

describe('query users and roles through the official client', () => {
  it('queryUser: native users only, query on roles/enabled, sort, from/size, _sort and search_after', async () => {
    const es = lab.client();
    const all = await es.security.queryUser();
    expect(all.total).toBe(3);
    expect(all.users.map((user) => user.username)).toEqual(['alice', 'jacknich', 'sandrakn']);
    const admins = await es.security.queryUser({ query: { bool: { must: [{ term: { roles: 'admin' } }], filter: [{ term: { enabled: true } }] } } });
    expect(admins).toEqual({ total: 1, count: 1, users: [{ username: 'jacknich', roles: ['admin', 'other_role1'], full_name: 'Jack Nicholson', email: 'jacknich@example.com', metadata: {}, enabled: true }] });
    const sorted = await es.security.queryUser({ sort: [{ username: { order: 'desc' } }], size: 2 });
    expect(sorted.users.map((user) => [user.username, user._sort])).toEqual([
      ['sandrakn', ['sandrakn']],
      ['jacknich', ['jacknich']],
    ]);
    const next = await es.security.queryUser({ sort: [{ username: { order: 'desc' } }], search_after: ['jacknich'] });
    expect(next.users.map((user) => user.username)).toEqual(['alice']);
    const paged = await es.security.queryUser({ from: 1, size: 1 });
    expect([paged.total, paged.count, paged.users[0]!.username]).toEqual([3, 1, 'jacknich']);
  });

  it('queryUser refuses fields, patterns, sorts and query types ES does not allow', async () => {
    const es = lab.client();
    const field = await failure(es.security.queryUser({ query: { term: { password: 'x' } } }));
    expect([field.status, field.type, field.reason]).toEqual([400, 'illegal_argument_exception', 'Field [password] is not allowed for querying or aggregation']);
    const sort = await failure(es.security.queryUser({ sort: ['full_name'] }));
    expect(sort.reason).toBe('sorting is not supported for field [full_name]');
    const type = await failure(es.security.queryUser({ query: { fuzzy: { username: 'jack' } } } as never /* a query type the client's types rightly leave out */));
    expect(type.reason).toBe('Query type [fuzzy] is not currently supported in this context');
    const pattern = await failure(es.security.queryUser({ query: { term: { 'user*': 'x' } } }));
    expect(pattern.reason).toBe('Field name pattern [user*] is not allowed for querying or aggregation');
  });

  it('queryRole: built-in and native roles, query on name/description/metadata, sort', async () => {
    const es = lab.client();
    await es.security.putRole({ name: 'lab_reader', description: 'reads lab-*', indices: [{ names: ['lab-*'], privileges: ['read'] }], metadata: { team: 'blue' } });
    const byMetadata = await es.security.queryRole({ query: { term: { 'metadata.team': 'blue' } } });
    expect(byMetadata.total).toBe(1);
    expect(byMetadata.roles[0]).toMatchObject({ name: 'lab_reader', description: 'reads lab-*', indices: [{ names: ['lab-*'], privileges: ['read'] }], metadata: { team: 'blue' } });
    const reserved = await es.security.queryRole({ query: { bool: { must: [{ term: { 'metadata._reserved': true } }, { prefix: { name: 'super' } }] } }, sort: ['name'] });
    expect(reserved.roles.map((role) => [role.name, role._sort])).toEqual([['superuser', ['superuser']]]);
    const field = await failure(es.security.queryRole({ query: { term: { cluster: 'all' } } }));
    expect(field.reason).toBe('Field [cluster] is not allowed for querying or aggregation');
  });
});

describe('bulk roles through the official client', () => {
  it('bulkPutRole answers created, updated, noop and per-role errors', async () => {
    const es = lab.client();
    const first = await es.security.bulkPutRole({ roles: { bulk_a: { cluster: ['monitor'] }, bulk_b: { indices: [{ names: ['logs-*'], privileges: ['read'] }] } } });
    expect(first).toEqual({ created: ['bulk_a', 'bulk_b'] });
    const second = await es.security.bulkPutRole({
      roles: {
        bulk_a: { cluster: ['monitor'] },
        bulk_b: { indices: [{ names: ['logs-*'], privileges: ['read', 'view_index_metadata'] }] },
        bulk_c: { indices: [{ names: ['x'], privileges: ['read'], query: { terms: { user: { index: 'users', id: '1', path: 'names' } } } }] },
        superuser: { cluster: ['all'] },
      },
    });
    expect(second).toEqual({
      updated: ['bulk_b'],
      noop: ['bulk_a'],
      errors: {
        count: 2,
        details: {
          bulk_c: { type: 'parse_exception', reason: "failed to parse field 'query' for indices [x] at index privilege [0] of role descriptor" },
          superuser: { type: 'illegal_argument_exception', reason: 'Role [superuser] is reserved and may not be used.' },
        },
      },
    });
  });

  it('bulkDeleteRole answers deleted and not_found', async () => {
    const es = lab.client();
    expect(await es.security.bulkDeleteRole({ names: ['bulk_a', 'bulk_b', 'nope'] })).toEqual({ deleted: ['bulk_a', 'bulk_b'], not_found: ['nope'] });
  });
});
