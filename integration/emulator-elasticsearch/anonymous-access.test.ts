import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificateAuthority, issueNodeCertificate } from './support/pki.js';
import { EsProcess, basicAuth, esRequest, freePort, makeEsHome, writeSettings } from './support/es-node.js';

/**
 * Anonymous access (`xpack.security.authc.anonymous.*`) on emulated nodes run as host processes: a request
 * without credentials is the anonymous user with its roles (AuthenticatorChain.handleNullToken), what it may not
 * do answers 403 — or 401 with `authz_exception: false` (AuthorizationService.denialException) — and wrong
 * credentials never fall back to anonymous.
 */
const HOST = '127.0.0.1';
const PASSWORD = 'elastic-bootstrap-pw';
const ELASTIC = basicAuth('elastic', PASSWORD);

interface Node {
  process: EsProcess;
  port: number;
  ca: Buffer;
}

const started: EsProcess[] = [];

async function startNode(name: string, anonymous: Record<string, unknown>): Promise<Node> {
  const esHome = makeEsHome(`anonymous-${name}`);
  const certs = join(esHome, 'config', 'certs');
  const authority = createCertificateAuthority(certs, 'ca', 'Seclab Test CA');
  issueNodeCertificate(certs, authority, 'es01', { dns: ['es01', 'localhost'], ip: [HOST] });
  const port = await freePort(HOST);
  writeSettings(esHome, {
    'cluster.name': 'lab',
    'node.name': 'es01',
    'network.host': HOST,
    'http.port': port,
    'transport.port': await freePort(HOST),
    'discovery.type': 'single-node',
    'xpack.security.enabled': true,
    'xpack.security.http.ssl.enabled': true,
    'xpack.security.http.ssl.key': 'certs/es01/es01.key',
    'xpack.security.http.ssl.certificate': 'certs/es01/es01.crt',
    'xpack.security.transport.ssl.enabled': true,
    'xpack.security.transport.ssl.verification_mode': 'certificate',
    'xpack.security.transport.ssl.key': 'certs/es01/es01.key',
    'xpack.security.transport.ssl.certificate': 'certs/es01/es01.crt',
    'xpack.security.transport.ssl.certificate_authorities': ['certs/ca/ca.crt'],
    ...anonymous,
  });
  const process = new EsProcess(esHome, { ELASTIC_PASSWORD: PASSWORD });
  started.push(process);
  await process.waitForLog(/^started /);
  return { process, port, ca: readFileSync(authority.certificatePath) };
}

const request = (node: Node, method: string, path: string, options: { auth?: string; body?: unknown } = {}) => esRequest({ host: HOST, port: node.port, ca: node.ca }, method, path, options);

let reader: Node;
let asking: Node;

beforeAll(async () => {
  [reader, asking] = await Promise.all([
    startNode('reader', { 'xpack.security.authc.anonymous.username': 'visitor', 'xpack.security.authc.anonymous.roles': ['lab_reader'] }),
    startNode('asking', { 'xpack.security.authc.anonymous.roles': ['lab_reader'], 'xpack.security.authc.anonymous.authz_exception': false }),
  ]);
  for (const node of [reader, asking]) {
    expect((await request(node, 'PUT', '/_security/role/lab_reader', { auth: ELASTIC, body: { indices: [{ names: ['lab-*'], privileges: ['read'] }] } })).status).toBe(200);
    expect((await request(node, 'PUT', '/lab-logs/_doc/1?refresh=true', { auth: ELASTIC, body: { message: 'anyone may read this' } })).status).toBe(201);
  }
}, 90_000);

afterAll(async () => {
  await Promise.all(started.map((process) => process.stop()));
});

describe('anonymous access on the emulated node', () => {
  it('a request without credentials is the anonymous user: _authenticate names it, realm __anonymous, type anonymous', async () => {
    const answer = await request(reader, 'GET', '/_security/_authenticate');
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({
      username: 'visitor',
      roles: ['lab_reader'],
      metadata: { _reserved: true },
      enabled: true,
      authentication_realm: { name: '__anonymous', type: '__anonymous' },
      authentication_type: 'anonymous',
    });
  });

  it('the anonymous user searches lab-* without credentials and gets the documents', async () => {
    const answer = await request(reader, 'GET', '/lab-*/_search');
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json.hits.hits.map((hit: { _source: { message: string } }) => hit._source.message)).toEqual(['anyone may read this']);
  });

  it('what its roles do not grant answers 403 naming the anonymous user (authz_exception defaults to true)', async () => {
    const answer = await request(reader, 'PUT', '/lab-logs/_doc/2', { body: { message: 'no' } });
    expect(answer.status).toBe(403);
    expect(answer.json.error.reason).toMatch(/^action \[indices:data\/write\/index\] is unauthorized for user \[visitor\] with effective roles \[lab_reader\]/);
    expect(answer.headers['www-authenticate']).toBeUndefined();
  });

  it('with authz_exception: false a denied anonymous request answers 401 asking for credentials', async () => {
    const answer = await request(asking, 'GET', '/');
    expect(answer.status).toBe(401);
    expect(answer.json.error.reason).toBe('action [cluster:monitor/main] requires authentication');
    expect(String(answer.headers['www-authenticate'])).toContain('Basic realm="security"');
    const who = await request(asking, 'GET', '/_security/_authenticate');
    expect(who.json.username).toBe('_anonymous');
  });

  it('wrong credentials never fall back to anonymous: 401 for the user', async () => {
    const answer = await request(reader, 'GET', '/lab-*/_search', { auth: basicAuth('mallory', 'guess') });
    expect(answer.status).toBe(401);
    expect(answer.json.error.reason).toBe('unable to authenticate user [mallory] for REST request [/lab-*/_search]');
  });

  it('a user authenticated by a realm holds the anonymous roles too (Authentication.maybeAddAnonymousRoles)', async () => {
    expect((await request(reader, 'POST', '/_security/user/clerk', { auth: ELASTIC, body: { password: 'clerk-password', roles: [] } })).status).toBe(200);
    const who = await request(reader, 'GET', '/_security/_authenticate', { auth: basicAuth('clerk', 'clerk-password') });
    expect(who.json.roles).toEqual(['lab_reader']);
    expect((await request(reader, 'GET', '/lab-logs/_search', { auth: basicAuth('clerk', 'clerk-password') })).status).toBe(200);
  });

  it('without anonymous roles the settings change nothing: a username alone does not turn anonymous access on', async () => {
    const plain = await startNode('username-only', { 'xpack.security.authc.anonymous.username': 'visitor' });
    const answer = await request(plain, 'GET', '/');
    expect(answer.status).toBe(401);
    expect(answer.json.error.reason).toBe('missing authentication credentials for REST request [/]');
  });
});
