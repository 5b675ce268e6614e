import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { createCertificateAuthority, issueNodeCertificate, type CertificateAuthority } from './support/pki.js';
import { EsProcess, basicAuth, esRequest, freePort, makeEsHome, writeSettings } from './support/es-node.js';

/**
 * Three nodes on 127.0.0.1/2/3 form one cluster over mutual TLS (the official compose recipe's settings:
 * verification_mode certificate, initial_master_nodes es01..es03); a fourth node with a certificate from
 * another CA tries to join and must not.
 */
const PASSWORD = 'cluster-bootstrap-pw';
/** bootstrap.password is node-local (only es01 has it); once changed through the API it is cluster-wide. */
const BOOTSTRAP = basicAuth('elastic', PASSWORD);
const ELASTIC = basicAuth('elastic', 'cluster-wide-elastic-pw');

interface LabNode {
  name: string;
  host: string;
  httpPort: number;
  transportPort: number;
  esHome: string;
  process?: EsProcess;
}

const nodes: LabNode[] = [];
let rogue: LabNode;
let labCa: CertificateAuthority;
let caPem: Buffer;

function nodeSettings(node: LabNode, seeds: LabNode[], caDir = 'ca') {
  return {
    'cluster.name': 'lab',
    'node.name': node.name,
    'network.host': node.host,
    'http.port': node.httpPort,
    'transport.port': node.transportPort,
    'cluster.initial_master_nodes': ['es01', 'es02', 'es03'],
    'discovery.seed_hosts': seeds.map((seed) => `${seed.host}:${seed.transportPort}`),
    'xpack.license.self_generated.type': 'trial',
    'xpack.security.enabled': true,
    'xpack.security.http.ssl.enabled': true,
    'xpack.security.http.ssl.key': `certs/${node.name}/${node.name}.key`,
    'xpack.security.http.ssl.certificate': `certs/${node.name}/${node.name}.crt`,
    'xpack.security.http.ssl.certificate_authorities': [`certs/${caDir}/${caDir}.crt`],
    'xpack.security.transport.ssl.enabled': true,
    'xpack.security.transport.ssl.verification_mode': 'certificate',
    'xpack.security.transport.ssl.key': `certs/${node.name}/${node.name}.key`,
    'xpack.security.transport.ssl.certificate': `certs/${node.name}/${node.name}.crt`,
    'xpack.security.transport.ssl.certificate_authorities': [`certs/${caDir}/${caDir}.crt`],
  };
}

const http = (node: LabNode, method: string, path: string, request: Parameters<typeof esRequest>[3] = {}) => esRequest({ host: node.host, port: node.httpPort, ca: caPem }, method, path, request);

beforeAll(async () => {
  const pkiHome = makeEsHome('pki');
  const certs = join(pkiHome, 'certs');
  labCa = createCertificateAuthority(certs, 'ca', 'Seclab Lab CA');
  const otherCa = createCertificateAuthority(certs, 'otherca', 'Some Other CA');
  caPem = readFileSync(labCa.certificatePath);
  for (const [index, name] of ['es01', 'es02', 'es03'].entries()) {
    const host = `127.0.0.${index + 1}`;
    nodes.push({ name, host, httpPort: await freePort(host), transportPort: await freePort(host), esHome: makeEsHome(name) });
    issueNodeCertificate(certs, labCa, name, { dns: [name, 'localhost'], ip: [host] });
  }
  rogue = { name: 'es04', host: '127.0.0.4', httpPort: await freePort('127.0.0.4'), transportPort: await freePort('127.0.0.4'), esHome: makeEsHome('es04') };
  issueNodeCertificate(certs, otherCa, 'es04', { dns: ['es04', 'localhost'], ip: ['127.0.0.4'] });
  for (const node of [...nodes, rogue]) {
    const { cpSync } = await import('node:fs');
    cpSync(certs, join(node.esHome, 'config', 'certs'), { recursive: true });
    writeSettings(
      node.esHome,
      node === rogue
        ? nodeSettings(node, nodes, 'otherca')
        : nodeSettings(
            node,
            nodes.filter((other) => other !== node),
          ),
    );
  }
  // Only es01 gets ELASTIC_PASSWORD, as in the official compose file.
  for (const node of nodes) node.process = new EsProcess(node.esHome, node.name === 'es01' ? { ELASTIC_PASSWORD: PASSWORD } : {});
  await Promise.all(nodes.map((node) => node.process!.waitForLog(/^started /)));
}, 60000);

afterAll(async () => {
  await Promise.all([...nodes, rogue].map((node) => node.process?.stop()));
});

