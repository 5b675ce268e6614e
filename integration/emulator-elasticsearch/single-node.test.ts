import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { request as httpRequest } from 'node:http';
import { Client } from '@elastic/elasticsearch';
import { createCertificateAuthority, issueNodeCertificate } from './support/pki.js';
import { EsProcess, basicAuth, esRequest, freePort, makeEsHome, writeSettings } from './support/es-node.js';

/**
 * One secured node bound to 127.0.0.2 (so 127.0.0.1 and 127.0.0.3 are "other" client addresses for IP
 * filtering): HTTPS + transport TLS, trial licence, audit on.
 */
const HOST = '127.0.0.2';
const PASSWORD = 'elastic-bootstrap-pw';
const ELASTIC = basicAuth('elastic', PASSWORD);

let esHome: string;
let node: EsProcess;
let httpPort: number;
let ca: Buffer;

async function startNode(): Promise<EsProcess> {
  const started = new EsProcess(esHome, { ELASTIC_PASSWORD: PASSWORD });
  await started.waitForLog(/^started /);
  return started;
}

const es = (method: string, path: string, request: Parameters<typeof esRequest>[3] = {}, localAddress?: string) => esRequest({ host: HOST, port: httpPort, ca, localAddress }, method, path, request);

beforeAll(async () => {
  esHome = makeEsHome('single');
  const certs = join(esHome, 'config', 'certs');
  const authority = createCertificateAuthority(certs, 'ca', 'Seclab Test CA');
  issueNodeCertificate(certs, authority, 'es01', { dns: ['es01', 'localhost'], ip: ['127.0.0.1', HOST] });
  ca = readFileSync(authority.certificatePath);
  httpPort = await freePort(HOST);
  const transportPort = await freePort(HOST);
  writeSettings(esHome, {
    'cluster.name': 'lab',
    'node.name': 'es01',
    'network.host': HOST,
    'http.port': httpPort,
    'transport.port': transportPort,
    'discovery.type': 'single-node',
    'xpack.license.self_generated.type': 'trial',
    'xpack.security.enabled': true,
    'xpack.security.http.ssl.enabled': true,
    'xpack.security.http.ssl.key': 'certs/es01/es01.key',
    'xpack.security.http.ssl.certificate': 'certs/es01/es01.crt',
    'xpack.security.http.ssl.certificate_authorities': ['certs/ca/ca.crt'],
    'xpack.security.transport.ssl.enabled': true,
    'xpack.security.transport.ssl.verification_mode': 'certificate',
    'xpack.security.transport.ssl.key': 'certs/es01/es01.key',
    'xpack.security.transport.ssl.certificate': 'certs/es01/es01.crt',
    'xpack.security.transport.ssl.certificate_authorities': ['certs/ca/ca.crt'],
    'xpack.security.audit.enabled': true,
  });
  node = await startNode();
}, 30000);

afterAll(async () => {
  await node?.stop();
});

describe('HTTP TLS', () => {
  it('serves a certificate chain that verifies against the lab CA, for localhost, with TLS >= 1.2', async () => {
    const result = await new Promise<{ authorized: boolean; protocol: string | null; subject: string }>((resolve, reject) => {
      const socket = tlsConnect({ host: HOST, port: httpPort, ca, servername: 'localhost' }, () => {
        resolve({ authorized: socket.authorized, protocol: socket.getProtocol(), subject: String(socket.getPeerCertificate().subject.CN) });
        socket.end();
      });
      socket.on('error', reject);
    });
    expect(result).toEqual({ authorized: true, protocol: expect.stringMatching(/^TLSv1\.[23]$/), subject: 'es01' });
  });

  it('refuses TLS 1.1', async () => {
    const error = await new Promise<Error>((resolve) => {
      const socket = tlsConnect({ host: HOST, port: httpPort, ca, servername: 'localhost', maxVersion: 'TLSv1.1', minVersion: 'TLSv1' }, () => resolve(new Error('connected')));
      socket.on('error', resolve);
    });
    expect(error.message).not.toBe('connected');
  });

  it('does not answer plain HTTP on the HTTPS port', async () => {
    const outcome = await new Promise<string>((resolve) => {
      const req = httpRequest({ host: HOST, port: httpPort, path: '/', timeout: 5000 }, (res) => resolve(`status ${res.statusCode}`));
      req.on('error', (error) => resolve(error.message));
      req.end();
    });
    expect(outcome).toMatch(/socket hang up|ECONNRESET/);
    await node.waitForLog(/received plaintext http traffic on an https channel, closing connection/);
  });
});

