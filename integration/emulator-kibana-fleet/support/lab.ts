import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { caFingerprint, createCa, issueLeaf, type CertifiedKey } from './pki';
import { call, basic } from './https-json';
import { freePort, startProgram, waitFor, type StartedProgram } from './processes';

export interface LabFiles {
  root: string;
  labCa: string;
  otherCa: string;
  fingerprint: string;
  leaf(name: string): { cert: string; key: string };
}

/** Certificates for one test run: the lab CA with leaves, and an unrelated "other" CA with its own leaf. */
export function writeLabCertificates(): LabFiles {
  const root = mkdtempSync(join(tmpdir(), 'seclab-kbn-fleet-'));
  const certs = join(root, 'certs');
  mkdirSync(certs, { recursive: true });
  const lab = createCa('Seclab Test Lab CA');
  const other = createCa('Some Other CA');
  const write = (name: string, pair: CertifiedKey) => {
    writeFileSync(join(certs, `${name}.crt`), pair.certPem);
    writeFileSync(join(certs, `${name}.key`), pair.keyPem, { mode: 0o600 });
  };
  write('ca', lab);
  write('other-ca', other);
  for (const name of ['es01', 'kibana', 'fleet-server']) write(name, issueLeaf(lab, name));
  write('impostor', issueLeaf(other, 'fleet-server'));
  return {
    root,
    labCa: join(certs, 'ca.crt'),
    otherCa: join(certs, 'other-ca.crt'),
    fingerprint: caFingerprint(lab.certPem),
    leaf: (name) => ({ cert: join(certs, `${name}.crt`), key: join(certs, `${name}.key`) }),
  };
}

export interface RunningElasticsearch {
  url: string;
  program: StartedProgram;
  elasticPassword: string;
}

/** The other team's emulated Elasticsearch node, single-node, HTTPS with the lab certificate, on loopback. */
export async function startElasticsearch(files: LabFiles): Promise<RunningElasticsearch> {
  const home = join(files.root, 'es');
  const conf = join(home, 'config');
  mkdirSync(conf, { recursive: true });
  mkdirSync(join(home, 'data'), { recursive: true });
  mkdirSync(join(home, 'logs'), { recursive: true });
  const httpPort = await freePort();
  const transportPort = await freePort();
  const es = files.leaf('es01');
  writeFileSync(
    join(conf, 'elasticsearch.yml'),
    stringify({
      'cluster.name': 'seclab-test',
      'node.name': 'es01',
      'discovery.type': 'single-node',
      'network.host': '127.0.0.1',
      'http.port': httpPort,
      'transport.port': transportPort,
      'path.data': join(home, 'data'),
      'path.logs': join(home, 'logs'),
      'xpack.security.enabled': true,
      'xpack.security.http.ssl.enabled': true,
      'xpack.security.http.ssl.certificate': es.cert,
      'xpack.security.http.ssl.key': es.key,
      'xpack.security.http.ssl.certificate_authorities': [files.labCa],
      'xpack.security.transport.ssl.enabled': true,
      'xpack.security.transport.ssl.certificate': es.cert,
      'xpack.security.transport.ssl.key': es.key,
      'xpack.security.transport.ssl.certificate_authorities': [files.labCa],
      'xpack.security.transport.ssl.verification_mode': 'certificate',
    }),
  );
  const elasticPassword = 'elastic-' + Math.random().toString(36).slice(2, 14);
  const program = startProgram('elasticsearch', 'emulator/elasticsearch/main.ts', [], {
    ES_HOME: home,
    ES_PATH_CONF: conf,
    ELASTIC_PASSWORD: elasticPassword,
  });
  const url = `https://127.0.0.1:${httpPort}`;
  const ca = await import('node:fs').then((fs) => fs.readFileSync(files.labCa, 'utf8'));
  await waitFor(
    'Elasticsearch to accept the elastic user',
    async () => {
      if (program.child.exitCode !== null) throw new Error(`Elasticsearch exited: ${program.output()}`);
      const res = await call(`${url}/_security/_authenticate`, { ca, headers: { authorization: basic('elastic', elasticPassword) } });
      return res.status === 200 ? true : undefined;
    },
    30_000,
  );
  return { url, program, elasticPassword };
}