describe('three-node cluster over mutual TLS', () => {
  it('forms: health on every node reports three nodes, one elected master', async () => {
    const first = await http(nodes[0]!, 'GET', '/_cluster/health?wait_for_nodes=3&timeout=20s', { auth: BOOTSTRAP });
    expect(first.json.number_of_nodes).toBe(3);
    expect((await http(nodes[1]!, 'GET', '/', { auth: BOOTSTRAP })).status).toBe(401);
    expect((await http(nodes[0]!, 'POST', '/_security/user/elastic/_password', { auth: BOOTSTRAP, body: { password: 'cluster-wide-elastic-pw' } })).text).toBe('{}');
    for (const node of nodes) {
      const health = await http(node, 'GET', '/_cluster/health?wait_for_nodes=3&timeout=20s', { auth: ELASTIC });
      expect(health.status).toBe(200);
      expect(health.json).toMatchObject({ cluster_name: 'lab', status: 'green', number_of_nodes: 3, number_of_data_nodes: 3, timed_out: false });
    }
    const cat = await http(nodes[1]!, 'GET', '/_cat/nodes?format=json&h=ip,name,node.role,master', { auth: ELASTIC });
    expect(cat.json.map((row: { name: string }) => row.name).sort()).toEqual(['es01', 'es02', 'es03']);
    expect(cat.json.filter((row: { master: string }) => row.master === '*')).toHaveLength(1);
    const text = await http(nodes[2]!, 'GET', '/_cat/nodes?v&h=name,master', { auth: ELASTIC });
    expect(text.headers['content-type']).toContain('text/plain');
    expect(text.text.split('\n')[0]).toMatch(/^name\s+master$/);
    const info = await http(nodes[0]!, 'GET', '/_nodes', { auth: ELASTIC });
    expect(info.json._nodes).toEqual({ total: 3, successful: 3, failed: 0 });
  }, 30000);

  it('shares security data and documents: a user created on es02 authenticates on es03', async () => {
    const created = await http(nodes[1]!, 'PUT', '/_security/user/alice', { auth: ELASTIC, body: { password: 'alice-password', roles: ['editor'] } });
    expect(created.json).toEqual({ created: true });
    const me = await http(nodes[2]!, 'GET', '/_security/_authenticate', { auth: basicAuth('alice', 'alice-password') });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ username: 'alice', roles: ['editor'], authentication_realm: { name: 'default_native', type: 'native' } });
    const indexed = await http(nodes[2]!, 'PUT', '/shared/_doc/1', { auth: ELASTIC, body: { from: 'es03' } });
    expect(indexed.json._shards).toEqual({ total: 2, successful: 2, failed: 0 });
    expect((await http(nodes[0]!, 'GET', '/shared/_doc/1', { auth: ELASTIC })).json._source).toEqual({ from: 'es03' });
    const kibana = await http(nodes[0]!, 'POST', '/_security/user/kibana_system/_password', { auth: ELASTIC, body: { password: 'kibana-pw-123' } });
    expect(kibana.text).toBe('{}');
    expect((await http(nodes[1]!, 'GET', '/', { auth: basicAuth('kibana_system', 'kibana-pw-123') })).status).toBe(200);
  });

  it('refuses a transport client that presents no certificate', async () => {
    const target = nodes[0]!;
    const outcome = await new Promise<{ code?: string; message: string }>((resolve) => {
      const socket = tlsConnect({ host: target.host, port: target.transportPort, ca: caPem, checkServerIdentity: () => undefined });
      socket.on('error', (error: NodeJS.ErrnoException) => resolve({ code: error.code, message: error.message }));
      socket.on('close', () => resolve({ message: 'closed without error' }));
    });
    expect(outcome.code).toBe('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
    await target.process!.waitForLog(/exception caught on transport layer \[Netty4TcpChannel\{.*\}\], closing connection/);
  });

  it('never admits a node whose certificate comes from another CA, and both sides log why', async () => {
    rogue.process = new EsProcess(rogue.esHome, { ELASTIC_PASSWORD: PASSWORD });
    await rogue.process.waitForLog(/^started /);
    const rogueSide = await rogue.process.waitForLog(/^failed to establish trust with server at \[127\.0\.0\.\d\]; the server provided a certificate with subject name \[CN=es0[123]\]/);
    expect(rogueSide).toContain('the certificate is issued by [CN=Seclab Lab CA]');
    expect(rogueSide).toContain('the [CN=Seclab Lab CA] certificate is not trusted in this ssl context ([xpack.security.transport.ssl])');
    const labSide = await Promise.any(nodes.map((node) => node.process!.waitForLog(/^failed to establish trust with client at \[127\.0\.0\.4\]; the client provided a certificate with subject name \[CN=es04\]/, 10000)));
    expect(labSide).toContain('the certificate is issued by [CN=Some Other CA]');
    const health = await http(nodes[0]!, 'GET', '/_cluster/health', { auth: ELASTIC });
    expect(health.json.number_of_nodes).toBe(3);
    const cat = await http(nodes[0]!, 'GET', '/_cat/nodes?format=json&h=name', { auth: ELASTIC });
    expect(cat.json.map((row: { name: string }) => row.name)).not.toContain('es04');
  }, 30000);

  it('drops a node that goes away and takes it back when it returns', async () => {
    const leaving = nodes[2]!;
    await leaving.process!.stop();
    const health = await http(nodes[0]!, 'GET', '/_cluster/health?wait_for_nodes=2&timeout=20s', { auth: ELASTIC });
    expect(health.json.number_of_nodes).toBe(2);
    // 'shared' has a replica: with es03 gone the cluster may still be green (two data nodes host both copies).
    leaving.process = new EsProcess(leaving.esHome);
    await leaving.process.waitForLog(/^started /);
    const back = await http(nodes[0]!, 'GET', '/_cluster/health?wait_for_nodes=3&timeout=20s', { auth: ELASTIC });
    expect(back.json.number_of_nodes).toBe(3);
    expect((await http(leaving, 'GET', '/_security/_authenticate', { auth: basicAuth('alice', 'alice-password') })).status).toBe(200);
  }, 40000);
  it('elects a new master when the master goes away, and the old master rejoins as a follower', async () => {
    const cat = await http(nodes[1]!, 'GET', '/_cat/nodes?format=json&h=name,master', { auth: ELASTIC });
    const masterName = cat.json.find((row: { master: string }) => row.master === '*').name as string;
    const master = nodes.find((node) => node.name === masterName)!;
    const others = nodes.filter((node) => node !== master);
    await master.process!.stop();
    const health = await http(others[0]!, 'GET', '/_cluster/health?wait_for_nodes=2&timeout=20s', { auth: ELASTIC });
    expect(health.json).toMatchObject({ number_of_nodes: 2, timed_out: false });
    expect((await http(others[1]!, 'PUT', '/_security/user/bob', { auth: ELASTIC, body: { password: 'bob-password', roles: ['viewer'] } })).json).toEqual({ created: true });
    master.process = new EsProcess(master.esHome, master.name === 'es01' ? { ELASTIC_PASSWORD: PASSWORD } : {});
    await master.process.waitForLog(/^started /);
    expect((await http(master, 'GET', '/_cluster/health?wait_for_nodes=3&timeout=20s', { auth: ELASTIC })).json.number_of_nodes).toBe(3);
    expect((await http(master, 'GET', '/_security/_authenticate', { auth: basicAuth('bob', 'bob-password') })).status).toBe(200);
    const after = await http(master, 'GET', '/_cat/nodes?format=json&h=name,master', { auth: ELASTIC });
    expect(after.json.find((row: { master: string }) => row.master === '*').name).not.toBe(masterName);
  }, 40000);

  it('a master restarted at once, before the others miss it, never leaves two masters', async () => {
    for (let round = 0; round < 3; round++) {
      const cat = await http(nodes[1]!, 'GET', '/_cat/nodes?format=json&h=name,master', { auth: ELASTIC });
      const master = nodes.find((node) => node.name === cat.json.find((row: { master: string }) => row.master === '*').name)!;
      await master.process!.stop();
      master.process = new EsProcess(master.esHome);
      await master.process.waitForLog(/^started /);
      for (const node of nodes) {
        const health = await http(node, 'GET', '/_cluster/health?wait_for_nodes=3&timeout=20s', { auth: ELASTIC });
        expect(health.json, `${node.name} after restarting ${master.name} (round ${round + 1})`).toMatchObject({ number_of_nodes: 3, timed_out: false });
      }
      // Every node names the same single master.
      const views = await Promise.all(nodes.map(async (node) => (await http(node, 'GET', '/_cat/nodes?format=json&h=name,master', { auth: ELASTIC })).json as Array<{ name: string; master: string }>));
      const masters = views.map((rows) =>
        rows
          .filter((row) => row.master === '*')
          .map((row) => row.name)
          .join('+'),
      );
      expect(
        masters.every((name) => name.length > 0 && !name.includes('+')),
        masters.join(', '),
      ).toBe(true);
      expect(new Set(masters).size, masters.join(', ')).toBe(1);
    }
  }, 120000);

  it('re-forms after a full restart from what every node persisted', async () => {
    const before = await http(nodes[0]!, 'GET', '/', { auth: ELASTIC });
    await Promise.all(nodes.map((node) => node.process!.stop()));
    for (const node of nodes) node.process = new EsProcess(node.esHome);
    await Promise.all(nodes.map((node) => node.process!.waitForLog(/^started /)));
    const health = await http(nodes[2]!, 'GET', '/_cluster/health?wait_for_nodes=3&timeout=20s', { auth: ELASTIC });
    expect(health.json).toMatchObject({ number_of_nodes: 3, status: 'green' });
    expect((await http(nodes[1]!, 'GET', '/', { auth: ELASTIC })).json.cluster_uuid).toBe(before.json.cluster_uuid);
    expect((await http(nodes[0]!, 'GET', '/shared/_doc/1', { auth: ELASTIC })).json._source).toEqual({ from: 'es03' });
  }, 40000);
});
