import type { KibanaConfig } from './config';
import type { Logger } from './logger';

/**
 * The configuration warnings Kibana logs at startup, with their real loggers and wording:
 * x-pack/plugins/security/server/config.ts (createConfig), encrypted_saved_objects/server/plugin.ts,
 * reporting/server/config/create_config.ts.
 */
export function logConfigurationWarnings(config: KibanaConfig, root: Logger): void {
  const securityConfig = root.get('plugins.security.config');
  if (!config.security.encryptionKey) {
    securityConfig.warn(
      'Generating a random key for xpack.security.encryptionKey. To prevent sessions from being invalidated on ' +
        'restart, please set xpack.security.encryptionKey in the kibana.yml or use the bin/kibana-encryption-keys command.',
    );
  }
  if (!config.server.ssl.enabled) {
    if (config.security.secureCookies) {
      securityConfig.warn('Using secure cookies, but SSL is not enabled inside Kibana. SSL must be configured outside of Kibana to function properly.');
    } else {
      securityConfig.warn('Session cookies will be transmitted over insecure connections. This is not recommended.');
    }
  }
  if (!config.reporting.encryptionKey) {
    root
      .get('plugins.reporting.config')
      .warn(
        'Generating a random key for xpack.reporting.encryptionKey. To prevent sessions from being invalidated on ' +
          'restart, please set xpack.reporting.encryptionKey in the kibana.yml or use the bin/kibana-encryption-keys command.',
      );
  }
  if (!config.encryptedSavedObjects.encryptionKey) {
    root
      .get('plugins.encryptedSavedObjects')
      .warn(
        'Saved objects encryption key is not set. This will severely limit Kibana functionality. ' +
          'Please set xpack.encryptedSavedObjects.encryptionKey in the kibana.yml or use the bin/kibana-encryption-keys command.',
      );
  }
}
