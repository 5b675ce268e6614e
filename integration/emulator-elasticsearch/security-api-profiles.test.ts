import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startSecurityApiNode, type SecurityApiNode } from './support/security-api-node.js';

let lab: SecurityApiNode;
let uid: string;

beforeAll(async () => {
  lab = await startSecurityApiNode('profiles');
  await lab.client().security.putUser({ username: 'jacknich', password: 'jacknich-password', roles: ['viewer'], full_name: 'Jack Nicholson', email: 'jacknich@example.com' });
}, 90_000);

afterAll(async () => {
  await lab?.stop();
});

describe('user profiles through the official client', () => {
  it('activateUserProfile with the password grant creates the profile (same uid when activated again)', async () => {
    const es = lab.client();
    const profile = await es.security.activateUserProfile({ grant_type: 'password', username: 'jacknich', password: 'jacknich-password' });
    uid = profile.uid;
    expect(uid).toMatch(/^u_[A-Za-z0-9_-]{43}_0$/);
    expect(profile).toMatchObject({
      enabled: true,
      user: { username: 'jacknich', roles: ['viewer'], realm_name: 'default_native', full_name: 'Jack Nicholson', email: 'jacknich@example.com' },
      labels: {},
      data: {},
    });
    expect(typeof profile.last_synchronized).toBe('number');
    const again = await es.security.activateUserProfile({ grant_type: 'password', username: 'jacknich', password: 'jacknich-password' });
    expect(again.uid).toBe(uid);
  });

  it('a wrong password or a missing grant field is refused', async () => {
    const es = lab.client();
    const wrong = await failure(es.security.activateUserProfile({ grant_type: 'password', username: 'jacknich', password: 'nope-nope' }));
    expect([wrong.status, wrong.type]).toEqual([401, 'security_exception']);
    const missing = await failure(es.security.activateUserProfile({ grant_type: 'password', username: 'jacknich' }));
    expect([missing.status, missing.type, missing.reason]).toEqual([400, 'action_request_validation_exception', 'Validation Failed: 1: [password] is required for grant_type [password];']);
  });

  it('updateUserProfileData then getUserProfile with the data parameter', async () => {
    const es = lab.client();
    expect(await es.security.updateUserProfileData({ uid, labels: { direction: 'north' }, data: { app1: { theme: 'dark' }, app2: { x: 1 } } })).toEqual({ acknowledged: true });
    const plain = await es.security.getUserProfile({ uid });
    expect(plain.profiles[0]).toMatchObject({ uid, labels: { direction: 'north' }, data: {} });
    const withData = await es.security.getUserProfile({ uid, data: 'app1' });
    expect(withData.profiles[0]!.data).toEqual({ app1: { theme: 'dark' } });
    const missing = await es.security.getUserProfile({ uid: 'u_missing_0' });
    expect(missing).toEqual({ profiles: [], errors: { count: 1, details: { u_missing_0: { type: 'resource_not_found_exception', reason: 'profile document not found' } } } });
  });

  it('suggestUserProfiles matches name prefixes and leaves disabled profiles out', async () => {
    const es = lab.client();
    const found = await es.security.suggestUserProfiles({ name: 'jack' });
    expect(found.total).toEqual({ value: 1, relation: 'eq' });
    expect(found.profiles[0]).toMatchObject({ uid, user: { username: 'jacknich' }, labels: { direction: 'north' }, data: {} });
    expect(await es.security.disableUserProfile({ uid })).toEqual({ acknowledged: true });
    expect((await es.security.suggestUserProfiles({ name: 'jack' })).profiles).toEqual([]);
    expect(await es.security.enableUserProfile({ uid })).toEqual({ acknowledged: true });
  });

  it('hasPrivilegesUserProfile lists the profiles whose users hold the privileges, and unknown uids as errors', async () => {
    const es = lab.client();
    const holds = await es.security.hasPrivilegesUserProfile({ uids: [uid, 'u_missing_0'], privileges: { index: [{ names: ['logs'], privileges: ['read'] }] } });
    expect(holds).toEqual({ has_privilege_uids: [uid], errors: { count: 1, details: { u_missing_0: { type: 'resource_not_found_exception', reason: 'profile document not found' } } } });
    const lacks = await es.security.hasPrivilegesUserProfile({ uids: [uid], privileges: { cluster: ['manage_security'] } });
    expect(lacks).toEqual({ has_privilege_uids: [] });
  });

  it('a user without manage_user_profile cannot activate profiles', async () => {
    const denied = await failure(lab.client('jacknich', 'jacknich-password').security.activateUserProfile({ grant_type: 'password', username: 'jacknich', password: 'jacknich-password' }));
    expect(denied.status).toBe(403);
    expect(denied.reason).toBe(
      'action [cluster:admin/xpack/security/profile/activate] is unauthorized for user [jacknich] with effective roles [viewer], this action is granted by the cluster privileges [manage_user_profile,manage_security,all]',
    );
  });
});
