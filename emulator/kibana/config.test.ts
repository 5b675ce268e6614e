import { describe, expect, it } from 'vitest';
import { buildKibanaConfig } from './config';
import { kibanaArgsFromEnv } from './docker-env';
import { parseKibanaCliArgs } from './cli-args';

const base = { 'elasticsearch.hosts': ['https://es01:9200'], 'elasticsearch.username': 'kibana_system', 'elasticsearch.password': 'pw' };

describe('Kibana configuration rules', () => {
  it('refuses the elastic superuser with Kibana’s own message', () => {
    expect(() => buildKibanaConfig({ ...base, 'elasticsearch.username': 'elastic' }, '/kbn')).toThrow(
      '[config validation of [elasticsearch].username]: value of "elastic" is forbidden. This is a superuser account that cannot write to system indices that Kibana needs to function. Use a service account token instead.',
    );
  });

  it('refuses a username together with a service account token', () => {
    expect(() => buildKibanaConfig({ ...base, 'elasticsearch.serviceAccountToken': 'AAEAA' }, '/kbn')).toThrow(
      '[config validation of [elasticsearch].serviceAccountToken]: serviceAccountToken cannot be specified when "username" is also set.',
    );
  });

  it.each(['xpack.security', 'xpack.encryptedSavedObjects', 'xpack.reporting'])('refuses a short %s.encryptionKey', (ns) => {
    expect(() => buildKibanaConfig({ ...base, [`${ns}.encryptionKey`]: 'short' }, '/kbn')).toThrow(`[config validation of [${ns}].encryptionKey]: value has length [5] but it must have a minimum length of [32].`);
  });

  it('uses 9.x session defaults (idle 3d, lifespan 30d) and parses durations', () => {
    const defaults = buildKibanaConfig(base, '/kbn');
    expect(defaults.security.session).toEqual({ idleTimeoutMs: 3 * 86_400_000, lifespanMs: 30 * 86_400_000 });
    const custom = buildKibanaConfig({ ...base, 'xpack.security.session.idleTimeout': '2s', 'xpack.security.session.lifespan': '1h' }, '/kbn');
    expect(custom.security.session).toEqual({ idleTimeoutMs: 2000, lifespanMs: 3_600_000 });
  });

  it('requires certificate and key when server.ssl.enabled', () => {
    expect(() => buildKibanaConfig({ ...base, 'server.ssl.enabled': true }, '/kbn')).toThrow('must specify [certificate] and [key]');
  });

  it('rejects an unknown verification mode', () => {
    expect(() => buildKibanaConfig({ ...base, 'elasticsearch.ssl.verificationMode': 'strict' }, '/kbn')).toThrow('ssl.verificationMode');
  });

  it('resolves relative certificate paths against KIBANA_HOME', () => {
    const config = buildKibanaConfig({ ...base, 'elasticsearch.ssl.certificateAuthorities': 'config/certs/ca.crt' }, '/usr/share/kibana');
    expect(config.elasticsearch.ssl.certificateAuthorities).toEqual(['/usr/share/kibana/config/certs/ca.crt']);
  });
});

describe('kibana-docker env mapping', () => {
  it('maps only allow-listed variables, upper-cased with dots as underscores, after the fixed cgroup flags', () => {
    const args = kibanaArgsFromEnv({
      ELASTICSEARCH_HOSTS: 'https://es01:9200',
      XPACK_SECURITY_ENCRYPTIONKEY: 'k'.repeat(32),
      SERVERNAME: 'kibana',
      ELASTICSEARCH_SSL_VERIFICATIONMODE: '',
    });
    expect(args).toEqual(['--ops.cGroupOverrides.cpuPath=/', '--ops.cGroupOverrides.cpuAcctPath=/', '--elasticsearch.hosts=https://es01:9200', `--xpack.security.encryptionKey=${'k'.repeat(32)}`]);
  });

  it('parses --setting=value (JSON-parsed when it parses), -c and --allow-root', () => {
    expect(parseKibanaCliArgs(['--server.port=5602', '-c', '/x.yml', '--allow-root'])).toEqual({
      settings: { 'server.port': 5602 },
      configFiles: ['/x.yml'],
      allowRoot: true,
    });
  });
});
