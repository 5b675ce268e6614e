import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificateAuthority, issueNodeCertificate } from './support/pki.js';
import { EsProcess, basicAuth, esRequest, freePort, makeEsHome, writeSettings } from './support/es-node.js';
import { parseLabSpec } from '../../common/lab-spec.ts';
import { planLab } from '../../main/core/planner/plan-lab.ts';
import { connectElasticsearch } from '../../main/core/stack/elasticsearch-client.ts';
import { configureLabSecurity, indexSampleData } from '../../main/core/stack/elasticsearch-setup.ts';
import type { LabSecrets } from '../../main/core/lab-store/lab-secrets.ts';

/**
 * The lab's own security calls (main/core/stack/elasticsearch-setup.ts) against one emulated node, then the
 * request bodies Elasticsearch refuses, over HTTP, with its status, error type and reason.
 */
const HOST = '127.0.0.1';
const PASSWORD = 'elastic-bootstrap-pw';
const ELASTIC = basicAuth('elastic', PASSWORD);

let node: EsProcess;
let httpPort: number;
let ca: Buffer;

const es = (method: string, path: string, body?: unknown, auth = ELASTIC) => esRequest({ host: HOST, port: httpPort, ca }, method, path, { auth, body });

beforeAll(async () => {
  const esHome = makeEsHome('security-api');
  const certs = join(esHome, 'config', 'certs');
  const authority = createCertificateAuthority(certs, 'ca', 'Seclab Test CA');
  issueNodeCertificate(certs, authority, 'es01', { dns: ['es01', 'localhost'], ip: [HOST] });
  ca = readFileSync(authority.certificatePath);
  httpPort = await freePort(HOST);
  writeSettings(esHome, {
    'cluster.name': 'lab',
    'node.name': 'es01',
    'network.host': HOST,
    'http.port': httpPort,
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
  });
  node = new EsProcess(esHome, { ELASTIC_PASSWORD: PASSWORD });
  await node.waitForLog(/^started /);
}, 60_000);

afterAll(async () => {
  await node?.stop();
});

describe('the lab’s Elasticsearch security calls against the emulated node', () => {
  it("configureLabSecurity and indexSampleData succeed (elastic's password stored, roles with description, users with full_name, kibana_system password, Fleet Server token)", async () => {
    const plan = planLab(parseLabSpec({ name: 'requests', images: 'emulated' }), { subnetIndex: 201, ports: { elasticsearch: 9200, kibana: 5601, fleetServer: 8220 } });
    const secrets = {
      ...Object.fromEntries(['kibana-system-password', ...plan.users.map((user) => user.secret)].map((name) => [name, `${name}-${'x'.repeat(20)}`])),
      // The setup stores elastic's password (the bootstrap one, as the lab's) for every node.
      'elastic-password': PASSWORD,
    } as LabSecrets;
    const client = connectElasticsearch({ url: `https://localhost:${httpPort}`, caPem: ca.toString('utf8'), auth: { username: 'elastic', password: PASSWORD } });
    try {
      const { fleetServerToken } = await configureLabSecurity(client, plan, secrets, 'seclab-1700000000000');
      expect(fleetServerToken).toMatch(/^AAEAA/);
      await indexSampleData(client, new Date('2026-01-01T00:00:00Z'));
      const role = await es('GET', '/_security/role/lab_analyst');
      expect(role.json.lab_analyst.description).toBe('reads lab-* indices, nothing else');
    } finally {
      await client.close();
    }
  });
});

describe('security request bodies Elasticsearch refuses', () => {
  it('put role with an unexpected field → 400 parse_exception', async () => {
    const answer = await es('PUT', '/_security/role/r1', { cluster: [], indexes: [{ names: ['a'], privileges: ['read'] }] });
    expect(answer.status).toBe(400);
    expect(answer.json.error).toMatchObject({ type: 'parse_exception', reason: 'failed to parse role [r1]. unexpected field [indexes]' });
    const inner = await es('PUT', '/_security/role/r1', { indices: [{ names: ['a'], privileges: ['read'], grant: ['x'] }] });
    expect(inner.json.error).toMatchObject({ type: 'parse_exception', reason: 'failed to parse indices privileges for role [r1]. unexpected field [grant]' });
  });

  it('put user with an unexpected field or a short password → 400', async () => {
    const unknown = await es('PUT', '/_security/user/u1', { password: 'long-enough', role: ['viewer'] });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({ type: 'parse_exception', reason: 'failed to parse add user request. unexpected field [role]' });
    const short = await es('PUT', '/_security/user/u1', { password: 'abc', roles: [] });
    expect(short.status).toBe(400);
    expect(short.json.error).toMatchObject({ type: 'validation_exception', reason: 'Validation Failed: 1: passwords must be at least [6] characters long;' });
  });

  it('change password with an unexpected field, a short password or none → 400', async () => {
    const unknown = await es('POST', '/_security/user/kibana_system/_password', { password: 'long-enough', old_password: 'x' });
    expect(unknown.json.error).toMatchObject({ type: 'parse_exception', reason: 'failed to parse change password request. unexpected field [old_password]' });
    const short = await es('POST', '/_security/user/kibana_system/_password', { password: '12345' });
    expect(short.json.error).toMatchObject({ type: 'validation_exception', reason: 'Validation Failed: 1: passwords must be at least [6] characters long;' });
    const none = await es('POST', '/_security/user/kibana_system/_password', {});
    expect(none.status).toBe(400);
    expect(none.json.error).toMatchObject({ type: 'action_request_validation_exception', reason: 'Validation Failed: 1: password must be specified;' });
  });
});
