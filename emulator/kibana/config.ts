import { isAbsolute, resolve } from 'node:path';
import type { FlatSettings } from '../shared/settings-file';
import { settingAsBoolean, settingAsList } from '../shared/settings-file';
import { parseDurationMs } from './duration';

export type VerificationMode = 'full' | 'certificate' | 'none';
export type ClientAuthentication = 'none' | 'optional' | 'required';
export type SameSite = 'Strict' | 'Lax' | 'None';

export interface KibanaConfig {
  server: {
    host: string;
    port: number;
    name: string;
    publicBaseUrl?: string;
    ssl: {
      enabled: boolean;
      certificate?: string;
      key?: string;
      keyPassphrase?: string;
      certificateAuthorities: string[];
      supportedProtocols: string[];
      clientAuthentication: ClientAuthentication;
    };
    xsrf: { allowlist: string[]; disableProtection: boolean };
  };
  elasticsearch: {
    hosts: string[];
    username?: string;
    password?: string;
    serviceAccountToken?: string;
    requestTimeoutMs: number;
    ssl: { verificationMode: VerificationMode; certificateAuthorities: string[]; certificate?: string; key?: string };
  };
  security: {
    encryptionKey?: string;
    cookieName: string;
    secureCookies: boolean;
    sameSiteCookies?: SameSite;
    session: { idleTimeoutMs: number | null; lifespanMs: number | null };
  };
  encryptedSavedObjects: { encryptionKey?: string };
  reporting: { encryptionKey?: string };
  status: { allowAnonymous: boolean };
  logging: { json: boolean };
  fleet: { settings: FlatSettings };
}

/** Kibana aborts startup with this message (`FATAL  Error: …`), as @kbn/config-schema formats it. */
export class ConfigValidationError extends Error {}

function fail(namespace: string, key: string, message: string): never {
  throw new ConfigValidationError(`[config validation of [${namespace}].${key}]: ${message}`);
}

function optionalString(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}

/** @kbn/config-schema `schema.string({ minLength })` message. */
function minLength(namespace: string, key: string, value: string | undefined, min: number): void {
  if (value !== undefined && value.length < min) {
    fail(namespace, key, `value has length [${value.length}] but it must have a minimum length of [${min}].`);
  }
}

function oneOf<T extends string>(namespace: string, key: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === null || value === '') return fallback;
  const text = String(value);
  if ((allowed as readonly string[]).includes(text)) return text as T;
  const lines = allowed.map((option, i) => `- [${key}.${i}]: expected value to equal [${option}]`);
  return fail(namespace, key, `types that failed validation:\n${lines.join('\n')}`);
}

function resolvePath(configDir: string, path: string): string {
  // Relative cert paths in kibana.yml resolve against the working dir, which is KIBANA_HOME in the image.
  return isAbsolute(path) ? path : resolve(configDir, path);
}

function timeout(settings: FlatSettings, key: string, fallback: string): number | null {
  const value = settings[key];
  if (value === null) return null;
  const ms = parseDurationMs(value ?? fallback, key);
  return ms > 0 ? ms : null;
}

