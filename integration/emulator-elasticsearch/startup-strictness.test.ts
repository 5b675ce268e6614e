import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { join } from 'node:path';
import { writeKeystore } from '../../emulator/shared/keystore-file.js';
import { createCertificateAuthority, issueNodeCertificate } from './support/pki.js';
import { EsProcess, freePort, makeEsHome, writeSettings } from './support/es-node.js';

/**
 * What the real node refuses (or warns about) at startup, each caused by one input, seen from outside the process:
 * exit code, stderr and the ECS log on stdout. Production-mode checks are turned on with the real switch
 * `-Des.enforce.bootstrap.checks=true`, since these nodes bind to loopback.
 */
const ENFORCE = { ES_JAVA_OPTS: '-Des.enforce.bootstrap.checks=true' };
const started: EsProcess[] = [];
let certsSource: string;

function fakeProc(openFiles: { soft: number; hard: number }): string {
  const dir = makeEsHome('proc');
  mkdirSync(join(dir, 'sys', 'vm'), { recursive: true });
  mkdirSync(join(dir, 'self'), { recursive: true });
  writeFileSync(join(dir, 'sys', 'vm', 'max_map_count'), '262144\n');
  writeFileSync(
    join(dir, 'self', 'limits'),
    'Limit                     Soft Limit           Hard Limit           Units     \n' +
      'Max locked memory         unlimited            unlimited            bytes     \n' +
      `Max open files            ${openFiles.soft}                 ${openFiles.hard}                 files     \n`,
  );
  return dir;
}

async function prepareHome(settings: Record<string, unknown>): Promise<string> {
  const esHome = makeEsHome('strict');
  cpSync(certsSource, join(esHome, 'config', 'certs'), { recursive: true });
  writeSettings(esHome, {
    'cluster.name': 'lab',
    'node.name': 'es01',
    'network.host': '127.0.0.1',
    'http.port': await freePort(),
    'transport.port': await freePort(),
    'cluster.initial_master_nodes': ['es01'],
    'xpack.security.transport.ssl.enabled': true,
    'xpack.security.transport.ssl.key': 'certs/es01/es01.key',
    'xpack.security.transport.ssl.certificate': 'certs/es01/es01.crt',
    'xpack.security.transport.ssl.certificate_authorities': ['certs/ca/ca.crt'],
    ...settings,
  });
  return esHome;
}

function run(esHome: string, env: Record<string, string> = {}): EsProcess {
  const node = new EsProcess(esHome, { SECLAB_EMULATOR_PROC_DIR: fakeProc({ soft: 65535, hard: 65535 }), ...env });
  started.push(node);
  return node;
}

function logLine(node: EsProcess, message: RegExp): Record<string, unknown> | undefined {
  for (const line of node.output) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as Record<string, unknown>;
    if (message.test(String(entry.message))) return entry;
  }
  return undefined;
}

beforeAll(() => {
  certsSource = join(makeEsHome('strict-pki'), 'certs');
  const ca = createCertificateAuthority(certsSource, 'ca', 'Seclab Test CA');
  issueNodeCertificate(certsSource, ca, 'es01', { dns: ['es01', 'localhost'], ip: ['127.0.0.1'] });
});

afterAll(async () => {
  await Promise.all(started.map((node) => node.stop()));
});

