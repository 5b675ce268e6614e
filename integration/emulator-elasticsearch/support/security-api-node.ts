import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, errors } from '@elastic/elasticsearch';
import { createCertificateAuthority, issueNodeCertificate } from './pki.js';
import { EsProcess, freePort, makeEsHome, writeSettings } from './es-node.js';

/**
 * One emulated node with TLS on both layers (as security-api-requests.test.ts starts it), and official clients for
 * `elastic` or any user. Each test file starts its own node and stops it by PID.
 */
export const HOST = '127.0.0.1';
export const ELASTIC_PASSWORD = 'elastic-bootstrap-pw';

export interface SecurityApiNode {
  node: EsProcess;
  httpPort: number;
  ca: string;
  client(username?: string, password?: string): Client;
  stop(): Promise<void>;
}

export async function startSecurityApiNode(name: string): Promise<SecurityApiNode> {
  const esHome = makeEsHome(name);
  const certs = join(esHome, 'config', 'certs');
  const authority = createCertificateAuthority(certs, 'ca', 'Seclab Test CA');
  issueNodeCertificate(certs, authority, 'es01', { dns: ['es01', 'localhost'], ip: [HOST] });
  const ca = readFileSync(authority.certificatePath, 'utf8');
  const httpPort = await freePort(HOST);
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
    'xpack.security.http.ssl.certificate_authorities': ['certs/ca/ca.crt'],
    'xpack.security.transport.ssl.enabled': true,
    'xpack.security.transport.ssl.verification_mode': 'certificate',
    'xpack.security.transport.ssl.key': 'certs/es01/es01.key',
    'xpack.security.transport.ssl.certificate': 'certs/es01/es01.crt',
    'xpack.security.transport.ssl.certificate_authorities': ['certs/ca/ca.crt'],
  });
  const node = new EsProcess(esHome, { ELASTIC_PASSWORD });
  await node.waitForLog(/^started /, 60_000);
  const clients: Client[] = [];
  return {
    node,
    httpPort,
    ca,
    client(username = 'elastic', password = ELASTIC_PASSWORD) {
      const client = new Client({ node: `https://localhost:${httpPort}`, auth: { username, password }, tls: { ca, rejectUnauthorized: true }, maxRetries: 0, requestTimeout: 15_000 });
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((client) => client.close()));
      await node.stop();
    },
  };
}

/** The status and ES error body of a call that must fail. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a response body the tests read field by field; each test states what it expects of it
export async function failure(call: Promise<unknown>): Promise<{ status: number; type: string; reason: string; body: any }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof errors.ResponseError) {
      const body = error.meta.body as { error: { type: string; reason: string } };
      return { status: error.meta.statusCode ?? 0, type: body?.error?.type, reason: body?.error?.reason, body };
    }
    throw error;
  }
  throw new Error('the call succeeded but was expected to fail');
}
