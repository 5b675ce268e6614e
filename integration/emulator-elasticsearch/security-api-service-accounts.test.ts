import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@elastic/elasticsearch';
import { hashSecret } from '../../emulator/elasticsearch/security/passwords.js';
import { failure, startSecurityApiNode, type SecurityApiNode } from './support/security-api-node.js';

/** Service accounts: the 9.x built-in list and its filters, tokens (create, delete, credentials) and their errors. */
let lab: SecurityApiNode;

const bearer = (token: string) => new Client({ node: `https://localhost:${lab.httpPort}`, auth: { bearer: token }, tls: { ca: lab.ca, rejectUnauthorized: true }, maxRetries: 0 });

/** A bearer string in ServiceAccountToken's format (magic bytes 00 01 00 01, then `ns/svc/name:secret`). */
const serviceToken = (qualifiedName: string, secret: string) => Buffer.concat([Buffer.from([0, 1, 0, 1]), Buffer.from(`${qualifiedName}:${secret}`)]).toString('base64');

const TOKEN_NAME_RULE =
  'service account token name must have at least 1 character and at most 256 characters that are alphanumeric (A-Z, a-z, 0-9) or hyphen (-) or underscore (_). It must not begin with an underscore (_).';

beforeAll(async () => {
  lab = await startSecurityApiNode('service-accounts');
  const es = lab.client();
  await es.security.putUser({ username: 'viewer1', password: 'viewer1-password', roles: ['viewer'] });
}, 90_000);

afterAll(async () => {
  await lab?.stop();
});

