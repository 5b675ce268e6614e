import { join, isAbsolute, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { readYamlSettings, settingAsBoolean, settingAsList, type FlatSettings } from '../../shared/settings-file.js';
import { readKeystore, keystoreValue, type KeystoreEntries } from '../../shared/keystore-file.js';
import { settingsFromArguments, settingsFromEnvironment } from './env-settings.js';

export type ClientAuthentication = 'none' | 'optional' | 'required';
export type VerificationMode = 'full' | 'certificate' | 'none';

/** One `xpack.security.{http,transport}.ssl` context. Paths are as configured (relative to the config dir). */
export interface SslSettings {
  prefix: string;
  enabled: boolean;
  key?: string;
  certificate?: string;
  certificateAuthorities: string[];
  verificationMode: VerificationMode;
  clientAuthentication: ClientAuthentication;
  keyPassphrase?: string;
  supportedProtocols: string[];
}

export interface NodeConfig {
  esHome: string;
  pathConf: string;
  pathData: string;
  pathLogs: string;
  settings: FlatSettings;
  keystore: KeystoreEntries | undefined;
  nodeName: string;
  clusterName: string;
  roles: string[];
  httpHost: string;
  httpPort: number;
  transportHost: string;
  transportPort: number;
  securityEnabled: boolean;
  http: SslSettings;
  transport: SslSettings;
  discoveryType: string | undefined;
  seedHosts: string[];
  initialMasterNodes: string[];
  licenseType: 'basic' | 'trial';
  memoryLock: boolean;
  bootstrapPassword: string | undefined;
  audit: { enabled: boolean; includeEvents: string[]; excludeEvents: string[] };
  /** `xpack.security.authc.anonymous.*`: present only when anonymous access is on (roles set and not empty). */
  anonymous: AnonymousAccess | undefined;
  /** `-Des.enforce.bootstrap.checks=true` in ES_JAVA_OPTS, the real switch that enforces checks on loopback. */
  enforceBootstrapChecks: boolean;
}

export interface AnonymousAccess {
  username: string;
  roles: string[];
  /** `authz_exception`: a denied anonymous request gets 403 (true, the default) or 401 asking for credentials. */
  authzException: boolean;
}

/**
 * AnonymousUser.isAnonymousEnabled: the roles setting exists and is not empty; the username defaults to
 * `_anonymous` (x-pack/plugin/core/.../security/user/AnonymousUser.java).
 */
export function readAnonymousAccess(settings: FlatSettings): AnonymousAccess | undefined {
  const roles = settingAsList(settings['xpack.security.authc.anonymous.roles']);
  if (roles.length === 0) return undefined;
  return {
    username: settingAsString(settings, 'xpack.security.authc.anonymous.username') ?? '_anonymous',
    roles,
    authzException: settingAsBoolean(settings['xpack.security.authc.anonymous.authz_exception'], true),
  };
}

export function settingAsString(settings: FlatSettings, name: string): string | undefined {
  const value = settings[name];
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}

function parsePort(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const first = value.split('-')[0]!.trim();
  const port = Number(first);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`Failed to parse value [${value}] for setting [${name}]`);
  }
  return port;
}

function readSslSettings(settings: FlatSettings, keystore: KeystoreEntries | undefined, prefix: string, defaultClientAuthentication: ClientAuthentication): SslSettings {
  const get = (name: string) => settingAsString(settings, `${prefix}.${name}`);
  const verificationMode = (get('verification_mode') ?? 'full') as VerificationMode;
  if (!['full', 'certificate', 'none'].includes(verificationMode)) {
    throw new Error(`could not resolve ssl client authentication, unknown value for [${prefix}.verification_mode]: [${verificationMode}]`);
  }
  const clientAuthentication = (get('client_authentication') ?? defaultClientAuthentication) as ClientAuthentication;
  if (!['none', 'optional', 'required'].includes(clientAuthentication)) {
    throw new Error(`could not resolve ssl client authentication, unknown value for [${prefix}.client_authentication]: [${clientAuthentication}]`);
  }
  return {
    prefix,
    enabled: settingAsBoolean(settings[`${prefix}.enabled`], false),
    key: get('key'),
    certificate: get('certificate'),
    certificateAuthorities: settingAsList(settings[`${prefix}.certificate_authorities`]),
    verificationMode,
    clientAuthentication,
    keyPassphrase: keystoreValue(keystore, `${prefix}.secure_key_passphrase`) ?? get('key_passphrase'),
    supportedProtocols: settingAsList(settings[`${prefix}.supported_protocols`]),
  };
}

