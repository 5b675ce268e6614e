import { describe, expect, it } from 'vitest';
import { buildKibanaConfig, ConfigValidationError } from './config';
import { kibanaArgsFromEnv } from './docker-env';
import { KibanaCliError, parseKibanaCliArgs } from './cli-args';
import type { FlatSettings } from '../shared/settings-file';

const base: FlatSettings = { 'elasticsearch.hosts': 'https://es01:9200', 'elasticsearch.username': 'kibana_system', 'elasticsearch.password': 'pw' };
const KEY = 'k'.repeat(32);

/** The settings Kibana ends up with from these container env vars (kibana-docker → bin/kibana flags). */
function fromEnv(env: Record<string, string>): FlatSettings {
  return parseKibanaCliArgs(kibanaArgsFromEnv(env)).settings;
}

function refusal(settings: FlatSettings, version?: string): ConfigValidationError {
  try {
    buildKibanaConfig(settings, '/kbn', version);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

// The lab's Kibana container env (main/core/planner/plan-lab.ts planKibana) with the JSON-array protocols,
// plus Elastic's Compose recipe (integration/compose-recipe/docker-compose.yml).
const LAB_ENV = {
  SERVER_NAME: 'kibana',
  SERVER_HOST: '0.0.0.0',
  SERVER_PUBLICBASEURL: 'https://localhost:5601',
  SERVER_SSL_ENABLED: 'true',
  SERVER_SSL_CERTIFICATE: 'config/certs/kibana/kibana.crt',
  SERVER_SSL_KEY: 'config/certs/kibana/kibana.key',
  SERVER_SSL_CERTIFICATEAUTHORITIES: 'config/certs/ca/ca.crt',
  SERVER_SSL_SUPPORTEDPROTOCOLS: '["TLSv1.2","TLSv1.3"]',
  ELASTICSEARCH_HOSTS: 'https://es01:9200',
  ELASTICSEARCH_USERNAME: 'kibana_system',
  ELASTICSEARCH_SSL_CERTIFICATEAUTHORITIES: 'config/certs/ca/ca.crt',
  ELASTICSEARCH_SSL_VERIFICATIONMODE: 'full',
  XPACK_SECURITY_SECURECOOKIES: 'true',
  XPACK_SECURITY_SAMESITECOOKIES: 'Strict',
  XPACK_SECURITY_SESSION_IDLETIMEOUT: '1h',
  XPACK_SECURITY_SESSION_LIFESPAN: '8h',
};
// The image's generated kibana.yml (emulator/kibana/image.ts).
const IMAGE_YML: FlatSettings = {
  'server.host': '0.0.0.0',
  'server.shutdownTimeout': '5s',
  'elasticsearch.hosts': ['http://elasticsearch:9200'],
  'monitoring.ui.container.elasticsearch.enabled': true,
};

describe('Kibana settings schema: what the lab and the Compose recipe send is accepted', () => {
  it('accepts the lab plan with supportedProtocols as a JSON array, over the image kibana.yml and keystore', () => {
    const settings = { ...IMAGE_YML, ...fromEnv(LAB_ENV), 'elasticsearch.password': 'pw', 'xpack.security.encryptionKey': KEY };
    const config = buildKibanaConfig(settings, '/usr/share/kibana');
    expect(config.server.ssl.supportedProtocols).toEqual(['TLSv1.2', 'TLSv1.3']);
    expect(config.server.ssl.certificateAuthorities).toEqual(['/usr/share/kibana/config/certs/ca/ca.crt']);
    expect(config.elasticsearch.hosts).toEqual(['https://es01:9200']);
    expect(config.security.session).toEqual({ idleTimeoutMs: 3_600_000, lifespanMs: 8 * 3_600_000 });
    expect(config.security.secureCookies).toBe(true);
  });

  it('accepts the Compose recipe env (SERVERNAME is not allow-listed and is ignored)', () => {
    const env = {
      SERVERNAME: 'kibana',
      ELASTICSEARCH_HOSTS: 'https://es01:9200',
      ELASTICSEARCH_USERNAME: 'kibana_system',
      ELASTICSEARCH_PASSWORD: 'changeme',
      ELASTICSEARCH_SSL_CERTIFICATEAUTHORITIES: 'config/certs/ca/ca.crt',
    };
    expect(buildKibanaConfig({ ...IMAGE_YML, ...fromEnv(env) }, '/usr/share/kibana').elasticsearch.username).toBe('kibana_system');
  });
});

describe('Kibana settings schema: arrays from env or flags only as JSON arrays', () => {
  it('refuses the comma-separated server.ssl.supportedProtocols the lab used to send', () => {
    const error = refusal({ ...base, ...fromEnv({ SERVER_SSL_SUPPORTEDPROTOCOLS: 'TLSv1.2,TLSv1.3' }) });
    expect(error.message).toBe('[config validation of [server].ssl.supportedProtocols]: could not parse array value from json input');
    expect(error.processExitCode).toBe(78);
  });

  it('refuses a protocol Kibana does not know, naming each alternative', () => {
    expect(refusal({ ...base, 'server.ssl.supportedProtocols': ['TLSv1.4'] }).message).toBe(
      '[config validation of [server].ssl.supportedProtocols.0]: types that failed validation:\n' +
        '- [config validation of [server].ssl.supportedProtocols.0.0]: expected value to equal [TLSv1] but got [TLSv1.4]\n' +
        '- [config validation of [server].ssl.supportedProtocols.0.1]: expected value to equal [TLSv1.1] but got [TLSv1.4]\n' +
        '- [config validation of [server].ssl.supportedProtocols.0.2]: expected value to equal [TLSv1.2] but got [TLSv1.4]\n' +
        '- [config validation of [server].ssl.supportedProtocols.0.3]: expected value to equal [TLSv1.3] but got [TLSv1.4]',
    );
  });

  it('refuses a plain string for the pure array server.ssl.cipherSuites', () => {
    expect(refusal({ ...base, ...fromEnv({ SERVER_SSL_CIPHERSUITES: 'ECDHE-RSA-AES128-GCM-SHA256' }) }).message).toBe('[config validation of [server].ssl.cipherSuites]: could not parse array value from json input');
  });

  it('accepts a plain string where Kibana has oneOf([string, array]): hosts and certificateAuthorities', () => {
    const config = buildKibanaConfig({ ...base, 'elasticsearch.ssl.certificateAuthorities': '/ca.crt', 'server.ssl.certificateAuthorities': '/ca.crt' }, '/kbn');
    expect(config.elasticsearch.hosts).toEqual(['https://es01:9200']);
    expect(config.elasticsearch.ssl.certificateAuthorities).toEqual(['/ca.crt']);
    expect(config.server.ssl.certificateAuthorities).toEqual(['/ca.crt']);
  });

  it('refuses comma-separated elasticsearch.hosts: neither one URI nor a JSON array', () => {
    expect(refusal({ ...base, 'elasticsearch.hosts': 'https://es01:9200,https://es02:9200' }).message).toBe(
      '[config validation of [elasticsearch].hosts]: types that failed validation:\n' +
        '- [config validation of [elasticsearch].hosts.0]: value must be a valid URI (see RFC 3986).\n' +
        '- [config validation of [elasticsearch].hosts.1]: could not parse array value from json input',
    );
  });

  it('refuses a plain string for the pure array xpack.fleet.agents.fleet_server.hosts', () => {
    expect(refusal({ ...base, 'xpack.fleet.agents.fleet_server.hosts': 'https://fleet-server:8220' }).message).toBe(
      '[config validation of [xpack.fleet].agents.fleet_server.hosts]: could not parse array value from json input',
    );
  });
});

describe('Kibana settings schema: unknown keys are fatal', () => {
  it('refuses a key its namespace has no definition for, with the nested path', () => {
    expect(refusal({ ...base, 'server.foo': 'bar' }).message).toBe('[config validation of [server].foo]: definition for this key is missing');
    expect(refusal({ ...base, 'server.ssl.verificationMode': 'full' }).message).toBe('[config validation of [server].ssl.verificationMode]: definition for this key is missing');
    expect(refusal({ ...base, 'xpack.security.enabled': true }).processExitCode).toBe(78);
  });

  it('refuses settings Kibana 9 removed (xpack.security.enabled, xpack.fleet.agents.kibana.host)', () => {
    expect(refusal({ ...base, 'xpack.security.enabled': true }).message).toBe('[config validation of [xpack.security].enabled]: definition for this key is missing');
    expect(refusal({ ...base, 'xpack.fleet.agents.kibana.host': 'https://kibana:5601' }).message).toBe('[config validation of [xpack.fleet].agents.kibana]: definition for this key is missing');
  });

  it('words it as kibana#258633 does from 9.5 on', () => {
    expect(refusal({ ...base, 'server.foo': 'bar' }, '9.5.0').message).toBe("[config validation of [server].foo]: Additional properties are not allowed ('foo' was unexpected)");
  });

  it('refuses keys under no config path as unknown configuration keys (exit 64), except dev.* and elastic.apm.*', () => {
    const error = refusal({ ...base, 'foo.bar': 1, 'xpack.nope': true, 'elastic.apm.active': false });
    expect(error.message).toBe('Unknown configuration key(s): "foo.bar", "xpack.nope". Check for spelling errors and ensure that expected plugins are installed.');
    expect(error.processExitCode).toBe(64);
  });

  it('checks the schema before looking for unknown config paths', () => {
    expect(refusal({ ...base, 'foo.bar': 1, 'server.port': 'abc' }).processExitCode).toBe(78);
  });
});

describe('Kibana settings schema: durations, booleans and ports', () => {
  it('parses durations, including multi-unit ones', () => {
    const config = buildKibanaConfig({ ...base, 'elasticsearch.requestTimeout': '1m30s', 'xpack.security.session.idleTimeout': 5000 }, '/kbn');
    expect(config.elasticsearch.requestTimeoutMs).toBe(90_000);
    expect(config.security.session.idleTimeoutMs).toBe(5000);
  });

  it('refuses a duration that is not one', () => {
    expect(refusal({ ...base, 'elasticsearch.requestTimeout': '1.5m' }).message).toBe(
      "[config validation of [elasticsearch].requestTimeout]: Failed to parse value as time value. Value must be a duration in milliseconds, or follow the format <count>[ms|s|m|h|d|w|M|y] (e.g. '70ms', '5s', '3d', '1y', '1m30s'), where the duration is a safe positive integer.",
    );
  });

  it('refuses a session timeout that is neither a duration nor null', () => {
    expect(refusal({ ...base, 'xpack.security.session.idleTimeout': 'soon' }).message).toBe(
      '[config validation of [xpack.security].session.idleTimeout]: types that failed validation:\n' +
        "- [config validation of [xpack.security].session.idleTimeout.0]: Failed to parse value as time value. Value must be a duration in milliseconds, or follow the format <count>[ms|s|m|h|d|w|M|y] (e.g. '70ms', '5s', '3d', '1y', '1m30s'), where the duration is a safe positive integer.\n" +
        '- [config validation of [xpack.security].session.idleTimeout.1]: expected value to equal [null] but got [soon]',
    );
  });

  it('accepts true/false in any case and refuses anything else as a boolean', () => {
    expect(buildKibanaConfig({ ...base, 'status.allowAnonymous': 'TRUE' }, '/kbn').status.allowAnonymous).toBe(true);
    expect(refusal({ ...base, ...fromEnv({ SERVER_SSL_ENABLED: 'yes' }) }).message).toBe('[config validation of [server].ssl.enabled]: expected value of type [boolean] but got [string]');
  });

  it('accepts a numeric string for server.port and refuses anything else', () => {
    expect(buildKibanaConfig({ ...base, 'server.port': '5602' }, '/kbn').server.port).toBe(5602);
    expect(refusal({ ...base, ...fromEnv({ SERVER_PORT: 'abc' }) }).message).toBe('[config validation of [server].port]: expected value of type [number] but got [string]');
  });

  it('coerces a numeric elasticsearch.password (env values are JSON-parsed) but no other string', () => {
    expect(buildKibanaConfig({ ...base, ...fromEnv({ ELASTICSEARCH_PASSWORD: '12345' }) }, '/kbn').elasticsearch.password).toBe('12345');
    expect(refusal({ ...base, ...fromEnv({ SERVER_NAME: '12345' }) }).message).toBe('[config validation of [server].name]: expected value of type [string] but got [number]');
  });
});

describe('Kibana settings schema: encryption keys', () => {
  it.each(['xpack.security', 'xpack.encryptedSavedObjects', 'xpack.reporting'])('refuses a 31-character %s.encryptionKey', (ns) => {
    expect(refusal({ ...base, [`${ns}.encryptionKey`]: 'k'.repeat(31) }).message).toBe(`[config validation of [${ns}].encryptionKey]: value has length [31] but it must have a minimum length of [32].`);
  });

  it('accepts a 32-character key', () => {
    expect(buildKibanaConfig({ ...base, 'xpack.reporting.encryptionKey': KEY }, '/kbn').reporting.encryptionKey).toBe(KEY);
  });
});

describe('kibana-docker word splitting and the serve command line', () => {
  it('splits a value with a space into two arguments, and the second is ignored as a positional argument', () => {
    const args = kibanaArgsFromEnv({ SERVER_NAME: 'my kibana' });
    expect(args.slice(2)).toEqual(['--server.name=my', 'kibana']);
    expect(parseKibanaCliArgs(args).settings['server.name']).toBe('my');
  });

  it('turns a value that continues with "--" into another option', () => {
    const args = kibanaArgsFromEnv({ SERVER_NAME: 'kibana --server.foo=1' });
    expect(parseKibanaCliArgs(args).settings).toMatchObject({ 'server.name': 'kibana', 'server.foo': 1 });
  });

  it('refuses an option without a value and a stray shorthand flag, as Kibana’s CLI does (exit 64)', () => {
    expect(() => parseKibanaCliArgs(['--server.name'])).toThrow(new KibanaCliError('Extra serve options "--server.name" must have a value'));
    expect(() => parseKibanaCliArgs(['--server.name', 'a', '-x'])).toThrow("Extra serve options shouldn't have unknown shorthand flag arguments (-x). Possibly an argumentation error?");
  });
});