describe('authentication', () => {
  it('answers an anonymous request with the exact 401 body and three WWW-Authenticate headers', async () => {
    const answer = await es('GET', '/?pretty');
    expect(answer.status).toBe(401);
    const challenges = ['Basic realm="security", charset="UTF-8"', 'Bearer realm="security"', 'ApiKey'];
    const reason = 'missing authentication credentials for REST request [/?pretty]';
    expect(answer.json).toEqual({
      error: {
        root_cause: [{ type: 'security_exception', reason, header: { 'WWW-Authenticate': challenges } }],
        type: 'security_exception',
        reason,
        header: { 'WWW-Authenticate': challenges },
      },
      status: 401,
    });
    const headerLines = answer.rawHeaders.filter((_, index) => index % 2 === 0 && answer.rawHeaders[index]!.toLowerCase() === 'www-authenticate').length;
    expect(headerLines).toBe(3);
    expect(answer.rawHeaders.filter((_, index) => index % 2 === 1 && answer.rawHeaders[index - 1]!.toLowerCase() === 'www-authenticate')).toEqual(challenges);
    expect(answer.headers['x-elastic-product']).toBe('Elasticsearch');
    expect(answer.headers['content-type']).toBe('application/json');
    // The official compose file's health check greps this string.
    expect(answer.text).toContain('missing authentication credentials');
  });

  it('rejects a wrong password with the user named in the reason', async () => {
    const answer = await es('GET', '/_cluster/health', { auth: basicAuth('elastic', 'wrong') });
    expect(answer.status).toBe(401);
    expect(answer.json.error.reason).toBe('unable to authenticate user [elastic] for REST request [/_cluster/health]');
  });

  it('keeps reserved users without a password locked until one is set', async () => {
    expect((await es('GET', '/', { auth: basicAuth('kibana_system', '') })).status).toBe(401);
    const set = await es('POST', '/_security/user/kibana_system/_password', { auth: ELASTIC, body: { password: 'kibana-system-pw' } });
    expect(set.status).toBe(200);
    expect(set.text).toBe('{}');
    const who = await es('GET', '/_security/_authenticate', { auth: basicAuth('kibana_system', 'kibana-system-pw') });
    expect(who.json).toMatchObject({ username: 'kibana_system', roles: ['kibana_system'], authentication_realm: { name: 'reserved', type: 'reserved' }, authentication_type: 'realm' });
  });

  it('works with the official client (CA + basic auth): info, health, authenticate', async () => {
    // The client connects to "localhost" but the node listens on 127.0.0.2: resolve through a lookup hook.
    const lookupClient = new Client({
      node: `https://localhost:${httpPort}`,
      auth: { username: 'elastic', password: PASSWORD },
      tls: {
        ca,
        lookup: (_host: string, options: unknown, callback: (...args: unknown[]) => void) =>
          typeof options === 'object' && (options as { all?: boolean }).all ? callback(null, [{ address: HOST, family: 4 }]) : callback(null, HOST, 4),
      } as never,
    });
    try {
      const info = await lookupClient.info();
      expect(info.tagline).toBe('You Know, for Search (seclab emulated)');
      expect(info.version.build_flavor).toBe('default');
      const health = await lookupClient.cluster.health();
      expect(health.number_of_nodes).toBe(1);
      const me = await lookupClient.security.authenticate();
      expect(me.username).toBe('elastic');
      expect(me.roles).toEqual(['superuser']);
    } finally {
      await lookupClient.close();
    }
  });
});