export interface ConfigSources {
  environment: NodeJS.ProcessEnv;
  args: string[];
}

/**
 * Settings precedence as in the real node: elasticsearch.yml, then `-E` arguments (the Docker image
 * turns env vars into `-E` arguments). The keystore holds the secure settings.
 */
export function loadNodeConfig({ environment, args }: ConfigSources): NodeConfig {
  const esHome = resolve(environment.ES_HOME ?? '/usr/share/elasticsearch');
  const pathConf = resolve(environment.ES_PATH_CONF ?? join(esHome, 'config'));
  const settings: FlatSettings = {
    ...readYamlSettings(join(pathConf, 'elasticsearch.yml')),
    // The image's launcher maps env vars to settings; doing it in the node too lets host processes use them.
    ...settingsFromEnvironment(environment),
    ...settingsFromArguments(args),
  };
  const keystore = readKeystore(join(pathConf, 'elasticsearch.keystore'));
  const pathData = resolveAgainst(esHome, settingAsString(settings, 'path.data') ?? 'data');
  const pathLogs = resolveAgainst(esHome, settingAsString(settings, 'path.logs') ?? 'logs');
  const networkHost = settingAsList(settings['network.host'])[0] ?? '_local_';
  const securityEnabled = settingAsBoolean(settings['xpack.security.enabled'], true);
  const licenseType = (settingAsString(settings, 'xpack.license.self_generated.type') ?? 'basic') as 'basic' | 'trial';
  if (licenseType !== 'basic' && licenseType !== 'trial') {
    throw new Error(`Invalid value [${licenseType}] for [xpack.license.self_generated.type]. Valid values are [basic, trial]`);
  }
  return {
    esHome,
    pathConf,
    pathData,
    pathLogs,
    settings,
    keystore,
    nodeName: settingAsString(settings, 'node.name') ?? osHostname(),
    clusterName: settingAsString(settings, 'cluster.name') ?? 'elasticsearch',
    roles: settings['node.roles'] === undefined ? ['master', 'data', 'ingest'] : settingAsList(settings['node.roles']),
    httpHost: settingAsList(settings['http.host'])[0] ?? networkHost,
    httpPort: parsePort(settingAsString(settings, 'http.port'), 9200, 'http.port'),
    transportHost: settingAsList(settings['transport.host'])[0] ?? networkHost,
    transportPort: parsePort(settingAsString(settings, 'transport.port'), 9300, 'transport.port'),
    securityEnabled,
    http: readSslSettings(settings, keystore, 'xpack.security.http.ssl', 'none'),
    transport: readSslSettings(settings, keystore, 'xpack.security.transport.ssl', 'required'),
    discoveryType: settingAsString(settings, 'discovery.type'),
    seedHosts: settingAsList(settings['discovery.seed_hosts']),
    initialMasterNodes: settingAsList(settings['cluster.initial_master_nodes']),
    licenseType,
    memoryLock: settingAsBoolean(settings['bootstrap.memory_lock'], false),
    bootstrapPassword: keystoreValue(keystore, 'bootstrap.password') ?? elasticPasswordFromEnvironment(environment),
    audit: {
      enabled: settingAsBoolean(settings['xpack.security.audit.enabled'], false),
      includeEvents: settingAsList(settings['xpack.security.audit.logfile.events.include']),
      excludeEvents: settingAsList(settings['xpack.security.audit.logfile.events.exclude']),
    },
    anonymous: readAnonymousAccess(settings),
    enforceBootstrapChecks: /(^|\s)-Des\.enforce\.bootstrap\.checks=true(\s|$)/.test(environment.ES_JAVA_OPTS ?? ''),
  };
}

/** What docker-entrypoint.sh adds to the keystore; read directly when the node runs without the entrypoint. */
export function elasticPasswordFromEnvironment(environment: NodeJS.ProcessEnv): string | undefined {
  if (environment.ELASTIC_PASSWORD_FILE) return readFileSync(environment.ELASTIC_PASSWORD_FILE, 'utf8').replace(/\r?\n$/, '');
  return environment.ELASTIC_PASSWORD || undefined;
}

function resolveAgainst(base: string, path: string): string {
  return isAbsolute(path) ? path : join(base, path);
}

/** Certificate and key paths are relative to the config directory, as in the real product. */
export function resolveConfigPath(config: Pick<NodeConfig, 'pathConf'>, path: string): string {
  return resolveAgainst(config.pathConf, path);
}

function osHostname(): string {
  try {
    return readFileSync('/etc/hostname', 'utf8').trim() || 'localhost';
  } catch {
    return 'localhost';
  }
}
