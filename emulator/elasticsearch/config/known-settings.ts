/**
 * The node settings this emulated node knows, each a real Elasticsearch 9 setting. Real ES refuses any other key at
 * startup (SettingsModule → AbstractScopedSettings.validate), so this list is what the emulator accepts; a real setting
 * missing here is refused by the emulator although ES would take it: add it (with its upstream source) rather than
 * loosen the rule.
 *
 * Two kinds, as in ES: key settings (one exact key; the only ones ES offers in "did you mean") and affix/group settings
 * (a pattern of keys, e.g. `logger.*`). `secure` settings live only in the keystore (SecureSetting).
 */
export interface KeySetting {
  key: string;
  secure: boolean;
}

export interface AffixSetting {
  /** How ES documents the family, e.g. `logger.*`. */
  family: string;
  pattern: RegExp;
  /** `either`: the family mixes secure and plain settings (realms), so the emulator cannot tell which a key is. */
  secure: boolean | 'either';
}

const plain = (...keys: string[]): KeySetting[] => keys.map((key) => ({ key, secure: false }));
const secure = (...keys: string[]): KeySetting[] => keys.map((key) => ({ key, secure: true }));

/** libs/ssl-config SslConfigurationKeys, under each X-Pack SSL context (XPackSettings: http and transport `ssl.`). */
function sslContext(prefix: string): KeySetting[] {
  return [
    ...plain(
      `${prefix}.enabled`,
      `${prefix}.supported_protocols`,
      `${prefix}.cipher_suites`,
      `${prefix}.verification_mode`,
      `${prefix}.client_authentication`,
      `${prefix}.certificate_authorities`,
      `${prefix}.truststore.path`,
      `${prefix}.truststore.password`,
      `${prefix}.truststore.type`,
      `${prefix}.truststore.algorithm`,
      `${prefix}.trust_restrictions.path`,
      `${prefix}.trust_restrictions.x509_fields`,
      `${prefix}.keystore.path`,
      `${prefix}.keystore.password`,
      `${prefix}.keystore.key_password`,
      `${prefix}.keystore.type`,
      `${prefix}.keystore.algorithm`,
      `${prefix}.certificate`,
      `${prefix}.key`,
      `${prefix}.key_passphrase`,
    ),
    ...secure(`${prefix}.truststore.secure_password`, `${prefix}.keystore.secure_password`, `${prefix}.keystore.secure_key_password`, `${prefix}.secure_key_passphrase`),
  ];
}

export const KEY_SETTINGS: readonly KeySetting[] = [
  // server: ClusterName, Node, NodeRoleSettings, Environment, IndexModule (node.store.allow_mmap)
  ...plain('cluster.name', 'node.name', 'node.roles', 'node.store.allow_mmap', 'path.home', 'path.data', 'path.logs', 'path.repo', 'path.shared_data'),
  // server: NetworkService, HttpTransportSettings, TransportSettings
  ...plain('network.host', 'network.bind_host', 'network.publish_host'),
  ...plain(
    'http.host',
    'http.bind_host',
    'http.publish_host',
    'http.port',
    'http.publish_port',
    'http.max_content_length',
    'http.max_header_size',
    'http.compression',
    'http.cors.enabled',
    'http.cors.allow-origin',
    'http.cors.allow-methods',
    'http.cors.allow-headers',
    'http.cors.allow-credentials',
  ),
  ...plain('transport.host', 'transport.bind_host', 'transport.publish_host', 'transport.port', 'transport.publish_port', 'transport.compress', 'transport.ping_schedule'),
  // server: DiscoveryModule, SettingsBasedSeedHostsProvider, ClusterBootstrapService, BootstrapSettings
  ...plain('discovery.type', 'discovery.seed_hosts', 'discovery.seed_providers', 'cluster.initial_master_nodes', 'bootstrap.memory_lock'),
  // server: DiskThresholdSettings (docs "fix-watermark-errors" lists the watermark family)
  ...plain(
    'cluster.routing.allocation.disk.threshold_enabled',
    'cluster.routing.allocation.disk.watermark.low',
    'cluster.routing.allocation.disk.watermark.low.max_headroom',
    'cluster.routing.allocation.disk.watermark.high',
    'cluster.routing.allocation.disk.watermark.high.max_headroom',
    'cluster.routing.allocation.disk.watermark.flood_stage',
    'cluster.routing.allocation.disk.watermark.flood_stage.max_headroom',
    'cluster.routing.allocation.disk.watermark.flood_stage.frozen',
    'cluster.routing.allocation.disk.watermark.flood_stage.frozen.max_headroom',
  ),
  // server: EnableAllocationDecider, AwarenessAllocationDecider, ShardLimitValidator, AutoCreateIndex, DestructiveOperations,
  // RecoverySettings, Loggers (logger.level)
  ...plain(
    'cluster.routing.allocation.enable',
    'cluster.routing.rebalance.enable',
    'cluster.routing.allocation.awareness.attributes',
    'cluster.max_shards_per_node',
    'action.auto_create_index',
    'action.destructive_requires_name',
    'indices.recovery.max_bytes_per_sec',
    'logger.level',
  ),
  // modules/ingest-geoip GeoIpDownloaderTaskExecutor
  ...plain('ingest.geoip.downloader.enabled'),
  // server: KeyStoreWrapper.SEED_SETTING (every keystore has it)
  ...secure('keystore.seed'),
  // x-pack core: XPackSettings, LicenseSettings
  ...plain(
    'xpack.security.enabled',
    'xpack.security.fips_mode.enabled',
    'xpack.security.authc.api_key.enabled',
    'xpack.security.authc.token.enabled',
    'xpack.security.authc.password_hashing.algorithm',
    'xpack.ml.enabled',
    'xpack.watcher.enabled',
    'xpack.license.self_generated.type',
  ),
  ...sslContext('xpack.security.http.ssl'),
  ...sslContext('xpack.security.transport.ssl'),
  // x-pack security: IPFilter
  ...plain(
    'xpack.security.filter.always_allow_bound_address',
    'xpack.security.http.filter.enabled',
    'xpack.security.http.filter.allow',
    'xpack.security.http.filter.deny',
    'xpack.security.transport.filter.enabled',
    'xpack.security.transport.filter.allow',
    'xpack.security.transport.filter.deny',
  ),
  // x-pack: XPackSettings.AUDIT_ENABLED, LoggingAuditTrail
  ...plain(
    'xpack.security.audit.enabled',
    'xpack.security.audit.logfile.events.include',
    'xpack.security.audit.logfile.events.exclude',
    'xpack.security.audit.logfile.events.emit_request_body',
    'xpack.security.audit.logfile.emit_node_name',
    'xpack.security.audit.logfile.emit_node_host_address',
    'xpack.security.audit.logfile.emit_node_host_name',
    'xpack.security.audit.logfile.emit_node_id',
    'xpack.security.audit.logfile.emit_cluster_name',
    'xpack.security.audit.logfile.emit_cluster_uuid',
  ),
  // x-pack core: AnonymousUser.USERNAME_SETTING / ROLES_SETTING; security AuthorizationService.ANONYMOUS_AUTHORIZATION_EXCEPTION_SETTING
  ...plain('xpack.security.authc.anonymous.username', 'xpack.security.authc.anonymous.roles', 'xpack.security.authc.anonymous.authz_exception'),
  // x-pack security: ReservedRealm.BOOTSTRAP_ELASTIC_PASSWORD, AUTOCONFIG_ELASTIC_PASSWORD_HASH
  ...secure('bootstrap.password', 'autoconfiguration.password_hash'),
];

