import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCertificateAuthority, issueNodeCertificate } from './support/pki.js';
import { EsProcess, freePort, makeEsHome, writeSettings } from './support/es-node.js';

/**
 * Startup refusals, each caused by exactly one misconfiguration. Nodes bind to loopback, so the tests turn on
 * production-mode checks with the real switch `-Des.enforce.bootstrap.checks=true` in ES_JAVA_OPTS.
 */
const ENFORCE = { ES_JAVA_OPTS: '-Des.enforce.bootstrap.checks=true' };
const started: EsProcess[] = [];
let certsSource: string;

function fakeProc(maxMapCount: number, lockedMemory: string): string {
  const dir = makeEsHome('proc');
  mkdirSync(join(dir, 'sys', 'vm'), { recursive: true });
  mkdirSync(join(dir, 'self'), { recursive: true });
  writeFileSync(join(dir, 'sys', 'vm', 'max_map_count'), `${maxMapCount}\n`);
  writeFileSync(
    join(dir, 'self', 'limits'),
    `Limit                     Soft Limit           Hard Limit           Units     \nMax locked memory         ${lockedMemory}              ${lockedMemory}              bytes     \n`,
  );
  return dir;
}

async function nodeWith(settings: Record<string, unknown>, env: Record<string, string> = {}): Promise<EsProcess> {
  const esHome = makeEsHome('boot');
  const { cpSync } = await import('node:fs');
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
  const process = new EsProcess(esHome, { SECLAB_EMULATOR_PROC_DIR: fakeProc(262144, 'unlimited'), ...env });
  started.push(process);
  return process;
}

beforeAll(() => {
  certsSource = join(makeEsHome('boot-pki'), 'certs');
  const ca = createCertificateAuthority(certsSource, 'ca', 'Seclab Test CA');
  issueNodeCertificate(certsSource, ca, 'es01', { dns: ['es01', 'localhost'], ip: ['127.0.0.1'] });
});

afterAll(async () => {
  await Promise.all(started.map((process) => process.stop()));
});

describe.concurrent('startup refusals', () => {
  it.skipIf(process.getuid?.() !== 0)('refuses to run as root without the test-only switch', async () => {
    const node = await nodeWith({}, { SECLAB_EMULATOR_TEST_ALLOW_ROOT: '0' });
    expect(await node.waitForExit()).toBe(1);
    const line = node.output.find((entry) => entry.startsWith('{') && entry.includes('fatal exception while booting Elasticsearch'))!;
    expect(JSON.parse(line)).toMatchObject({
      'log.level': 'ERROR',
      'error.type': 'java.lang.RuntimeException',
      'error.message': 'can not run elasticsearch as root',
      'service.name': 'ES_ECS',
      'event.dataset': 'elasticsearch.server',
      'elasticsearch.node.name': 'es01',
      'elasticsearch.cluster.name': 'lab',
    });
    expect(node.text()).toContain('java.lang.RuntimeException: can not run elasticsearch as root');
  });

  it('refuses security without transport TLS in production mode (bootstrap check, exit 78)', async () => {
    const node = await nodeWith({ 'xpack.security.transport.ssl.enabled': false }, ENFORCE);
    expect(await node.waitForExit()).toBe(78);
    expect(node.text()).toContain('[1] bootstrap checks failed. You must address the points described in the following [1] lines before starting Elasticsearch.');
    expect(node.text()).toContain(
      'bootstrap check failure [1] of [1]: Transport SSL must be enabled if security is enabled. Please set [xpack.security.transport.ssl.enabled] to [true] or disable security by setting [xpack.security.enabled] to [false]',
    );
  });

  it('only warns about it in development mode (loopback, no enforcement switch), like ES', async () => {
    const node = await nodeWith({ 'xpack.security.transport.ssl.enabled': false });
    await node.waitForLog(/^Transport SSL must be enabled if security is enabled/);
    await node.waitForLog(/^started /);
  });

  it('refuses a low vm.max_map_count in production mode', async () => {
    const node = await nodeWith({}, { ...ENFORCE, SECLAB_EMULATOR_PROC_DIR: fakeProc(65530, 'unlimited') });
    expect(await node.waitForExit()).toBe(78);
    expect(node.text()).toContain('bootstrap check failure [1] of [1]: max virtual memory areas vm.max_map_count [65530] is too low, increase to at least [262144]');
    expect(node.text()).toContain('ERROR: Elasticsearch did not exit normally - check the logs at');
  });

  it('relaxes only the max_map_count check with SECLAB_EMULATOR_ALLOW_LOW_MAX_MAP_COUNT=true, and says so', async () => {
    const node = await nodeWith({}, { ...ENFORCE, SECLAB_EMULATOR_PROC_DIR: fakeProc(65530, 'unlimited'), SECLAB_EMULATOR_ALLOW_LOW_MAX_MAP_COUNT: 'true' });
    const warning = await node.waitForLog(/vm\.max_map_count \[65530\] is too low/);
    expect(warning).toContain('relaxed the check because SECLAB_EMULATOR_ALLOW_LOW_MAX_MAP_COUNT=true');
    await node.waitForLog(/^started /);
    const relaxedButLocked = await nodeWith({ 'bootstrap.memory_lock': true }, { ...ENFORCE, SECLAB_EMULATOR_PROC_DIR: fakeProc(65530, '65536'), SECLAB_EMULATOR_ALLOW_LOW_MAX_MAP_COUNT: 'true' });
    expect(await relaxedButLocked.waitForExit()).toBe(78);
    expect(relaxedButLocked.text()).toContain('memory locking requested for elasticsearch process but memory is not locked');
  });

  it('refuses bootstrap.memory_lock when the memlock limit is not unlimited', async () => {
    const node = await nodeWith({ 'bootstrap.memory_lock': true }, { ...ENFORCE, SECLAB_EMULATOR_PROC_DIR: fakeProc(262144, '8388608') });
    expect(await node.waitForExit()).toBe(78);
    expect(node.text()).toContain('bootstrap check failure [1] of [1]: memory locking requested for elasticsearch process but memory is not locked');
  });

  it('fails with the file and setting named when a certificate file is missing', async () => {
    const node = await nodeWith({ 'xpack.security.transport.ssl.certificate': 'certs/es01/missing.crt' });
    expect(await node.waitForExit()).toBe(1);
    expect(node.text()).toMatch(/failed to load SSL configuration \[xpack\.security\.transport\.ssl\] - cannot read configured PEM certificate \[.*\/config\/certs\/es01\/missing\.crt\] because the file does not exist/);
  });

  it('fails when TLS is enabled without a key and certificate', async () => {
    const node = await nodeWith({ 'xpack.security.http.ssl.enabled': true });
    expect(await node.waitForExit()).toBe(1);
    expect(node.text()).toContain(
      'invalid SSL configuration for xpack.security.http.ssl - server ssl configuration requires a key and certificate, but these have not been configured; you must set either [xpack.security.http.ssl.keystore.path], or both [xpack.security.http.ssl.key] and [xpack.security.http.ssl.certificate]',
    );
  });
});
