import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startSecurityApiNode, type SecurityApiNode } from './support/security-api-node.js';

let lab: SecurityApiNode;

beforeAll(async () => {
  lab = await startSecurityApiNode('role-mappings');
}, 90_000);

afterAll(async () => {
  await lab?.stop();
});

describe('role mappings through the official client', () => {
  it('putRoleMapping creates then updates; getRoleMapping returns roles, rules, enabled and metadata', async () => {
    const es = lab.client();
    const rules = { all: [{ field: { username: 'esadmin' } }, { field: { groups: 'cn=admins,dc=example,dc=com' } }, { except: { field: { 'realm.name': 'file1' } } }] };
    expect(await es.security.putRoleMapping({ name: 'mapping1', roles: ['user'], enabled: true, rules, metadata: { version: 1 } })).toEqual({ role_mapping: { created: true } });
    expect(await es.security.putRoleMapping({ name: 'mapping1', roles: ['user', 'admin'], rules })).toEqual({ role_mapping: { created: false } });
    const got = await es.security.getRoleMapping({ name: 'mapping1' });
    expect(got).toEqual({ mapping1: { enabled: true, roles: ['user', 'admin'], rules, metadata: {} } });
  });

  it('role_templates keep their mustache source as JSON text with their format', async () => {
    const es = lab.client();
    await es.security.putRoleMapping({
      name: 'templated',
      role_templates: [{ template: { source: '{{#tojson}}groups{{/tojson}}' }, format: 'json' }, { template: { source: 'ldap-{{username}}' } }],
      rules: { any: [{ field: { 'realm.name': 'ldap1' } }] },
      enabled: true,
    });
    const got = await es.security.getRoleMapping({ name: 'templated' });
    expect(got.templated!.role_templates).toEqual([
      { template: '{"source":"{{#tojson}}groups{{/tojson}}"}', format: 'json' },
      { template: '{"source":"ldap-{{username}}"}', format: 'string' },
    ]);
    const all = await es.security.getRoleMapping();
    expect(Object.keys(all).sort()).toEqual(['mapping1', 'templated']);
  });

  it('refuses a mapping without roles or rules, or with both roles and templates (PutRoleMappingRequest.validate)', async () => {
    const es = lab.client();
    const missing = await failure(es.security.putRoleMapping({ name: 'bad', enabled: true } as never));
    expect(missing.status).toBe(400);
    expect(missing.type).toBe('action_request_validation_exception');
    expect(missing.reason).toBe('Validation Failed: 1: role-mapping roles or role-templates are missing;2: role-mapping rules are missing;');
    const both = await failure(es.security.putRoleMapping({ name: 'bad', roles: ['a'], role_templates: [{ template: { source: 'x' } }], rules: { field: { username: '*' } } }));
    expect(both.reason).toBe('Validation Failed: 1: role-mapping cannot have both roles and role-templates;');
  });

  it('deleteRoleMapping answers found, then 404 found:false; a missing mapping is 404 {}', async () => {
    const es = lab.client();
    expect(await es.security.deleteRoleMapping({ name: 'mapping1' })).toEqual({ found: true });
    const again = await failure(es.security.deleteRoleMapping({ name: 'mapping1' }));
    expect(again.status).toBe(404);
    expect(again.body).toEqual({ found: false });
    const gone = await failure(es.security.getRoleMapping({ name: 'mapping1' }));
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({});
  });

  it('a user without manage_security is refused with ES’s denial', async () => {
    const es = lab.client();
    await es.security.putUser({ username: 'reader', password: 'reader-password', roles: ['viewer'] });
    const denied = await failure(lab.client('reader', 'reader-password').security.putRoleMapping({ name: 'x', roles: ['a'], rules: { field: { username: '*' } } }));
    expect(denied.status).toBe(403);
    expect(denied.reason).toBe(
      'action [cluster:admin/xpack/security/role_mapping/put] is unauthorized for user [reader] with effective roles [viewer], this action is granted by the cluster privileges [manage_security,all]',
    );
  });
});
