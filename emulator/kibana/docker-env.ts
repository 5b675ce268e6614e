/**
 * The env → `--setting=value` mapping of the official image's `/usr/local/bin/kibana-docker`
 * (elastic/kibana src/dev/build/tasks/os_packages/docker_generator/resources/base/bin/kibana-docker;
 * checked against the script shipped in elastic/dockerfiles at v9.2.4, the newest published there):
 * only allow-listed settings are mapped; the env name is the setting upper-cased with `.` → `_`;
 * empty values are skipped; every other variable is ignored.
 * This is the security- and Fleet-relevant part of that allow-list (the full list also covers
 * maps, reporting capture, task manager, … which this emulator does not implement); every entry
 * here is in the upstream list.
 */
export const KIBANA_DOCKER_SETTINGS: readonly string[] = [
  'elasticsearch.customHeaders',
  'elasticsearch.hosts',
  'elasticsearch.password',
  'elasticsearch.pingTimeout',
  'elasticsearch.requestHeadersWhitelist',
  'elasticsearch.requestTimeout',
  'elasticsearch.serviceAccountToken',
  'elasticsearch.shardTimeout',
  'elasticsearch.ssl.alwaysPresentCertificate',
  'elasticsearch.ssl.certificate',
  'elasticsearch.ssl.certificateAuthorities',
  'elasticsearch.ssl.key',
  'elasticsearch.ssl.keyPassphrase',
  'elasticsearch.ssl.keystore.password',
  'elasticsearch.ssl.keystore.path',
  'elasticsearch.ssl.truststore.password',
  'elasticsearch.ssl.truststore.path',
  'elasticsearch.ssl.verificationMode',
  'elasticsearch.username',
  'i18n.locale',
  'logging.appenders',
  'logging.appenders.console',
  'logging.appenders.file',
  'logging.loggers',
  'logging.root',
  'logging.root.appenders',
  'logging.root.level',
  'monitoring.ui.container.elasticsearch.enabled',
  'path.data',
  'pid.file',
  'security.showInsecureClusterWarning',
  'server.basePath',
  'server.customResponseHeaders',
  'server.defaultRoute',
  'server.host',
  'server.maxPayload',
  'server.name',
  'server.port',
  'server.publicBaseUrl',
  'server.rewriteBasePath',
  'server.securityResponseHeaders.strictTransportSecurity',
  'server.shutdownTimeout',
  'server.ssl.certificate',
  'server.ssl.certificateAuthorities',
  'server.ssl.cipherSuites',
  'server.ssl.clientAuthentication',
  'server.ssl.enabled',
  'server.ssl.key',
  'server.ssl.keyPassphrase',
  'server.ssl.keystore.password',
  'server.ssl.keystore.path',
  'server.ssl.redirectHttpFromPort',
  'server.ssl.supportedProtocols',
  'server.ssl.truststore.password',
  'server.ssl.truststore.path',
  'server.uuid',
  'server.xsrf.allowlist',
  'server.xsrf.disableProtection',
  'status.allowAnonymous',
  'telemetry.enabled',
  'telemetry.optIn',
  'xpack.encryptedSavedObjects.encryptionKey',
  'xpack.encryptedSavedObjects.keyRotation.decryptionOnlyKeys',
  'xpack.fleet.agentPolicies',
  'xpack.fleet.agents.elasticsearch.host',
  'xpack.fleet.agents.elasticsearch.hosts',
  'xpack.fleet.agents.enabled',
  'xpack.fleet.agents.fleet_server.hosts',
  'xpack.fleet.agents.kibana.host',
  'xpack.fleet.agents.tlsCheckDisabled',
  'xpack.fleet.packages',
  'xpack.fleet.registryProxyUrl',
  'xpack.fleet.registryUrl',
  'xpack.reporting.enabled',
  'xpack.reporting.encryptionKey',
  'xpack.reporting.roles.enabled',
  'xpack.security.audit.enabled',
  'xpack.security.authc.providers',
  'xpack.security.cookieName',
  'xpack.security.encryptionKey',
  'xpack.security.loginAssistanceMessage',
  'xpack.security.sameSiteCookies',
  'xpack.security.secureCookies',
  'xpack.security.session.cleanupInterval',
  'xpack.security.session.idleTimeout',
  'xpack.security.session.lifespan',
  'xpack.security.showInsecureClusterWarning',
];

export function envVarNameForSetting(setting: string): string {
  return setting.toUpperCase().replace(/\./g, '_');
}

/** The script always passes these first, so Kibana reads cgroup stats from the container's root. */
export const KIBANA_DOCKER_FIXED_ARGS: readonly string[] = ['--ops.cGroupOverrides.cpuPath=/', '--ops.cGroupOverrides.cpuAcctPath=/'];

/**
 * The arguments the script passes to bin/kibana. It collects `--setting=value` into one string and
 * expands it unquoted (`exec bin/kibana … ${longopts} "$@"`), so bash splits it on whitespace: a value
 * with a space becomes two arguments. (Pathname expansion of those words is not emulated: it only
 * changes a word that matches a file in the working directory.)
 */
export function kibanaArgsFromEnv(env: NodeJS.ProcessEnv): string[] {
  let longopts = '';
  for (const setting of KIBANA_DOCKER_SETTINGS) {
    const value = env[envVarNameForSetting(setting)];
    if (value) longopts += ` --${setting}=${value}`;
  }
  return [...KIBANA_DOCKER_FIXED_ARGS, ...longopts.split(/[ \t\n]+/).filter(Boolean)];
}
