import { describe, expect, it } from 'vitest';
import { settingsFromArguments, settingsFromEnvironment } from './env-settings.js';

describe('Docker env → settings', () => {
  it('takes dotted lower-case names and ES_SETTING_ names, ignores the rest', () => {
    expect(
      settingsFromEnvironment({
        'node.name': 'es01',
        'xpack.security.http.ssl.enabled': 'true',
        ES_SETTING_BOOTSTRAP_MEMORY__LOCK: 'true',
        ES_SETTING_XPACK_SECURITY_ENABLED: 'false',
        ELASTIC_PASSWORD: 'secret',
        PATH: '/usr/bin',
        'empty.value': '',
      }),
    ).toEqual({ 'node.name': 'es01', 'xpack.security.http.ssl.enabled': 'true', 'bootstrap.memory_lock': 'true', 'xpack.security.enabled': 'false' });
  });

  it('parses -E arguments', () => {
    expect(settingsFromArguments(['-Ecluster.name=lab', '-E', 'node.name=es02'])).toEqual({ 'cluster.name': 'lab', 'node.name': 'es02' });
  });
});
