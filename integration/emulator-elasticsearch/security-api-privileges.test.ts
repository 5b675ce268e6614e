import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startSecurityApiNode, type SecurityApiNode } from './support/security-api-node.js';

/** Application privileges, global and application privileges in roles, through the official client. */
let lab: SecurityApiNode;

beforeAll(async () => {
  lab = await startSecurityApiNode('app-privileges');
  const es = lab.client();
  await es.security.putUser({ username: 'reader', password: 'reader-password', roles: ['viewer'] });
  await es.security.putRole({ name: 'myapp_manager', global: { application: { manage: { applications: ['myapp*'] } } } });
  await es.security.putUser({ username: 'appadmin', password: 'appadmin-password', roles: ['myapp_manager'] });
}, 90_000);

afterAll(async () => {
  await lab?.stop();
});

describe('application privileges through the official client', () => {
  it('putPrivileges creates then updates; getPrivileges by application and name; deletePrivileges', async () => {
    const es = lab.client();
    const privileges = {
      myapp: {
        read: { actions: ['data:read/*', 'action:login'], metadata: { description: 'Read access to myapp' } },
        write: { actions: ['data:write/*', 'action:login'] },
      },
    };
    expect(await es.security.putPrivileges({ privileges })).toEqual({ myapp: { read: { created: true }, write: { created: true } } });
    expect(await es.security.putPrivileges({ privileges: { myapp: { read: privileges.myapp.read } } })).toEqual({ myapp: { read: { created: false } } });
    expect(await es.security.getPrivileges({ application: 'myapp', name: 'read' })).toEqual({
      myapp: { read: { application: 'myapp', name: 'read', actions: ['data:read/*', 'action:login'], metadata: { description: 'Read access to myapp' } } },
    });
    expect(Object.keys((await es.security.getPrivileges({ application: 'myapp' })).myapp!)).toEqual(['read', 'write']);
    expect(await es.security.deletePrivileges({ application: 'myapp', name: 'write' })).toEqual({ myapp: { write: { found: true } } });
    const missing = await es.security.getPrivileges({ application: 'myapp', name: 'write' }, { meta: true, ignore: [404] });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toEqual({});
  });

  it('an invalid application or privilege name → 400 action_request_validation_exception', async () => {
    const answer = await failure(lab.client().security.putPrivileges({ privileges: { ab: { Read: { actions: ['data:read/*'] } } } }));
    expect(answer.status).toBe(400);
    expect(answer.type).toBe('action_request_validation_exception');
    expect(answer.reason).toBe(
      "Validation Failed: 1: An application name prefix must be at least 3 characters long (found 'ab');2: Application privilege names must match the pattern ^[a-z][a-zA-Z0-9_.-]*$ (found 'Read');",
    );
  });

  it('getBuiltinPrivileges lists cluster, index and remote_cluster privileges', async () => {
    const builtin = await lab.client().security.getBuiltinPrivileges();
    expect(builtin.cluster).toContain('manage_own_api_key');
    expect(builtin.cluster).toContain('manage_token');
    expect(builtin.index).toContain('create_doc');
    expect(builtin.remote_cluster).toEqual(['monitor_enrich', 'monitor_stats']);
  });

  it('clearCachedPrivileges answers with the nodes', async () => {
    const answer = await lab.client().security.clearCachedPrivileges({ application: 'myapp' });
    expect(answer).toMatchObject({ _nodes: { total: 1, successful: 1, failed: 0 }, cluster_name: 'lab' });
    expect(Object.values(answer.nodes).map((node) => node.name)).toEqual(['es01']);
  });

  it('a role with global application.manage may manage its applications only; others need manage_security', async () => {
    const admin = lab.client('appadmin', 'appadmin-password');
    expect(await admin.security.putPrivileges({ privileges: { 'myapp-two': { all: { actions: ['*'] } } } })).toEqual({ 'myapp-two': { all: { created: true } } });
    const other = await failure(admin.security.putPrivileges({ privileges: { otherapp: { all: { actions: ['*'] } } } }));
    expect(other.status).toBe(403);
    expect(other.reason).toBe(
      'action [cluster:admin/xpack/security/privilege/put] is unauthorized for user [appadmin] with effective roles [myapp_manager], this action is granted by the cluster privileges [manage_security,all]',
    );
    const reader = await failure(lab.client('reader', 'reader-password').security.getBuiltinPrivileges());
    expect(reader.reason).toBe(
      'action [cluster:admin/xpack/security/privilege/builtin/get] is unauthorized for user [reader] with effective roles [viewer], this action is granted by the cluster privileges [read_security,manage_security,all]',
    );
  });

  it('roles keep applications and global on put/get, and hasPrivileges checks application privileges', async () => {
    const es = lab.client();
    await es.security.putPrivileges({ privileges: { myapp: { read: { actions: ['data:read/*', 'action:login'] } } } });
    const role = {
      applications: [{ application: 'myapp', privileges: ['read'], resources: ['space:*'] }],
      global: { application: { manage: { applications: ['myapp'] } } },
    };
    await es.security.putRole({ name: 'myapp_reader', ...role });
    const got = await es.security.getRole({ name: 'myapp_reader' });
    expect(got.myapp_reader).toMatchObject(role);
    await es.security.putUser({ username: 'appuser', password: 'appuser-password', roles: ['myapp_reader'] });
    const check = await lab.client('appuser', 'appuser-password').security.hasPrivileges({
      application: [{ application: 'myapp', privileges: ['read', 'data:read/users', 'data:write/users'], resources: ['space:a', 'other'] }],
    });
    expect(check).toEqual({
      username: 'appuser',
      has_all_requested: false,
      cluster: {},
      index: {},
      application: {
        myapp: {
          'space:a': { read: true, 'data:read/users': true, 'data:write/users': false },
          other: { read: false, 'data:read/users': false, 'data:write/users': false },
        },
      },
    });
  });
});