describe('service accounts through the official client', () => {
  it('GET /_security/service lists the 9.x built-in accounts with their role descriptors', async () => {
    const accounts = await lab.client().security.getServiceAccounts();
    expect(Object.keys(accounts)).toEqual(['elastic/auto-ops', 'elastic/fleet-server', 'elastic/fleet-server-remote', 'elastic/kibana']);
    expect(accounts['elastic/auto-ops']).toEqual({
      role_descriptor: {
        cluster: ['monitor', 'read_ilm', 'read_slm'],
        indices: [{ names: ['*'], privileges: ['monitor', 'view_index_metadata'], allow_restricted_indices: true }],
        applications: [],
        run_as: [],
        metadata: {},
        transient_metadata: { enabled: true },
      },
    });
    const fleet = accounts['elastic/fleet-server']!.role_descriptor;
    expect(fleet.cluster).toEqual(['monitor', 'manage_own_api_key', 'read_fleet_secrets', 'cluster:admin/xpack/connector/*']);
    expect(fleet.indices.slice(0, 4)).toEqual([
      {
        names: ['logs-*', 'metrics-*', 'traces-*', '.logs-endpoint.diagnostic.collection-*', '.logs-endpoint.action.responses-*', '.logs-endpoint.heartbeat-*'],
        privileges: ['write', 'create_index', 'auto_configure'],
        allow_restricted_indices: false,
      },
      { names: ['profiling-*'], privileges: ['read', 'write'], allow_restricted_indices: false },
      { names: ['traces-apm.sampled-*'], privileges: ['read', 'monitor', 'maintenance'], allow_restricted_indices: false },
      { names: ['.fleet-secrets*'], privileges: ['read'], allow_restricted_indices: true },
    ]);
    expect(fleet.indices.map((group) => group.names[0])).toContain('.fleet-agents*');
    expect(fleet).toMatchObject({ applications: [{ application: 'kibana-*', privileges: ['reserved_fleet-setup'], resources: ['*'] }], run_as: [], metadata: {}, transient_metadata: { enabled: true } });
    expect(accounts['elastic/kibana']!.role_descriptor.metadata).toEqual({ _reserved: true });
  });

  it('namespace and service filters; nothing matching answers 200 with {}', async () => {
    const es = lab.client();
    expect(Object.keys(await es.security.getServiceAccounts({ namespace: 'elastic' }))).toHaveLength(4);
    expect(await es.security.getServiceAccounts({ namespace: 'elastic', service: 'fleet-server-remote' })).toEqual({
      'elastic/fleet-server-remote': {
        role_descriptor: {
          cluster: ['monitor', 'manage_own_api_key'],
          indices: [{ names: ['logs-*', 'metrics-*', 'traces-*'], privileges: ['write', 'create_index', 'auto_configure'], allow_restricted_indices: false }],
          applications: [],
          run_as: [],
          metadata: {},
          transient_metadata: { enabled: true },
        },
      },
    });
    const none = await es.security.getServiceAccounts({ namespace: 'acme' }, { meta: true });
    expect([none.statusCode, none.body]).toEqual([200, {}]);
    const noService = await es.security.getServiceAccounts({ namespace: 'elastic', service: 'enterprise-search-server' }, { meta: true });
    expect([noService.statusCode, noService.body]).toEqual([200, {}]);
  });

  it('creates a named token and an unnamed one (token_<base64 UUID>); the value is the bearer credential', async () => {
    const es = lab.client();
    const created = await es.security.createServiceToken({ namespace: 'elastic', service: 'fleet-server', name: 'fleet-1' });
    expect(created).toEqual({ created: true, token: { name: 'fleet-1', value: expect.stringMatching(/^AAEAAW/) } });
    expect(Buffer.from(created.token.value, 'base64').subarray(4).toString()).toMatch(/^elastic\/fleet-server\/fleet-1:.{10,}$/);
    const me = await bearer(created.token.value).security.authenticate();
    expect(me).toMatchObject({
      username: 'elastic/fleet-server',
      full_name: 'Service account - elastic/fleet-server',
      authentication_realm: { name: '_service_account', type: '_service_account' },
      authentication_type: 'token',
      token: { name: 'fleet-1', type: '_service_account_index' },
    });
    const unnamed = await es.security.createServiceToken({ namespace: 'elastic', service: 'kibana' });
    expect(unnamed.token.name).toMatch(/^token_[A-Za-z0-9_-]{20}$/);
  });

  it('a taken name → 409 version_conflict_engine_exception on the .security document', async () => {
    const es = lab.client();
    await es.security.createServiceToken({ namespace: 'elastic', service: 'fleet-server', name: 'twice' });
    const again = await failure(es.security.createServiceToken({ namespace: 'elastic', service: 'fleet-server', name: 'twice' }));
    expect([again.status, again.type, again.reason]).toEqual([
      409,
      'version_conflict_engine_exception',
      '[service_account_token-elastic/fleet-server/twice]: version conflict, document already exists (current version [1])',
    ]);
    expect(again.body.error).toMatchObject({ shard: '0', index: '.security-7' });
  });

  it('an unknown account or another namespace → 400 illegal_argument_exception', async () => {
    const es = lab.client();
    const unknown = await failure(es.security.createServiceToken({ namespace: 'elastic', service: 'enterprise-search-server', name: 't1' }));
    expect([unknown.status, unknown.type, unknown.reason]).toEqual([400, 'illegal_argument_exception', 'service account [elastic/enterprise-search-server] does not exist']);
    const namespace = await failure(es.security.createServiceToken({ namespace: 'acme', service: 'fleet-server', name: 't1' }));
    expect([namespace.status, namespace.type, namespace.reason]).toEqual([400, 'illegal_argument_exception', 'service account [acme/fleet-server] does not exist']);
  });

  it('invalid token names → 400 action_request_validation_exception, before authorization, on create and delete', async () => {
    const es = lab.client();
    for (const name of ['_hidden', 'has.dot', 'x'.repeat(257)]) {
      const refused = await failure(es.security.createServiceToken({ namespace: 'elastic', service: 'fleet-server', name }));
      expect([refused.status, refused.type, refused.reason]).toEqual([400, 'action_request_validation_exception', `Validation Failed: 1: invalid service token name [${name}]. ${TOKEN_NAME_RULE};`]);
    }
    const deleted = await failure(es.security.deleteServiceToken({ namespace: 'elastic', service: 'fleet-server', name: '_hidden' }));
    expect([deleted.status, deleted.type]).toEqual([400, 'action_request_validation_exception']);
    const unprivileged = await failure(lab.client('viewer1', 'viewer1-password').security.createServiceToken({ namespace: 'elastic', service: 'fleet-server', name: '_hidden' }));
    expect(unprivileged.status).toBe(400);
    expect(await lab.client().security.createServiceToken({ namespace: 'elastic', service: 'fleet-server', name: 'x'.repeat(256) })).toMatchObject({ created: true });
  });

  it('without manage_service_account → 403 naming the privileges that grant the action', async () => {
    const viewer = lab.client('viewer1', 'viewer1-password');
    const create = await failure(viewer.security.createServiceToken({ namespace: 'elastic', service: 'fleet-server', name: 'v1' }));
    expect([create.status, create.type, create.reason]).toEqual([
      403,
      'security_exception',
      'action [cluster:admin/xpack/security/service_account/token/create] is unauthorized for user [viewer1] with effective roles [viewer], this action is granted by the cluster privileges [manage_service_account,manage_security,all]',
    ]);
    const list = await failure(viewer.security.getServiceAccounts());
    expect(list.reason).toBe(
      'action [cluster:admin/xpack/security/service_account/get] is unauthorized for user [viewer1] with effective roles [viewer], this action is granted by the cluster privileges [read_security,manage_service_account,manage_security,all]',
    );
  });

  it('GET …/credential: index tokens sorted, file tokens per node under nodes_credentials; an unknown account has none', async () => {
    const es = lab.client();
    await es.security.createServiceToken({ namespace: 'elastic', service: 'fleet-server-remote', name: 'zeta' });
    await es.security.createServiceToken({ namespace: 'elastic', service: 'fleet-server-remote', name: 'alpha' });
    writeFileSync(join(lab.node.esHome, 'config', 'service_tokens'), `elastic/fleet-server-remote/from-file:${hashSecret('file-secret-value-1')}\n`);
    const credentials = await es.security.getServiceCredentials({ namespace: 'elastic', service: 'fleet-server-remote' });
    expect(credentials).toEqual({
      service_account: 'elastic/fleet-server-remote',
      count: 3,
      tokens: { alpha: {}, zeta: {} },
      nodes_credentials: { _nodes: { total: 1, successful: 1, failed: 0 }, file_tokens: { 'from-file': { nodes: ['es01'] } } },
    });
    expect(Object.keys(credentials.tokens)).toEqual(['alpha', 'zeta']);
    const fromFile = await bearer(serviceToken('elastic/fleet-server-remote/from-file', 'file-secret-value-1')).security.authenticate();
    expect(fromFile.token).toMatchObject({ name: 'from-file', type: '_service_account_file' });
    const unknown = await es.security.getServiceCredentials({ namespace: 'acme', service: 'nothing' }, { meta: true });
    expect([unknown.statusCode, unknown.body]).toEqual([200, { service_account: 'acme/nothing', count: 0, tokens: {}, nodes_credentials: { _nodes: { total: 1, successful: 1, failed: 0 }, file_tokens: {} } }]);
  });

  it('DELETE: found → 200; again, or for an unknown account → 404 {"found": false}', async () => {
    const es = lab.client();
    await es.security.createServiceToken({ namespace: 'elastic', service: 'fleet-server', name: 'to-delete' });
    expect(await es.security.deleteServiceToken({ namespace: 'elastic', service: 'fleet-server', name: 'to-delete' })).toEqual({ found: true });
    const again = await es.security.deleteServiceToken({ namespace: 'elastic', service: 'fleet-server', name: 'to-delete' }, { ignore: [404], meta: true });
    expect([again.statusCode, again.body]).toEqual([404, { found: false }]);
    const unknown = await es.security.deleteServiceToken({ namespace: 'acme', service: 'fleet-server', name: 'to-delete' }, { ignore: [404], meta: true });
    expect([unknown.statusCode, unknown.body]).toEqual([404, { found: false }]);
  });

  it('authenticating with a deleted token, an unknown account, another namespace or a short secret → 401 in ServiceAccountService’s words', async () => {
    const es = lab.client();
    const created = await es.security.createServiceToken({ namespace: 'elastic', service: 'fleet-server', name: 'short-lived' });
    await es.security.deleteServiceToken({ namespace: 'elastic', service: 'fleet-server', name: 'short-lived' });
    const cases: Array<[string, string]> = [
      [created.token.value, 'failed to authenticate service account [elastic/fleet-server] with token name [short-lived]'],
      [serviceToken('elastic/enterprise-search-server/t1', 'a-long-enough-secret'), 'failed to authenticate service account [elastic/enterprise-search-server] with token name [t1]'],
      [serviceToken('acme/fleet-server/t1', 'a-long-enough-secret'), 'failed to authenticate service account [acme/fleet-server] with token name [t1]'],
      [serviceToken('elastic/fleet-server/fleet-1', 'short'), 'failed to authenticate service account [elastic/fleet-server] with token name [fleet-1]'],
    ];
    for (const [token, reason] of cases) {
      const refused = await failure(bearer(token).security.authenticate());
      expect([refused.status, refused.type, refused.reason]).toEqual([401, 'security_exception', reason]);
      expect(refused.body.error.header['WWW-Authenticate']).toContain('Bearer realm="security"');
    }
  });
});
