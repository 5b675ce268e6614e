import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificateAuthority, issueNodeCertificate } from './support/pki.js';
import { EsProcess, REPO_ROOT, basicAuth, esRequest, freePort, makeEsHome, writeSettings } from './support/es-node.js';
import { readKeystore } from '../../emulator/shared/keystore-file.js';

/** bin/elasticsearch-keystore, bin/elasticsearch-service-tokens and docker-entrypoint.sh run as host processes. */
function tool(entry: string, esHome: string, args: string[], input?: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'emulator/elasticsearch', entry), ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', ES_HOME: esHome, ...env },
    input: input ?? '',
    encoding: 'utf8',
    timeout: 20000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const keystore = (esHome: string, args: string[], input?: string) => tool('keystore-main.ts', esHome, args, input);
const started: EsProcess[] = [];

afterAll(async () => {
  await Promise.all(started.map((node) => node.stop()));
});

describe('elasticsearch-keystore (as a process)', () => {
  it('reads values from stdin with -x and lists them; a missing keystore is an error', () => {
    const esHome = makeEsHome('keystore');
    const path = join(esHome, 'config', 'elasticsearch.keystore');
    const missing = keystore(esHome, ['list']);
    expect(missing.code).toBe(65);
    expect(missing.stderr).toContain(`ERROR: Elasticsearch keystore not found at [${path}]. Use 'create' command to create one.`);
    // Without a keystore, add first asks whether to create one (and reads the answer from stdin).
    expect(keystore(esHome, ['add', '-x', 'bootstrap.password'], 'y\nfirst-secret\n').code).toBe(0);
    expect(readKeystore(path)!['bootstrap.password']!.toString()).toBe('first-secret');
    expect(keystore(esHome, ['list']).stdout).toBe('bootstrap.password\nkeystore.seed\n');
  }, 30000);
});

describe('docker entrypoint and file service tokens', () => {
  it('rejects ELASTIC_PASSWORD together with ELASTIC_PASSWORD_FILE', () => {
    const esHome = makeEsHome('entry-conflict');
    const result = tool('docker-entrypoint.ts', esHome, ['eswrapper'], undefined, { ELASTIC_PASSWORD: 'a', ELASTIC_PASSWORD_FILE: '/etc/hostname' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ERROR: Both ELASTIC_PASSWORD and ELASTIC_PASSWORD_FILE are set. These are mutually exclusive.');
  });

  it('puts ELASTIC_PASSWORD_FILE into the keystore, maps env settings, and serves a file-based service token', async () => {
    const esHome = makeEsHome('entry');
    const certs = join(esHome, 'config', 'certs');
    const ca = createCertificateAuthority(certs, 'ca', 'Seclab Test CA');
    issueNodeCertificate(certs, ca, 'es01', { dns: ['es01', 'localhost'], ip: ['127.0.0.1'] });
    writeSettings(esHome, { 'cluster.name': 'docker-cluster', 'network.host': '127.0.0.1' });
    const passwordFile = join(esHome, 'elastic-password');
    writeFileSync(passwordFile, 'from-a-file-123\n');

    const created = tool('service-tokens-main.ts', esHome, ['create', 'elastic/fleet-server', 'file-token']);
    expect(created.code).toBe(0);
    const token = /^SERVICE_TOKEN elastic\/fleet-server\/file-token = (\S+)$/m.exec(created.stdout)![1]!;
    expect(tool('service-tokens-main.ts', esHome, ['list']).stdout).toBe('elastic/fleet-server/file-token\n');
    expect(tool('service-tokens-main.ts', esHome, ['create', 'elastic/nobody', 'x']).stderr).toContain('ERROR: Unknown service account principal: [elastic/nobody]');

    const httpPort = await freePort();
    const node = new EsProcess(
      esHome,
      {
        ELASTIC_PASSWORD_FILE: passwordFile,
        'node.name': 'es01',
        'http.port': String(httpPort),
        'transport.port': String(await freePort()),
        'discovery.type': 'single-node',
        ES_SETTING_XPACK_SECURITY_HTTP_SSL_ENABLED: 'true',
        'xpack.security.http.ssl.key': 'certs/es01/es01.key',
        'xpack.security.http.ssl.certificate': 'certs/es01/es01.crt',
        'xpack.security.transport.ssl.enabled': 'true',
        'xpack.security.transport.ssl.key': 'certs/es01/es01.key',
        'xpack.security.transport.ssl.certificate': 'certs/es01/es01.crt',
        'xpack.security.transport.ssl.certificate_authorities': 'certs/ca/ca.crt',
      },
      ['eswrapper'],
      'docker-entrypoint.ts',
    );
    started.push(node);
    await node.waitForLog(/^started /);
    expect(readKeystore(join(esHome, 'config', 'elasticsearch.keystore'))!['bootstrap.password']!.toString()).toBe('from-a-file-123');
    const options = { host: '127.0.0.1', port: httpPort, ca: readFileSync(ca.certificatePath) };
    const info = await esRequest(options, 'GET', '/', { auth: basicAuth('elastic', 'from-a-file-123') });
    expect(info.json).toMatchObject({ name: 'es01', cluster_name: 'docker-cluster' });
    const me = await esRequest(options, 'GET', '/_security/_authenticate', { auth: `Bearer ${token}` });
    expect(me.json).toMatchObject({ username: 'elastic/fleet-server', token: { name: 'file-token', type: '_service_account_file' } });
    const credentials = await esRequest(options, 'GET', '/_security/service/elastic/fleet-server/credential', { auth: basicAuth('elastic', 'from-a-file-123') });
    expect(credentials.json.nodes_credentials.file_tokens).toHaveProperty('file-token');
  }, 60000);
});
