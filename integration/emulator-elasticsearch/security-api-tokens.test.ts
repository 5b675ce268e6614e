import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@elastic/elasticsearch';
import { failure, startSecurityApiNode, type SecurityApiNode } from './support/security-api-node.js';

/** The token service: get (password, client_credentials, refresh), Bearer authentication, invalidation. */
let lab: SecurityApiNode;

const bearer = (token: string) => new Client({ node: `https://localhost:${lab.httpPort}`, auth: { bearer: token }, tls: { ca: lab.ca, rejectUnauthorized: true }, maxRetries: 0 });

beforeAll(async () => {
  lab = await startSecurityApiNode('tokens');
  const es = lab.client();
  await es.security.putUser({ username: 'alice', password: 'alice-password', roles: ['viewer'], full_name: 'Alice' });
  await es.security.putRole({ name: 'token_client', cluster: ['manage_token'] });
  await es.security.putUser({ username: 'tokenapp', password: 'tokenapp-password', roles: ['token_client'] });
}, 90_000);

afterAll(async () => {
  await lab?.stop();
});

describe('tokens through the official client', () => {
  it('password grant: access and refresh token, 20 minutes, the user’s authentication; Bearer authenticates as token', async () => {
    const token = await lab.client().security.getToken({ grant_type: 'password', username: 'alice', password: 'alice-password' });
    expect(token).toMatchObject({
      type: 'Bearer',
      expires_in: 1200,
      authentication: { username: 'alice', roles: ['viewer'], full_name: 'Alice', authentication_realm: { name: 'default_native', type: 'native' }, authentication_type: 'realm' },
    });
    expect(token.access_token).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
    expect(token.refresh_token).toBeTypeOf('string');
    const me = await bearer(token.access_token).security.authenticate();
    expect(me).toMatchObject({ username: 'alice', roles: ['viewer'], authentication_type: 'token', authentication_realm: { name: 'default_native', type: 'native' } });
    expect(me).not.toHaveProperty('token');
  });

  it('client_credentials grant: a token for the caller, without refresh token', async () => {
    const token = await lab.client('tokenapp', 'tokenapp-password').security.getToken({ grant_type: 'client_credentials' });
    expect(token).not.toHaveProperty('refresh_token');
    expect(token.authentication.username).toBe('tokenapp');
  });

  it('a refresh token is single-use: the same superseding tokens within 30 s, by the creating client only', async () => {
    const client = lab.client('tokenapp', 'tokenapp-password');
    const first = await client.security.getToken({ grant_type: 'password', username: 'alice', password: 'alice-password' });
    const refreshed = await client.security.getToken({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(refreshed.access_token).not.toBe(first.access_token);
    expect(refreshed.authentication).toMatchObject({ username: 'alice', authentication_type: 'token' });
    const again = await client.security.getToken({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect([again.access_token, again.refresh_token]).toEqual([refreshed.access_token, refreshed.refresh_token]);
    const otherClient = await failure(lab.client().security.getToken({ grant_type: 'refresh_token', refresh_token: refreshed.refresh_token }));
    expect(otherClient.status).toBe(400);
    expect(otherClient.body).toEqual({ error: 'invalid_grant', error_description: 'tokens must be refreshed by the creating client' });
  });

  it('request errors in OAuth2 form; a wrong password → 401; a caller without manage_token → 403', async () => {
    const grant = await failure(lab.client().security.getToken({ grant_type: 'authorization_code' as never }));
    expect(grant.status).toBe(400);
    expect(grant.body).toEqual({ error: 'unsupported_grant_type', error_description: 'Validation Failed: 1: grant_type only supports the values: [password, _kerberos, refresh_token, client_credentials];' });
    const missing = await failure(lab.client().security.getToken({ grant_type: 'password', username: 'alice' }));
    expect(missing.body).toEqual({ error: 'invalid_request', error_description: 'Validation Failed: 1: password is missing;' });
    const unknown = await failure(lab.client().security.getToken({ grant_type: 'refresh_token', refresh_token: 'bm90LWEtdG9rZW4=' }));
    expect(unknown.body).toEqual({ error: 'invalid_grant', error_description: 'could not refresh the requested token' });
    const wrong = await failure(lab.client().security.getToken({ grant_type: 'password', username: 'alice', password: 'not-her-password' }));
    expect(wrong.status).toBe(401);
    expect(wrong.reason).toBe('unable to authenticate user [alice] for action [cluster:admin/xpack/security/token/create]');
    const denied = await failure(lab.client('alice', 'alice-password').security.getToken({ grant_type: 'client_credentials' }));
    expect(denied.status).toBe(403);
    expect(denied.reason).toBe(
      'action [cluster:admin/xpack/security/token/create] is unauthorized for user [alice] with effective roles [viewer], this action is granted by the cluster privileges [manage_token,manage_security,all]',
    );
  });

  it('invalidateToken by token, refresh_token and username; an invalidated token is refused as expired', async () => {
    const es = lab.client();
    const token = await es.security.getToken({ grant_type: 'password', username: 'alice', password: 'alice-password' });
    expect(await es.security.invalidateToken({ token: token.access_token })).toEqual({ invalidated_tokens: 1, previously_invalidated_tokens: 0, error_count: 0 });
    expect(await es.security.invalidateToken({ token: token.access_token })).toEqual({ invalidated_tokens: 0, previously_invalidated_tokens: 1, error_count: 0 });
    const expired = await failure(bearer(token.access_token).security.authenticate());
    expect(expired.status).toBe(401);
    expect(expired.reason).toBe('token expired');
    expect(await es.security.invalidateToken({ refresh_token: token.refresh_token })).toEqual({ invalidated_tokens: 1, previously_invalidated_tokens: 0, error_count: 0 });
    const refresh = await failure(es.security.getToken({ grant_type: 'refresh_token', refresh_token: token.refresh_token }));
    expect(refresh.body).toEqual({ error: 'invalid_grant', error_description: 'token has been invalidated' });
    const unknown = await es.security.invalidateToken({ token: 'bm90LWEtdG9rZW4=' }, { meta: true, ignore: [404] });
    expect([unknown.statusCode, unknown.body]).toEqual([404, { invalidated_tokens: 0, previously_invalidated_tokens: 0, error_count: 0 }]);
    await es.security.getToken({ grant_type: 'password', username: 'alice', password: 'alice-password' });
    const byUser = await es.security.invalidateToken({ username: 'alice' });
    expect(byUser.invalidated_tokens).toBeGreaterThanOrEqual(2);
    const noBody = await failure(es.security.invalidateToken({}));
    expect([noBody.status, noBody.type, noBody.reason]).toEqual([400, 'parse_exception', 'request body is required']);
    const none = await failure(es.security.invalidateToken({ realm_name: '' }));
    expect(none.status).toBe(400);
    expect(none.reason).toBe('Validation Failed: 1: token string must be provided when not specifying a realm name or a username;');
  });
});
