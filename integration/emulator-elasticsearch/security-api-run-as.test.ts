import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@elastic/elasticsearch';
import { failure, startSecurityApiNode, type SecurityApiNode } from './support/security-api-node.js';

/**
 * Run as another user with the `es-security-runas-user` header (AuthenticatorChain.maybeLookupRunAsUser,
 * AuthorizationService.maybeAuthorizeRunAs, AuthorizationDenialMessages.runAsDenied), through the official client.
 */
let lab: SecurityApiNode;
let boss: Client;

const as = (username: string) => ({ headers: { 'es-security-runas-user': username } });
const AUTHENTICATE = 'cluster:admin/xpack/security/user/authenticate';

beforeAll(async () => {
  lab = await startSecurityApiNode('run-as');
  const es = lab.client();
  await es.security.putRole({ name: 'impersonator', cluster: ['monitor', 'manage_own_api_key'], indices: [{ names: ['secret-*'], privileges: ['read'] }], run_as: ['analyst', 'team-*', 'elastic'] });
  await es.security.putRole({ name: 'reader', indices: [{ names: ['logs-*'], privileges: ['read'] }] });
  await es.security.putUser({ username: 'boss', password: 'boss-password', roles: ['impersonator'] });
  await es.security.putUser({ username: 'analyst', password: 'analyst-password', roles: ['reader'], full_name: 'Ann Analyst', email: 'ann@example.com', metadata: { team: 'soc' } });
  await es.security.putUser({ username: 'team-blue', password: 'team-blue-password', roles: ['reader'] });
  await es.security.putUser({ username: 'team-off', password: 'team-off-password', roles: ['reader'], enabled: false });
  await es.security.putUser({ username: 'outsider', password: 'outsider-password', roles: ['reader'] });
  await es.index({ index: 'logs-1', id: '1', document: { message: 'seen by readers' }, refresh: true });
  await es.index({ index: 'secret-1', id: '1', document: { message: 'seen by boss only' }, refresh: true });
  boss = lab.client('boss', 'boss-password');
}, 90_000);

afterAll(async () => {
  await lab?.stop();
});