describe('authorization', () => {
  beforeAll(async () => {
    await es('PUT', '/_security/role/logs-writer', { auth: ELASTIC, body: { indices: [{ names: ['logs-*'], privileges: ['create_doc', 'create_index'] }] } });
    await es('PUT', '/_security/user/logger', { auth: ELASTIC, body: { password: 'logger-pw', roles: ['logs-writer'] } });
    await es('PUT', '/_security/user/reader', { auth: ELASTIC, body: { password: 'reader-pw', roles: ['viewer'] } });
    await es('PUT', '/secret/_doc/1?refresh=true', { auth: ELASTIC, body: { message: 'classified' } });
    await es('PUT', '/public/_doc/1?refresh=true', { auth: ELASTIC, body: { message: 'hello' } });
  });

  it('answers 403 with the exact ES message for an index write', async () => {
    const answer = await es('PUT', '/secret/_doc/2', { auth: basicAuth('logger', 'logger-pw'), body: { a: 1 } });
    expect(answer.status).toBe(403);
    const reason =
      'action [indices:data/write/index] is unauthorized for user [logger] with effective roles [logs-writer] on indices [secret], this action is granted by the index privileges [create_doc,create,index,write,all]';
    expect(answer.json).toEqual({ error: { root_cause: [{ type: 'security_exception', reason }], type: 'security_exception', reason }, status: 403 });
    expect(answer.headers['www-authenticate']).toBeUndefined();
  });

  it('answers 403 for a cluster action with the cluster privileges that grant it', async () => {
    const answer = await es('PUT', '/_security/user/x', { auth: basicAuth('reader', 'reader-pw'), body: { password: 'xxxxxx' } });
    expect(answer.status).toBe(403);
    expect(answer.json.error.reason).toBe(
      'action [cluster:admin/xpack/security/user/put] is unauthorized for user [reader] with effective roles [viewer], this action is granted by the cluster privileges [manage_security,all]',
    );
  });

  it('lets a read-only user read (200) and not write (403)', async () => {
    const read = await es('GET', '/public/_search', { auth: basicAuth('reader', 'reader-pw') });
    expect(read.status).toBe(200);
    expect(read.json.hits.total).toEqual({ value: 1, relation: 'eq' });
    const write = await es('POST', '/public/_doc', { auth: basicAuth('reader', 'reader-pw'), body: { a: 1 } });
    expect(write.status).toBe(403);
  });

  it('drops unauthorized indices from wildcard searches but refuses a concrete one', async () => {
    const wildcard = await es('GET', '/secr*/_search', { auth: basicAuth('logger', 'logger-pw') });
    expect(wildcard.status).toBe(200);
    expect(wildcard.json.hits.total.value).toBe(0);
    const concrete = await es('GET', '/secret/_search', { auth: basicAuth('logger', 'logger-pw') });
    expect(concrete.status).toBe(403);
    expect(concrete.json.error.reason).toContain(
      'action [indices:data/read/search] is unauthorized for user [logger] with effective roles [logs-writer] on indices [secret], this action is granted by the index privileges [read,all]',
    );
  });

  it('protects restricted indices unless allow_restricted_indices is granted', async () => {
    const answer = await es('PUT', '/.kibana_1/_doc/1', { auth: ELASTIC, body: { a: 1 } });
    expect(answer.status).toBe(403);
    expect(answer.json.error.reason).toContain('on restricted indices [.kibana_1]');
  });

  it('answers _has_privileges for the caller', async () => {
    const answer = await es('POST', '/_security/user/_has_privileges', {
      auth: basicAuth('logger', 'logger-pw'),
      body: { cluster: ['monitor'], index: [{ names: ['logs-app', 'secret'], privileges: ['create_doc', 'read'] }] },
    });
    expect(answer.json).toEqual({
      username: 'logger',
      has_all_requested: false,
      cluster: { monitor: false },
      index: { 'logs-app': { create_doc: true, read: false }, secret: { create_doc: false, read: false } },
      application: {},
    });
  });

  it('reports unknown paths only after authentication', async () => {
    expect((await es('GET', '/_nothing_here')).status).toBe(401);
    const answer = await es('GET', '/_nothing_here', { auth: ELASTIC });
    expect(answer.status).toBe(400);
    expect(answer.json.error).toBe('no handler found for uri [/_nothing_here] and method [GET]');
  });
});