const REALM_TYPES = ['native', 'file', 'ldap', 'active_directory', 'pki', 'saml', 'kerberos', 'oidc', 'jwt'];

export const AFFIX_SETTINGS: readonly AffixSetting[] = [
  // server Loggers.LOG_LEVEL_SETTING: prefix `logger.`
  { family: 'logger.*', pattern: /^logger\..+/, secure: false },
  // server Node.NODE_ATTRIBUTES: group `node.attr.`
  { family: 'node.attr.*', pattern: /^node\.attr\..+/, secure: false },
  // server FilterAllocationDecider: groups `cluster.routing.allocation.{include,exclude,require}.`
  { family: 'cluster.routing.allocation.{include,exclude,require}.*', pattern: /^cluster\.routing\.allocation\.(include|exclude|require)\..+/, secure: false },
  // server TransportSettings profile affixes
  { family: 'transport.profiles.*.{port,host,bind_host,publish_host,publish_port}', pattern: /^transport\.profiles\.[^.]+\.(port|host|bind_host|publish_host|publish_port)$/, secure: false },
  // x-pack IPFilter.PROFILE_FILTER_ALLOW/DENY_SETTING
  { family: 'transport.profiles.*.xpack.security.filter.{allow,deny}', pattern: /^transport\.profiles\.[^.]+\.xpack\.security\.filter\.(allow|deny)$/, secure: false },
  // x-pack LoggingAuditTrail FILTER_POLICY_* affixes
  {
    family: 'xpack.security.audit.logfile.events.ignore_filters.*.{users,realms,actions,roles,indices}',
    pattern: /^xpack\.security\.audit\.logfile\.events\.ignore_filters\.[^.]+\.(users|realms|actions|roles|indices)$/,
    secure: false,
  },
  // x-pack RealmSettings: `xpack.security.authc.realms.<type>.<name>.<setting>`; ES checks each realm type's own settings,
  // the emulator only the realm type.
  { family: 'xpack.security.authc.realms.*.*.*', pattern: new RegExp(`^xpack\\.security\\.authc\\.realms\\.(${REALM_TYPES.join('|')})\\.[^.]+\\..+`), secure: 'either' },
];

const KEY_SETTINGS_BY_NAME = new Map(KEY_SETTINGS.map((setting) => [setting.key, setting]));

export type KnownSetting = { kind: 'key'; setting: KeySetting } | { kind: 'affix'; setting: AffixSetting };

/** AbstractScopedSettings.getRaw: exact keys first, then the complex matchers. */
export function findSetting(key: string): KnownSetting | undefined {
  const exact = KEY_SETTINGS_BY_NAME.get(key);
  if (exact) return { kind: 'key', setting: exact };
  const affix = AFFIX_SETTINGS.find((candidate) => candidate.pattern.test(key));
  return affix ? { kind: 'affix', setting: affix } : undefined;
}