describe('run as through the es-security-runas-user header', () => {
  it("a user in the caller's run_as is authenticated as the target; _authenticate shows both realms", async () => {
    const me = await boss.security.authenticate(undefined, as('analyst'));
    expect(me).toEqual({
      username: 'analyst',
      roles: ['reader'],
      full_name: 'Ann Analyst',
      email: 'ann@example.com',
      metadata: { team: 'soc' },
      enabled: true,
      authentication_realm: { name: 'default_native', type: 'native' },
      lookup_realm: { name: 'default_native', type: 'native' },
      authentication_type: 'realm',
    });
    const reserved = await boss.security.authenticate(undefined, as('elastic'));
    expect(reserved).toMatchObject({ username: 'elastic', roles: ['superuser'], authentication_realm: { name: 'default_native', type: 'native' }, lookup_realm: { name: 'reserved', type: 'reserved' } });
  });

  it('a wildcard in run_as covers the matching users', async () => {
    const me = await boss.security.authenticate(undefined, as('team-blue'));
    expect(me.username).toBe('team-blue');
  });

  it("a user outside the caller's run_as is refused with ES's run-as denial", async () => {
    const denied = await failure(boss.security.authenticate(undefined, as('outsider')));
    expect(denied).toMatchObject({
      status: 403,
      type: 'security_exception',
      reason: `action [${AUTHENTICATE}] is unauthorized for user [boss] with effective roles [impersonator], because user [boss] is unauthorized to run as [outsider]`,
    });
    const search = await failure(boss.search({ index: 'logs-1' }, as('outsider')));
    expect(search.reason).toBe('action [indices:data/read/search] is unauthorized for user [boss] with effective roles [impersonator], because user [boss] is unauthorized to run as [outsider]');
  });

  it('an unknown user is refused exactly like one outside run_as (no hint that it does not exist)', async () => {
    const denied = await failure(boss.security.authenticate(undefined, as('team-ghost')));
    expect(denied).toMatchObject({
      status: 403,
      type: 'security_exception',
      reason: `action [${AUTHENTICATE}] is unauthorized for user [boss] with effective roles [impersonator], because user [boss] is unauthorized to run as [team-ghost]`,
    });
  });

  it('a disabled target fails authentication; an empty name is refused', async () => {
    const disabled = await failure(boss.security.authenticate(undefined, as('team-off')));
    expect(disabled).toMatchObject({ status: 401, type: 'security_exception', reason: 'unable to authenticate user [boss] for REST request [/_security/_authenticate]' });
    const empty = await failure(boss.security.authenticate(undefined, as('')));
    expect(empty).toMatchObject({ status: 401, type: 'security_exception', reason: 'unable to authenticate user [boss] for REST request [/_security/_authenticate]' });
  });

  it("the request is authorized with the target's privileges, not the caller's", async () => {
    const logs = await boss.search({ index: 'logs-1' }, as('analyst'));
    expect(logs.hits.hits.map((hit) => hit._source)).toEqual([{ message: 'seen by readers' }]);
    // boss alone cannot read logs-1 but can read secret-1.
    expect((await failure(boss.search({ index: 'logs-1' }))).status).toBe(403);
    expect((await boss.search({ index: 'secret-1' })).hits.hits).toHaveLength(1);
    const secret = await failure(boss.search({ index: 'secret-1' }, as('analyst')));
    expect(secret).toMatchObject({
      status: 403,
      type: 'security_exception',
      reason: 'action [indices:data/read/search] is unauthorized for user [boss] run as [analyst] with effective roles [reader] on indices [secret-1], this action is granted by the index privileges [read,all]',
    });
    const health = await failure(boss.cluster.health(undefined, as('analyst')));
    expect(health.status).toBe(403);
    expect(health.reason).toMatch(/^action \[cluster:monitor\/health\] is unauthorized for user \[boss\] run as \[analyst\] with effective roles \[reader\], this action is granted by the cluster privileges \[/);
    const privileges = await boss.security.hasPrivileges({ index: [{ names: ['logs-1', 'secret-1'], privileges: ['read'] }] }, as('analyst'));
    expect(privileges).toMatchObject({ username: 'analyst', has_all_requested: false, index: { 'logs-1': { read: true }, 'secret-1': { read: false } } });
  });

  it("an API key runs as within its owner's run_as and its own role descriptors", async () => {
    const bossKey = await boss.security.createApiKey({ name: 'boss-key' });
    const keyClient = new Client({ node: `https://localhost:${lab.httpPort}`, auth: { apiKey: bossKey.encoded }, tls: { ca: lab.ca, rejectUnauthorized: true }, maxRetries: 0 });
    const me = await keyClient.security.authenticate(undefined, as('analyst'));
    expect(me).toMatchObject({
      username: 'analyst',
      authentication_realm: { name: '_es_api_key', type: '_es_api_key' },
      lookup_realm: { name: 'default_native', type: 'native' },
      authentication_type: 'api_key',
    });
    expect(me).not.toHaveProperty('api_key');
    const narrowKey = await boss.security.createApiKey({ name: 'no-run-as', role_descriptors: { narrow: { cluster: ['monitor'] } } });
    const narrowClient = new Client({ node: `https://localhost:${lab.httpPort}`, auth: { apiKey: narrowKey.encoded }, tls: { ca: lab.ca, rejectUnauthorized: true }, maxRetries: 0 });
    const denied = await failure(narrowClient.security.authenticate(undefined, as('analyst')));
    expect(denied).toMatchObject({
      status: 403,
      reason: `action [${AUTHENTICATE}] is unauthorized for API key id [${narrowKey.id}] of user [boss], because API key id [${narrowKey.id}] of user [boss] is unauthorized to run as [analyst]`,
    });
    await Promise.all([keyClient.close(), narrowClient.close()]);
  });

  it('a service account token ignores the header (service accounts cannot run as)', async () => {
    const token = await lab.client().security.createServiceToken({ namespace: 'elastic', service: 'fleet-server', name: 'run-as-test' });
    const fleet = new Client({ node: `https://localhost:${lab.httpPort}`, auth: { bearer: token.token.value }, tls: { ca: lab.ca, rejectUnauthorized: true }, maxRetries: 0 });
    const me = await fleet.security.authenticate(undefined, as('analyst'));
    expect(me).toMatchObject({ username: 'elastic/fleet-server', authentication_realm: { name: '_service_account' }, lookup_realm: { name: '_service_account' } });
    await fleet.close();
  });
});