describe('API keys and service tokens', () => {
  it('authenticates with an API key limited by its role descriptors', async () => {
    const created = await es('POST', '/_security/api_key', {
      auth: ELASTIC,
      body: { name: 'public-reader', role_descriptors: { reader: { indices: [{ names: ['public'], privileges: ['read'] }] } } },
    });
    expect(created.status).toBe(200);
    expect(Buffer.from(created.json.encoded, 'base64').toString()).toBe(`${created.json.id}:${created.json.api_key}`);
    const auth = `ApiKey ${created.json.encoded}`;
    const me = await es('GET', '/_security/_authenticate', { auth });
    expect(me.json).toMatchObject({ username: 'elastic', authentication_type: 'api_key', api_key: { id: created.json.id, name: 'public-reader' } });
    expect((await es('GET', '/public/_search', { auth })).status).toBe(200);
    const denied = await es('GET', '/secret/_search', { auth });
    expect(denied.status).toBe(403);
    expect(denied.json.error.reason).toContain(`is unauthorized for API key id [${created.json.id}] of user [elastic] on indices [secret]`);
    const listed = await es('GET', `/_security/api_key?id=${created.json.id}`, { auth: ELASTIC });
    expect(listed.json.api_keys[0]).toMatchObject({ id: created.json.id, name: 'public-reader', invalidated: false, username: 'elastic', realm: 'reserved' });
    const invalidated = await es('DELETE', '/_security/api_key', { auth: ELASTIC, body: { ids: [created.json.id] } });
    expect(invalidated.text).toContain('invalidated_api_keys');
    expect(invalidated.json.invalidated_api_keys).toEqual([created.json.id]);
    expect((await es('GET', '/', { auth })).status).toBe(401);
  });

  it('authenticates Fleet Server with a service account token (Bearer)', async () => {
    const created = await es('POST', '/_security/service/elastic/fleet-server/credential/token/fleet-token-1', { auth: ELASTIC });
    expect(created.json).toMatchObject({ created: true, token: { name: 'fleet-token-1' } });
    expect(created.json.token.value).toMatch(/^AAEAAW/);
    const me = await es('GET', '/_security/_authenticate', { auth: `Bearer ${created.json.token.value}` });
    expect(me.json).toMatchObject({
      username: 'elastic/fleet-server',
      roles: [],
      full_name: 'Service account - elastic/fleet-server',
      metadata: { _elastic_service_account: true },
      authentication_realm: { name: '_service_account', type: '_service_account' },
      authentication_type: 'token',
      token: { type: '_service_account_index', name: 'fleet-token-1' },
    });
    const fleetWrite = await es('PUT', '/.fleet-agents/_doc/a1', { auth: `Bearer ${created.json.token.value}`, body: { active: true } });
    expect(fleetWrite.status).toBe(201);
    const denied = await es('GET', '/secret/_search', { auth: `Bearer ${created.json.token.value}` });
    expect(denied.json.error.reason).toContain('is unauthorized for service account [elastic/fleet-server] on indices [secret]');
  });
});

describe('documents', () => {
  it('indexes, gets, updates, searches, counts and deletes with ES response shapes', async () => {
    const created = await es('POST', '/notes/_doc', { auth: ELASTIC, body: { title: 'first', n: 1 } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ _index: 'notes', _version: 1, result: 'created', _seq_no: 0, _primary_term: 1 });
    expect(created.headers.location).toBe(`/notes/_doc/${created.json._id}`);
    const id = created.json._id as string;
    expect((await es('GET', `/notes/_doc/${id}`, { auth: ELASTIC })).json).toMatchObject({ found: true, _source: { title: 'first' } });
    expect((await es('POST', `/notes/_update/${id}`, { auth: ELASTIC, body: { doc: { n: 2 } } })).json).toMatchObject({ result: 'updated', _version: 2 });
    const bulk = await es('POST', '/_bulk?refresh=true', { auth: ELASTIC, ndjson: '{"index":{"_index":"notes","_id":"b1"}}\n{"title":"second","n":5}\n{"create":{"_index":"notes","_id":"b1"}}\n{"title":"dup"}\n' });
    expect(bulk.json.errors).toBe(true);
    expect(bulk.json.items[1].create.status).toBe(409);
    const search = await es('POST', '/notes/_search', { auth: ELASTIC, body: { query: { bool: { filter: [{ range: { n: { gte: 2 } } }] } }, sort: [{ n: 'desc' }] } });
    expect(search.json.hits.hits.map((hit: { _id: string }) => hit._id)).toEqual(['b1', id]);
    expect((await es('GET', '/notes/_count', { auth: ELASTIC })).json.count).toBe(2);
    expect((await es('DELETE', `/notes/_doc/${id}`, { auth: ELASTIC })).json.result).toBe('deleted');
    expect((await es('GET', '/missing-index/_doc/1', { auth: ELASTIC })).json.error.type).toBe('index_not_found_exception');
  });
});

