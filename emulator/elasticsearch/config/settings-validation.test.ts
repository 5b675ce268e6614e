import { describe, expect, it } from 'vitest';
import { levenshteinSimilarity, unknownSettingMessage, validateNodeSettings } from './settings-validation.js';
import { findSetting } from './known-settings.js';

const errorOf = (settings: Record<string, unknown>, keystoreNames: string[] = ['keystore.seed']) => validateNodeSettings({ settings, keystoreNames }).error;

describe('node settings validation (SettingsModule / AbstractScopedSettings)', () => {
  it("accepts every setting the lab plan and Elastic's Compose recipe use", () => {
    const settings = {
      'node.name': 'es01',
      'cluster.name': 'seclab-lab',
      'network.host': '0.0.0.0',
      'bootstrap.memory_lock': 'true',
      'xpack.security.enabled': 'true',
      'xpack.security.http.ssl.enabled': 'true',
      'xpack.security.http.ssl.key': 'k',
      'xpack.security.http.ssl.certificate': 'c',
      'xpack.security.http.ssl.certificate_authorities': 'ca',
      'xpack.security.transport.ssl.enabled': 'true',
      'xpack.security.transport.ssl.key': 'k',
      'xpack.security.transport.ssl.certificate': 'c',
      'xpack.security.transport.ssl.certificate_authorities': 'ca',
      'xpack.security.transport.ssl.verification_mode': 'full',
      'xpack.security.transport.ssl.client_authentication': 'required',
      'xpack.license.self_generated.type': 'trial',
      'cluster.routing.allocation.disk.watermark.low': '1gb',
      'cluster.routing.allocation.disk.watermark.high': '1gb',
      'cluster.routing.allocation.disk.watermark.flood_stage': '1gb',
      'ingest.geoip.downloader.enabled': 'false',
      'cluster.initial_master_nodes': 'es01,es02,es03',
      'discovery.seed_hosts': 'es02,es03',
      'xpack.security.audit.enabled': 'true',
      'xpack.security.http.filter.enabled': 'true',
      'xpack.security.http.filter.allow': '127.0.0.1',
      'xpack.security.http.filter.deny': '_all',
      'xpack.security.transport.filter.enabled': 'true',
      'xpack.security.transport.filter.allow': '10.0.0.2',
      'xpack.security.transport.filter.deny': '_all',
    };
    expect(validateNodeSettings({ settings, keystoreNames: ['keystore.seed', 'bootstrap.password'] })).toEqual({ warnings: [] });
  });

  it('accepts group and affix settings as ES registers them', () => {
    for (const key of [
      'logger.org.elasticsearch.discovery',
      'node.attr.zone',
      'cluster.routing.allocation.exclude._ip',
      'xpack.security.authc.realms.ldap.ldap1.url',
      'transport.profiles.client.xpack.security.filter.allow',
    ]) {
      expect(findSetting(key), key).toBeDefined();
    }
    expect(findSetting('xpack.security.authc.realms.nosuchtype.r1.order')).toBeUndefined();
  });

  it("refuses an unknown setting with ES's advice when nothing is close", () => {
    expect(errorOf({ 'seclab.nonsense': 'x' })).toMatchObject({
      exitCode: 1,
      errorType: 'java.lang.IllegalArgumentException',
      message: 'unknown setting [seclab.nonsense] please check that any required plugins are installed, or check the breaking changes documentation for removed settings',
    });
  });

  it('suggests close key settings like ES (Lucene Levenshtein score above 0.7)', () => {
    expect(unknownSettingMessage('bootstrap.memorylock', false)).toBe('unknown setting [bootstrap.memorylock] did you mean [bootstrap.memory_lock]?');
    expect(unknownSettingMessage('network.hosts', false)).toBe('unknown setting [network.hosts] did you mean [network.host]?');
    // Long X-Pack keys are close to many others: ES lists them all, best first.
    expect(unknownSettingMessage('xpack.security.http.ssl.enable', false)).toMatch(
      /^unknown setting \[xpack\.security\.http\.ssl\.enable\] did you mean any of \[xpack\.security\.http\.ssl\.enabled, xpack\.security\.http\.filter\.enabled, .*\]\?$/,
    );
    expect(levenshteinSimilarity('abc', 'abd')).toBeCloseTo(2 / 3);
  });

  it('reports the first failure in sorted key order, as ES Settings iterate', () => {
    expect(errorOf({ 'zzz.unknown': 'x', 'aaa.unknown': 'y' })?.message).toMatch(/^unknown setting \[aaa\.unknown\]/);
  });

  it('keeps secure settings in the keystore and plain ones out of it', () => {
    expect(errorOf({ 'bootstrap.password': 'x' })?.message).toBe('Setting [bootstrap.password] is a secure setting and must be stored inside the Elasticsearch keystore, but was found inside elasticsearch.yml');
    expect(errorOf({}, ['keystore.seed', 'xpack.security.enabled'])?.message).toBe(
      'Setting [xpack.security.enabled] is a non-secure setting and must be stored inside elasticsearch.yml, but was found inside the Elasticsearch keystore',
    );
    expect(errorOf({}, ['keystore.seed', 'boostrap.password'])?.message).toBe('unknown secure setting [boostrap.password] did you mean [bootstrap.password]?');
    expect(errorOf({}, ['keystore.seed', 'xpack.security.http.ssl.secure_key_passphrase'])).toBeUndefined();
  });

  it("refuses index-level settings at node level, after SettingsModule's warning", () => {
    const outcome = validateNodeSettings({ settings: { 'index.number_of_replicas': '0' }, keystoreNames: [] });
    expect(outcome.error?.message).toBe('node settings must not contain any index level settings');
    expect(outcome.warnings[0]).toContain('Found index level settings on node level configuration.');
    expect(outcome.warnings[0]).toContain('"index.number_of_replicas": "0"');
  });

  it('refuses cluster.initial_master_nodes with single-node discovery (ClusterBootstrapService)', () => {
    expect(errorOf({ 'discovery.type': 'single-node', 'cluster.initial_master_nodes': 'es01' })?.message).toBe('setting [cluster.initial_master_nodes] is not allowed when [discovery.type] is set to [single-node]');
  });
});