export function buildKibanaConfig(settings: FlatSettings, homeDir: string): KibanaConfig {
  const sslEnabled = settingAsBoolean(settings['server.ssl.enabled'], false);
  const certificate = optionalString(settings['server.ssl.certificate']);
  const key = optionalString(settings['server.ssl.key']);
  if (sslEnabled && (!certificate || !key) && !settings['server.ssl.keystore.path']) {
    // src/core/packages/http/server-internal/src/ssl_config.ts
    fail('server', 'ssl', 'must specify [certificate] and [key] -- or [keystore.path] -- when ssl is enabled');
  }

  const username = optionalString(settings['elasticsearch.username']);
  const serviceAccountToken = optionalString(settings['elasticsearch.serviceAccountToken']);
  // src/core/packages/elasticsearch/server-internal/src/elasticsearch_config.ts
  if (username === 'elastic') {
    fail(
      'elasticsearch',
      'username',
      'value of "elastic" is forbidden. This is a superuser account that cannot write to system indices that Kibana needs to ' +
        'function. Use a service account token instead. Learn more: ' +
        'https://www.elastic.co/guide/en/elasticsearch/reference/8.0/service-accounts.html',
    );
  }
  if (username && serviceAccountToken) {
    fail('elasticsearch', 'serviceAccountToken', 'serviceAccountToken cannot be specified when "username" is also set.');
  }

  // x-pack security / encrypted_saved_objects / reporting config: schema.maybe(schema.string({ minLength: 32 }))
  const securityKey = optionalString(settings['xpack.security.encryptionKey']);
  minLength('xpack.security', 'encryptionKey', securityKey, 32);
  const esoKey = optionalString(settings['xpack.encryptedSavedObjects.encryptionKey']);
  minLength('xpack.encryptedSavedObjects', 'encryptionKey', esoKey, 32);
  const reportingKey = optionalString(settings['xpack.reporting.encryptionKey']);
  minLength('xpack.reporting', 'encryptionKey', reportingKey, 32);

  const sameSite = settings['xpack.security.sameSiteCookies'];
  const verificationMode = oneOf('elasticsearch', 'ssl.verificationMode', settings['elasticsearch.ssl.verificationMode'], ['none', 'certificate', 'full'] as const, 'full');
  const clientAuthentication = oneOf('server', 'ssl.clientAuthentication', settings['server.ssl.clientAuthentication'], ['none', 'optional', 'required'] as const, 'none');

  const hostsSetting = settings['elasticsearch.hosts'];
  const hosts = hostsSetting === undefined ? ['http://localhost:9200'] : settingAsList(hostsSetting);

  const jsonLayout = Object.entries(settings).some(([k, v]) => /^logging\.appenders\..*layout\.type$/.test(k) && v === 'json');

  const fleetSettings: FlatSettings = {};
  for (const [k, v] of Object.entries(settings)) if (k.startsWith('xpack.fleet.')) fleetSettings[k] = v;

  return {
    server: {
      host: optionalString(settings['server.host']) ?? 'localhost',
      port: Number(settings['server.port'] ?? 5601),
      name: optionalString(settings['server.name']) ?? 'kibana',
      publicBaseUrl: optionalString(settings['server.publicBaseUrl']),
      ssl: {
        enabled: sslEnabled,
        certificate: certificate && resolvePath(homeDir, certificate),
        key: key && resolvePath(homeDir, key),
        keyPassphrase: optionalString(settings['server.ssl.keyPassphrase']),
        certificateAuthorities: settingAsList(settings['server.ssl.certificateAuthorities']).map((p) => resolvePath(homeDir, p)),
        // Kibana's default: TLSv1.2 and TLSv1.3 (ssl_config.ts supportedProtocols default)
        supportedProtocols: settings['server.ssl.supportedProtocols'] === undefined ? ['TLSv1.2', 'TLSv1.3'] : settingAsList(settings['server.ssl.supportedProtocols']),
        clientAuthentication,
      },
      xsrf: {
        allowlist: settingAsList(settings['server.xsrf.allowlist']),
        disableProtection: settingAsBoolean(settings['server.xsrf.disableProtection'], false),
      },
    },
    elasticsearch: {
      hosts,
      username,
      password: optionalString(settings['elasticsearch.password']),
      serviceAccountToken,
      requestTimeoutMs: parseDurationMs(settings['elasticsearch.requestTimeout'] ?? '30s', 'elasticsearch.requestTimeout'),
      ssl: {
        verificationMode,
        certificateAuthorities: settingAsList(settings['elasticsearch.ssl.certificateAuthorities']).map((p) => resolvePath(homeDir, p)),
        certificate: optionalString(settings['elasticsearch.ssl.certificate']),
        key: optionalString(settings['elasticsearch.ssl.key']),
      },
    },
    security: {
      encryptionKey: securityKey,
      cookieName: optionalString(settings['xpack.security.cookieName']) ?? 'sid',
      secureCookies: settingAsBoolean(settings['xpack.security.secureCookies'], false),
      sameSiteCookies: sameSite === undefined ? undefined : oneOf('xpack.security', 'sameSiteCookies', sameSite, ['Strict', 'Lax', 'None'] as const, 'Lax'),
      // x-pack/plugins/security/server/config.ts: idleTimeout default 3d, lifespan default 30d (8.x/9.x)
      session: {
        idleTimeoutMs: timeout(settings, 'xpack.security.session.idleTimeout', '3d'),
        lifespanMs: timeout(settings, 'xpack.security.session.lifespan', '30d'),
      },
    },
    encryptedSavedObjects: { encryptionKey: esoKey },
    reporting: { encryptionKey: reportingKey },
    status: { allowAnonymous: settingAsBoolean(settings['status.allowAnonymous'], false) },
    logging: { json: jsonLayout },
    fleet: { settings: fleetSettings },
  };
}
