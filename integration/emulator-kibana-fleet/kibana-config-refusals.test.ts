import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { writeLabCertificates, type LabFiles } from './support/lab';
import { freePort, runToCompletion, startProgram, stopAllStartedPrograms, stopProgram, waitFor } from './support/processes';

/**
 * The emulated image's whole startup path (kibana-docker → bin/kibana → config validation) with the
 * settings the lab sends as container env vars. Kibana validates before it connects to Elasticsearch,
 * so no Elasticsearch is started; the hosts point at a closed port.
 */

const KEY = 'k'.repeat(32);
let files: LabFiles;
let homes = 0;

beforeAll(() => {
  files = writeLabCertificates();
});

afterAll(async () => {
  await stopAllStartedPrograms();
});

/** A KIBANA_HOME whose kibana.yml is the image's generated one, plus the lab's container env vars. */
async function labEnv(overrides: Record<string, string> = {}): Promise<Record<string, string>> {
  const home = join(files.root, `kbn-config-${++homes}`);
  mkdirSync(join(home, 'config'), { recursive: true });
  writeFileSync(
    join(home, 'config', 'kibana.yml'),
    stringify({ 'server.host': '0.0.0.0', 'server.shutdownTimeout': '5s', 'elasticsearch.hosts': ['http://elasticsearch:9200'], 'monitoring.ui.container.elasticsearch.enabled': true }),
  );
  const leaf = files.leaf('kibana');
  return {
    KIBANA_HOME: home,
    SERVER_NAME: 'kibana',
    SERVER_HOST: '127.0.0.1',
    SERVER_PORT: String(await freePort()),
    SERVER_SSL_ENABLED: 'true',
    SERVER_SSL_CERTIFICATE: leaf.cert,
    SERVER_SSL_KEY: leaf.key,
    SERVER_SSL_CERTIFICATEAUTHORITIES: files.labCa,
    SERVER_SSL_SUPPORTEDPROTOCOLS: '["TLSv1.2","TLSv1.3"]',
    ELASTICSEARCH_HOSTS: `https://127.0.0.1:${await freePort()}`,
    ELASTICSEARCH_USERNAME: 'kibana_system',
    ELASTICSEARCH_PASSWORD: 'kibana-system-password',
    ELASTICSEARCH_SSL_CERTIFICATEAUTHORITIES: files.labCa,
    ELASTICSEARCH_SSL_VERIFICATIONMODE: 'full',
    XPACK_SECURITY_SECURECOOKIES: 'true',
    XPACK_SECURITY_SAMESITECOOKIES: 'Strict',
    XPACK_SECURITY_SESSION_IDLETIMEOUT: '1h',
    XPACK_SECURITY_SESSION_LIFESPAN: '8h',
    XPACK_SECURITY_ENCRYPTIONKEY: KEY,
    XPACK_ENCRYPTEDSAVEDOBJECTS_ENCRYPTIONKEY: KEY,
    XPACK_REPORTING_ENCRYPTIONKEY: KEY,
    ...overrides,
  };
}

async function expectRefusal(env: Record<string, string>, message: string, exitCode = 78, args: string[] = []) {
  const result = await runToCompletion('emulator/kibana/kibana-docker.ts', args, env);
  expect(result.output).toContain(`[FATAL][root] Error: ${message}`);
  expect(result.output).toContain(`\n FATAL  Error: ${message}\n`);
  expect(result.output).not.toContain('http server running at');
  expect(result.code).toBe(exitCode);
}

describe('emulated Kibana startup: the configuration is refused as Kibana refuses it', () => {
  it('starts with the lab’s settings when supportedProtocols is a JSON array', async () => {
    const env = await labEnv();
    const kibana = startProgram('kbn-lab-good', 'emulator/kibana/kibana-docker.ts', [], env);
    await waitFor(
      'Kibana to listen',
      async () => {
        if (kibana.child.exitCode !== null) throw new Error(`Kibana exited ${kibana.child.exitCode}: ${kibana.output()}`);
        return kibana.output().includes(`http server running at https://127.0.0.1:${env.SERVER_PORT}`) ? true : undefined;
      },
      20_000,
    );
    await stopProgram(kibana);
  });

  it('refuses the old comma-separated SERVER_SSL_SUPPORTEDPROTOCOLS (exit 78)', async () => {
    await expectRefusal(await labEnv({ SERVER_SSL_SUPPORTEDPROTOCOLS: 'TLSv1.2,TLSv1.3' }), '[config validation of [server].ssl.supportedProtocols]: could not parse array value from json input');
  });

  it('refuses a key the namespace has no definition for, from kibana.yml or a flag', async () => {
    const env = await labEnv();
    writeFileSync(join(env.KIBANA_HOME as string, 'config', 'kibana.yml'), stringify({ 'server.host': '0.0.0.0', 'xpack.security.enabled': true }));
    await expectRefusal(env, '[config validation of [xpack.security].enabled]: definition for this key is missing');
    await expectRefusal(await labEnv(), '[config validation of [server].ssl.verificationMode]: definition for this key is missing', 78, ['--server.ssl.verificationMode=full']);
  });

  it('words an unknown key as Kibana 9.5 does when emulating 9.5', async () => {
    await expectRefusal({ ...(await labEnv()), SECLAB_EMULATED_VERSION: '9.5.2' }, "[config validation of [server].foo]: Additional properties are not allowed ('foo' was unexpected)", 78, ['--server.foo=bar']);
  });

  it('refuses a key under no config path as an unknown configuration key (exit 64)', async () => {
    await expectRefusal(await labEnv(), 'Unknown configuration key(s): "xpack.nosuchplugin.enabled". Check for spelling errors and ensure that expected plugins are installed.', 64, ['--xpack.nosuchplugin.enabled=true']);
  });

  it('refuses a 31-character encryption key', async () => {
    await expectRefusal(
      await labEnv({ XPACK_ENCRYPTEDSAVEDOBJECTS_ENCRYPTIONKEY: 'k'.repeat(31) }),
      '[config validation of [xpack.encryptedSavedObjects].encryptionKey]: value has length [31] but it must have a minimum length of [32].',
    );
  });

  it('refuses a duration that is not one', async () => {
    await expectRefusal(
      await labEnv({ XPACK_SECURITY_SESSION_LIFESPAN: 'forever' }),
      '[config validation of [xpack.security].session.lifespan]: types that failed validation:\n' +
        "- [config validation of [xpack.security].session.lifespan.0]: Failed to parse value as time value. Value must be a duration in milliseconds, or follow the format <count>[ms|s|m|h|d|w|M|y] (e.g. '70ms', '5s', '3d', '1y', '1m30s'), where the duration is a safe positive integer.\n" +
        '- [config validation of [xpack.security].session.lifespan.1]: expected value to equal [null] but got [forever]',
    );
  });

  it('refuses a boolean that is not one', async () => {
    await expectRefusal(await labEnv({ XPACK_SECURITY_SECURECOOKIES: 'yes' }), '[config validation of [xpack.security].secureCookies]: expected value of type [boolean] but got [string]');
  });

  it('refuses a port that is not a number', async () => {
    await expectRefusal(await labEnv({ SERVER_PORT: 'https' }), '[config validation of [server].port]: expected value of type [number] but got [string]');
  });

  it('refuses a flag without a value as Kibana’s CLI does (exit 64, before any config is read)', async () => {
    const result = await runToCompletion('emulator/kibana/main.ts', ['--server.name'], await labEnv());
    expect(result.output).toContain('ERROR  Extra serve options "--server.name" must have a value');
    expect(result.code).toBe(64);
  });
});