describe('audit, IP filtering and licence', () => {
  it("writes authentication_failed and access_denied audit events to stdout in the official image's console layout, and no audit file", async () => {
    const lines = node.output.filter((line) => line.startsWith('{"type":"audit", '));
    const events = lines.map((line) => JSON.parse(line));
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'audit', 'event.type': 'rest', 'event.action': 'authentication_failed', 'user.name': 'elastic', 'url.path': '/_cluster/health', 'request.method': 'GET' }),
    );
    expect(events).toContainEqual(expect.objectContaining({ 'event.action': 'access_denied', 'user.name': 'logger', action: 'indices:data/write/index', indices: ['secret'] }));
    // PatternLayout: "type" then "timestamp" (yyyy-MM-dd'T'HH:mm:ss,SSSZ), then the fields in the layout's order, ", " between them.
    expect(lines[0]).toMatch(/^\{"type":"audit", "timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d,\d{3}\+0000", "cluster\.uuid":"[^"]+", "node\.id":"[^"]+", "event\.type":/);
    expect(events.every((event) => event['event.dataset'] === undefined && event['node.name'] === undefined)).toBe(true);
    expect(existsSync(join(esHome, 'logs', 'lab_audit.json'))).toBe(false);
  });

  it('drops a denied address before TLS under the trial licence and audits connection_denied', async () => {
    const settings = await es('PUT', '/_cluster/settings', { auth: ELASTIC, body: { persistent: { 'xpack.security.http.filter.allow': ['127.0.0.1'], 'xpack.security.http.filter.deny': ['_all'] } } });
    expect(settings.json).toEqual({ acknowledged: true, persistent: { xpack: { security: { http: { filter: { allow: ['127.0.0.1'], deny: ['_all'] } } } } }, transient: {} });
    expect((await es('GET', '/', { auth: ELASTIC }, '127.0.0.1')).status).toBe(200);
    const refused = await es('GET', '/', { auth: ELASTIC }, '127.0.0.3').then(
      (a) => `status ${a.status}`,
      (error: Error) => error.message,
    );
    expect(refused).toMatch(/socket hang up|ECONNRESET|socket disconnected/);
    // The audit line reaches the node's stdout a moment after the connection was dropped.
    const auditEvents = () => node.output.filter((line) => line.startsWith('{"type":"audit", ')).join('\n');
    await expect
      .poll(auditEvents, { timeout: 5000 })
      .toMatch(/"event.type":"ip_filter", "event.action":"connection_denied", "origin.type":"rest", "origin.address":"127\.0\.0\.3:\d+", "transport.profile":".http", "rule":"deny _all"/);
  });

  it('stops enforcing the IP filter under a basic licence, as the real product does', async () => {
    const basic = await es('POST', '/_license/start_basic?acknowledge=true', { auth: ELASTIC }, '127.0.0.1');
    expect(basic.json).toEqual({ acknowledged: true, basic_was_started: true });
    expect((await es('GET', '/_license', { auth: ELASTIC }, '127.0.0.1')).json.license.type).toBe('basic');
    expect((await es('GET', '/', { auth: ELASTIC }, '127.0.0.3')).status).toBe(200);
    await es('PUT', '/_cluster/settings', { auth: ELASTIC, body: { persistent: { 'xpack.security.http.filter.allow': null, 'xpack.security.http.filter.deny': null } } });
  });

  it('lists the loaded certificates', async () => {
    const answer = await es('GET', '/_ssl/certificates', { auth: ELASTIC });
    expect(answer.json).toContainEqual(expect.objectContaining({ path: 'certs/es01/es01.crt', format: 'PEM', alias: null, subject_dn: 'CN=es01', has_private_key: true }));
    expect(answer.json).toContainEqual(expect.objectContaining({ path: 'certs/ca/ca.crt', subject_dn: 'CN=Seclab Test CA', has_private_key: false }));
  });
});

describe('persistence', () => {
  it('keeps users, roles, API keys, tokens and documents across a restart', async () => {
    const before = await es('GET', '/', { auth: ELASTIC });
    await node.stop();
    node = await startNode();
    expect((await es('GET', '/', { auth: ELASTIC })).json.cluster_uuid).toBe(before.json.cluster_uuid);
    expect((await es('GET', '/_security/_authenticate', { auth: basicAuth('logger', 'logger-pw') })).status).toBe(200);
    expect((await es('GET', '/_security/_authenticate', { auth: basicAuth('kibana_system', 'kibana-system-pw') })).status).toBe(200);
    expect((await es('GET', '/public/_doc/1', { auth: ELASTIC })).json._source).toEqual({ message: 'hello' });
    expect((await es('GET', '/_license', { auth: ELASTIC })).json.license.type).toBe('basic');
  });
});
