import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import bcrypt from 'bcryptjs';
import { failure, startSecurityApiNode, type SecurityApiNode } from './support/security-api-node.js';

let lab: SecurityApiNode;

beforeAll(async () => {
  lab = await startSecurityApiNode('users');
}, 90_000);

afterAll(async () => {
  await lab?.stop();
});

const SUPPORTED =
  '[bcrypt, bcrypt4, bcrypt5, bcrypt6, bcrypt7, bcrypt8, bcrypt9, bcrypt10, bcrypt11, bcrypt12, bcrypt13, bcrypt14, pbkdf2, pbkdf2_1000, pbkdf2_10000, pbkdf2_50000, pbkdf2_100000, pbkdf2_500000, pbkdf2_1000000, pbkdf2_stretch, pbkdf2_stretch_1000, pbkdf2_stretch_10000, pbkdf2_stretch_50000, pbkdf2_stretch_100000, pbkdf2_stretch_500000, pbkdf2_stretch_1000000]';

describe('users: password_hash, self-disable, role validation', () => {
  it('putUser with a bcrypt password_hash: the user authenticates with the password behind it', async () => {
    const es = lab.client();
    const hash = bcrypt.hashSync('hashed-password-1', 10);
    expect(await es.security.putUser({ username: 'hashed', password_hash: hash, roles: ['viewer'] })).toEqual({ created: true });
    const me = await lab.client('hashed', 'hashed-password-1').security.authenticate();
    expect(me.username).toBe('hashed');
  });

  it('changePassword with a bcrypt hash of another cost is taken; a clear-text or {SHA} hash is refused in ES’s words', async () => {
    const es = lab.client();
    await es.security.changePassword({ username: 'hashed', password_hash: bcrypt.hashSync('hashed-password-2', 4) });
    expect((await lab.client('hashed', 'hashed-password-2').security.authenticate()).username).toBe('hashed');
    const clear = await failure(es.security.changePassword({ username: 'hashed', password_hash: 'not-a-hash' }));
    expect([clear.status, clear.type]).toEqual([400, 'illegal_argument_exception']);
    expect(clear.reason).toBe(`The provided password hash is not a hash or it could not be resolved to a supported hash algorithm. The supported password hash algorithms are ${SUPPORTED}`);
    const sha = await failure(es.security.putUser({ username: 'sha', password_hash: '{SHA}fEqNCco3Yq9h5ZUglD3CZJT4lBs=', roles: [] }));
    expect(sha.reason).toBe(clear.reason);
  });

  it('a user may not disable itself; deleting itself is not refused (TransportDeleteUserAction has no such check)', async () => {
    const es = lab.client();
    await es.security.putUser({ username: 'admin2', password: 'admin2-password', roles: ['superuser'] });
    const admin = lab.client('admin2', 'admin2-password');
    const self = await failure(admin.security.disableUser({ username: 'admin2' }));
    expect([self.status, self.type, self.reason]).toEqual([400, 'illegal_argument_exception', 'users may not update the enabled status of their own account']);
    const elastic = await failure(es.security.disableUser({ username: 'elastic' }));
    expect(elastic.reason).toBe('users may not update the enabled status of their own account');
    expect(await admin.security.disableUser({ username: 'hashed' })).toEqual({});
    expect(await admin.security.deleteUser({ username: 'admin2' })).toEqual({ found: true });
  });

  it('a terms lookup in a role’s DLS query is refused (DLSRoleQueryValidator)', async () => {
    const es = lab.client();
    const refused = await failure(
      es.security.putRole({ name: 'dls', indices: [{ names: ['a', 'b'], privileges: ['read'], query: { bool: { filter: [{ terms: { owner: { index: 'owners', id: '1', path: 'users' } } }] } } }] }),
    );
    expect(refused.status).toBe(400);
    expect(refused.type).toBe('parse_exception');
    expect(refused.reason).toBe("failed to parse field 'query' for indices [a,b] at index privilege [0] of role descriptor");
    expect(refused.body.error.caused_by).toEqual({ type: 'illegal_argument_exception', reason: "terms query with terms lookup isn't supported as part of a role query" });
    const template = await es.security.putRole({ name: 'dls_template', indices: [{ names: ['a'], privileges: ['read'], query: { template: { source: { term: { owner: '{{_user.username}}' } } } } }] });
    expect(template).toEqual({ role: { created: true } });
  });

  it('remote_indices and remote_cluster are stored and returned; unsupported remote cluster privileges are refused', async () => {
    const es = lab.client();
    await es.security.putRole({
      name: 'remote',
      remote_indices: [{ clusters: ['cluster-b'], names: ['logs-*'], privileges: ['read'] }],
      remote_cluster: [{ clusters: ['cluster-b'], privileges: ['monitor_enrich'] }],
    });
    const got = await es.security.getRole({ name: 'remote' });
    expect(got.remote!.remote_indices).toEqual([{ clusters: ['cluster-b'], names: ['logs-*'], privileges: ['read'] }]);
    expect(got.remote!.remote_cluster).toEqual([{ clusters: ['cluster-b'], privileges: ['monitor_enrich'] }]);
    const bad = await failure(es.security.putRole({ name: 'remote2', remote_cluster: [{ clusters: ['b'], privileges: ['manage'] }] } as never /* a privilege the client's types rightly leave out */));
    expect([bad.status, bad.type, bad.reason]).toEqual([
      400,
      'action_request_validation_exception',
      'Validation Failed: 1: Invalid remote_cluster permissions found. Please remove the following: [manage] Only [monitor_enrich, monitor_stats] are allowed;',
    ]);
  });
});
