import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificateAuthority, issueNodeCertificate } from './support/pki.js';
import { EsProcess, basicAuth, esRequest, freePort, makeEsHome, writeSettings } from './support/es-node.js';

/**
 * es01 (127.0.0.1) needs es02 (127.0.0.2) to bootstrap. Each case starts a different es02 that must not
 * complete the cluster: another cluster.name, then a certificate whose SANs don't name 127.0.0.2 while es01
 * verifies hostnames (verification_mode: full).
 */
const PASSWORD = 'formation-pw';
let certs: string;
let caPem: Buffer;
let es01: EsProcess;
let es01Http: number;
const ports = { es01: 0, es02: 0 };
const running: EsProcess[] = [];

function settings(name: string, host: string, transportPort: number, seedPort: number, seedHost: string, extra: Record<string, unknown> = {}, cert = name) {
  return {
    'cluster.name': 'lab',
    'node.name': name,
    'network.host': host,
    'transport.port': transportPort,
    'cluster.initial_master_nodes': ['es01', 'es02'],
    'discovery.seed_hosts': [`${seedHost}:${seedPort}`],
    'xpack.security.http.ssl.enabled': true,
    'xpack.security.http.ssl.key': `certs/${cert}/${cert}.key`,
    'xpack.security.http.ssl.certificate': `certs/${cert}/${cert}.crt`,
    'xpack.security.transport.ssl.enabled': true,
    'xpack.security.transport.ssl.key': `certs/${cert}/${cert}.key`,
    'xpack.security.transport.ssl.certificate': `certs/${cert}/${cert}.crt`,
    'xpack.security.transport.ssl.certificate_authorities': ['certs/ca/ca.crt'],
    ...extra,
  };
}

async function startEs02(extra: Record<string, unknown>, cert = 'es02'): Promise<EsProcess> {
  const home = makeEsHome('es02');
  cpSync(certs, join(home, 'config', 'certs'), { recursive: true });
  writeSettings(home, {
    ...settings('es02', '127.0.0.2', ports.es02, ports.es01, '127.0.0.1', { 'xpack.security.transport.ssl.verification_mode': 'certificate' }, cert),
    'http.port': await freePort('127.0.0.2'),
    ...extra,
  });
  const node = new EsProcess(home);
  running.push(node);
  await node.waitForLog(/^started /);
  return node;
}

beforeAll(async () => {
  certs = join(makeEsHome('formation-pki'), 'certs');
  const ca = createCertificateAuthority(certs, 'ca', 'Seclab Test CA');
  caPem = readFileSync(ca.certificatePath);
  issueNodeCertificate(certs, ca, 'es01', { dns: ['es01', 'localhost'], ip: ['127.0.0.1'] });
  issueNodeCertificate(certs, ca, 'es02', { dns: ['es02'], ip: ['127.0.0.2'] });
  issueNodeCertificate(certs, ca, 'es02-wrong-san', { dns: ['es02'], ip: ['127.0.0.9'] });
  ports.es01 = await freePort('127.0.0.1');
  ports.es02 = await freePort('127.0.0.2');
  es01Http = await freePort('127.0.0.1');
  const home = makeEsHome('es01');
  cpSync(certs, join(home, 'config', 'certs'), { recursive: true });
  writeSettings(home, { ...settings('es01', '127.0.0.1', ports.es01, ports.es02, '127.0.0.2', { 'xpack.security.transport.ssl.verification_mode': 'full' }), 'http.port': es01Http });
  es01 = new EsProcess(home, { ELASTIC_PASSWORD: PASSWORD });
  running.push(es01);
  await es01.waitForLog(/^started /);
}, 30000);

afterAll(async () => {
  await Promise.all(running.map((node) => node.stop()));
});

const es01Request = (path: string) => esRequest({ host: '127.0.0.1', port: es01Http, ca: caPem }, 'GET', path, { auth: basicAuth('elastic', PASSWORD) });

describe('a cluster that cannot form', () => {
  it('answers GET / but 503 master_not_discovered_exception for health, and says why in the log', async () => {
    const root = await es01Request('/');
    expect(root.status).toBe(200);
    expect(root.json.cluster_uuid).toBe('_na_');
    const health = await es01Request('/_cluster/health?master_timeout=1s');
    expect(health.status).toBe(503);
    expect(health.json).toEqual({ error: { root_cause: [{ type: 'master_not_discovered_exception', reason: null }], type: 'master_not_discovered_exception', reason: null }, status: 503 });
    const search = await es01Request('/_search');
    expect(search.status).toBe(503);
    expect(search.json.error.reason).toBe('blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];');
    await es01.waitForLog(/^master not discovered yet, this node has not previously joined a bootstrapped cluster, and this node must discover master-eligible nodes \[es01, es02\] to bootstrap a cluster/);
  });

  it('refuses a node from another cluster.name, with the handshake message on both sides', async () => {
    const other = await startEs02({ 'cluster.name': 'other' });
    await other.waitForLog(/^handshake with \[\{es01\}.*\] failed: remote cluster name \[lab\] does not match local cluster name \[other\]$/);
    await es01.waitForLog(/^handshake with \[\{es02\}.*\] failed: remote cluster name \[other\] does not match local cluster name \[lab\]$/);
    expect((await es01Request('/_cluster/health?master_timeout=1s')).status).toBe(503);
    await other.stop();
  }, 30000);

  it('under verification_mode full, does not trust a peer whose certificate does not name the dialled IP', async () => {
    await startEs02({}, 'es02-wrong-san');
    const line = await es01.waitForLog(/^failed to establish trust with server at \[127\.0\.0\.2\]/);
    expect(line).toContain('the certificate has subject alternative names [DNS:es02,IP:127.0.0.9]');
    expect(line).toContain('No subject alternative names matching IP address 127.0.0.2 found');
    expect((await es01Request('/_cluster/health?master_timeout=2s')).status).toBe(503);
  }, 30000);
});