describe.concurrent('unknown and misplaced settings are fatal (SettingsModule), exit 1', () => {
  it("an unknown setting from an env var, with ES's advice", async () => {
    const node = run(await prepareHome({}), { 'seclab.unknown_thing': 'true' });
    expect(await node.waitForExit()).toBe(1);
    const message = 'unknown setting [seclab.unknown_thing] please check that any required plugins are installed, or check the breaking changes documentation for removed settings';
    expect(node.text()).toContain(`java.lang.IllegalArgumentException: ${message}`);
    expect(logLine(node, /^fatal exception while booting Elasticsearch$/)).toMatchObject({ 'log.level': 'ERROR', 'error.type': 'java.lang.IllegalArgumentException', 'error.message': message });
  });

  it('a misspelt setting in elasticsearch.yml, with "did you mean"', async () => {
    const node = run(await prepareHome({ 'bootstrap.memorylock': true }));
    expect(await node.waitForExit()).toBe(1);
    expect(node.text()).toContain('java.lang.IllegalArgumentException: unknown setting [bootstrap.memorylock] did you mean [bootstrap.memory_lock]?');
  });

  it('an unknown setting from -E', async () => {
    const withArgument = new EsProcess(await prepareHome({}), { SECLAB_EMULATOR_PROC_DIR: fakeProc({ soft: 65535, hard: 65535 }) }, ['-Expack.security.http.ssl.enable=true']);
    started.push(withArgument);
    expect(await withArgument.waitForExit()).toBe(1);
    expect(withArgument.text()).toMatch(/unknown setting \[xpack\.security\.http\.ssl\.enable\] did you mean any of \[xpack\.security\.http\.ssl\.enabled, /);
  });

  it('a keystore entry that is no secure setting', async () => {
    const esHome = await prepareHome({});
    writeKeystore(join(esHome, 'config', 'elasticsearch.keystore'), { 'keystore.seed': Buffer.from('seed'), 'boostrap.password': Buffer.from('x') });
    const node = run(esHome);
    expect(await node.waitForExit()).toBe(1);
    expect(node.text()).toContain('unknown secure setting [boostrap.password] did you mean [bootstrap.password]?');
  });

  it('a secure setting outside the keystore', async () => {
    const node = run(await prepareHome({ 'bootstrap.password': 'in-the-yml' }));
    expect(await node.waitForExit()).toBe(1);
    expect(node.text()).toContain('Setting [bootstrap.password] is a secure setting and must be stored inside the Elasticsearch keystore, but was found inside elasticsearch.yml');
  });

  it('an index-level setting at node level', async () => {
    const node = run(await prepareHome({ 'index.number_of_replicas': 0 }));
    expect(await node.waitForExit()).toBe(1);
    expect(node.text()).toContain('java.lang.IllegalArgumentException: node settings must not contain any index level settings');
    expect(logLine(node, /Found index level settings on node level configuration/)).toMatchObject({ 'log.level': 'WARN', 'log.logger': 'org.elasticsearch.common.settings.SettingsModule' });
  });
});

describe.concurrent('file-descriptor bootstrap check (BootstrapChecks.FileDescriptorCheck)', () => {
  it('exits 78 in production mode when the open-files limit is below 65535', async () => {
    const node = run(await prepareHome({}), { ...ENFORCE, SECLAB_EMULATOR_PROC_DIR: fakeProc({ soft: 1024, hard: 1024 }) });
    expect(await node.waitForExit()).toBe(78);
    expect(node.text()).toContain('[1] bootstrap checks failed. You must address the points described in the following [1] lines before starting Elasticsearch.');
    expect(node.text()).toContain('bootstrap check failure [1] of [1]: max file descriptors [1024] for elasticsearch process is too low, increase to at least [65535]');
  });

  it('a declared engine cap relaxes only a limit equal to it, to a WARN that says what ES would do', async () => {
    const capped = run(await prepareHome({}), { ...ENFORCE, SECLAB_EMULATOR_PROC_DIR: fakeProc({ soft: 20000, hard: 20000 }), SECLAB_EMULATOR_ENGINE_NOFILE_CAP: '20000' });
    const warning = await capped.waitForLog(/^max file descriptors \[20000\]/);
    expect(warning).toMatch(/increase to at least \[65535\]; .* \(the engine caps open files at \[20000\]; Elastic's official image would exit with code 78 here\)$/);
    expect(logLine(capped, /^max file descriptors \[20000\]/)).toMatchObject({ 'log.level': 'WARN' });
    await capped.waitForLog(/^started /);

    const belowCap = run(await prepareHome({}), { ...ENFORCE, SECLAB_EMULATOR_PROC_DIR: fakeProc({ soft: 1024, hard: 1024 }), SECLAB_EMULATOR_ENGINE_NOFILE_CAP: '20000' });
    expect(await belowCap.waitForExit()).toBe(78);
    expect(belowCap.text()).toContain('max file descriptors [1024] for elasticsearch process is too low');

    const undeclared = run(await prepareHome({}), { ...ENFORCE, SECLAB_EMULATOR_PROC_DIR: fakeProc({ soft: 20000, hard: 20000 }) });
    expect(await undeclared.waitForExit()).toBe(78);
  });
});

describe('cluster.initial_master_nodes after the cluster has formed (ClusterBootstrapService, ES PR #92744)', () => {
  const REMOVAL =
    /^this node is locked into cluster UUID \[[^\]]+\] but \[cluster\.initial_master_nodes\] is set to \[es01\]; remove this setting to avoid possible data loss caused by subsequent cluster bootstrap attempts$/;

  it('says nothing of it on the first start, warns on a restart that still has it, and not once it is removed', async () => {
    const esHome = await prepareHome({});
    const first = run(esHome);
    await first.waitForLog(/^this node has not joined a bootstrapped cluster yet; \[cluster\.initial_master_nodes\] is set to \[es01\]$/);
    await first.waitForLog(/^master node changed /);
    await first.stop();
    expect(first.messages().some((message) => REMOVAL.test(message))).toBe(false);

    const restarted = run(esHome);
    await restarted.waitForLog(REMOVAL);
    expect(logLine(restarted, REMOVAL)).toMatchObject({ 'log.level': 'WARN', 'log.logger': 'org.elasticsearch.cluster.coordination.ClusterBootstrapService' });
    await restarted.waitForLog(/^started /);
    await restarted.stop();

    // Once formed, the node needs no bootstrap list: a seed list alone keeps the production-mode discovery check happy.
    const { 'cluster.initial_master_nodes': _removed, ...rest } = parseYaml(readFileSync(join(esHome, 'config', 'elasticsearch.yml'), 'utf8')) as Record<string, unknown>;
    writeSettings(esHome, { ...rest, 'discovery.seed_hosts': ['127.0.0.1:1'] });
    const withoutSetting = run(esHome);
    await withoutSetting.waitForLog(/^this node is locked into cluster UUID \[[^\]]+\] and will not attempt further cluster bootstrapping$/);
    await withoutSetting.waitForLog(/^started /);
    expect(withoutSetting.messages().some((message) => REMOVAL.test(message))).toBe(false);
  }, 45000);
});
