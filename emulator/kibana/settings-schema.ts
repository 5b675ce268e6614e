import { URL } from 'node:url';
import { schema, type ObjectType } from './config-schema';

/**
 * The settings this emulator knows, by config path, each typed as in Kibana's own schema (paths
 * inside elastic/kibana). Every key here is a real Kibana setting; a key that is missing is refused,
 * as Kibana refuses a key its schema has no definition for. Only the settings the lab, Elastic's
 * Compose recipe, the image's default kibana.yml, the kibana-docker allow-list below and the
 * emulator itself use are listed; other real settings are refused too (see README).
 */

const httpUri = () => schema.uri(['http', 'https']);
const startsWithSlash = (value: string) => (value.startsWith('/') ? undefined : 'must start with a slash');
const keystoreFile = () => schema.object({ path: schema.string(), password: schema.string() });

// src/platform/packages/shared/kbn-server-http-tools/src/ssl/ssl_config.ts (sslSchema)
const serverSsl = schema.object(
  {
    certificate: schema.string(),
    certificateAuthorities: schema.oneOf([schema.arrayOf(schema.string(), { maxSize: 100 }), schema.string()]),
    cipherSuites: schema.arrayOf(schema.string(), { maxSize: 100 }),
    enabled: schema.boolean({ defaultValue: false }),
    key: schema.string(),
    keyPassphrase: schema.string(),
    keystore: keystoreFile(),
    truststore: keystoreFile(),
    redirectHttpFromPort: schema.number(),
    supportedProtocols: schema.arrayOf(schema.oneOf<string>([schema.literal('TLSv1'), schema.literal('TLSv1.1'), schema.literal('TLSv1.2'), schema.literal('TLSv1.3')]), {
      defaultValue: ['TLSv1.2', 'TLSv1.3'],
      minSize: 1,
      maxSize: 10,
    }),
    clientAuthentication: schema.oneOf([schema.literal('none'), schema.literal('optional'), schema.literal('required')], { defaultValue: 'none' }),
  },
  {
    validate: (ssl) => {
      const keystore = ssl.keystore as { path?: string };
      if (ssl.key && keystore.path) return 'cannot use [key] when [keystore.path] is specified';
      if (ssl.certificate && keystore.path) return 'cannot use [certificate] when [keystore.path] is specified';
      if (ssl.enabled && (!ssl.key || !ssl.certificate) && !keystore.path) {
        return 'must specify [certificate] and [key] -- or [keystore.path] -- when ssl is enabled';
      }
      if (!ssl.enabled && ssl.clientAuthentication !== 'none') return 'must enable ssl to use [clientAuthentication]';
    },
  },
);

// src/core/packages/http/server-internal/src/http_config.ts
const server = schema.object(
  {
    name: schema.string(),
    host: schema.string({ defaultValue: 'localhost', hostname: true }),
    port: schema.number({ defaultValue: 5601 }),
    publicBaseUrl: httpUri(),
    basePath: schema.string({ validate: (value) => (/^\/.*[^/]$/.test(value) ? undefined : "must start with a slash, don't end with one") }),
    rewriteBasePath: schema.boolean({ defaultValue: false }),
    shutdownTimeout: schema.duration({
      validate: (ms) => (ms < 1000 || ms > 120_000 ? 'the value should be between 1 second and 2 minutes' : undefined),
    }),
    maxPayload: schema.byteSize(),
    customResponseHeaders: schema.recordOf(schema.any()),
    securityResponseHeaders: schema.object({
      strictTransportSecurity: schema.oneOf([schema.string(), schema.literal(null)]),
    }),
    uuid: schema.string(),
    ssl: serverSsl,
    xsrf: schema.object({
      disableProtection: schema.boolean({ defaultValue: false }),
      allowlist: schema.arrayOf(schema.string({ validate: startsWithSlash }), { defaultValue: [], maxSize: 100 }),
    }),
  },
  {
    validate: (config) => {
      if (!config.basePath && config.rewriteBasePath) return 'cannot use [rewriteBasePath] when [basePath] is not specified';
      if (typeof config.publicBaseUrl === 'string') {
        const url = new URL(config.publicBaseUrl);
        if (url.search || url.hash || url.username || url.password) {
          return '[publicBaseUrl] may only contain a protocol, host, port, and pathname';
        }
        if (url.pathname !== (config.basePath ?? '/')) {
          return `[publicBaseUrl] must contain the [basePath]: ${url.pathname} !== ${String(config.basePath)}`;
        }
      }
    },
  },
);

// src/core/packages/elasticsearch/server-internal/src/elasticsearch_config.ts
const elasticsearch = schema.object({
  hosts: schema.oneOf([httpUri(), schema.arrayOf(httpUri(), { minSize: 1 })], { defaultValue: 'http://localhost:9200' }),
  username: schema.string({
    validate: (username) =>
      username === 'elastic'
        ? 'value of "elastic" is forbidden. This is a superuser account that cannot write to system indices that Kibana needs to ' +
          'function. Use a service account token instead. Learn more: ' +
          'https://www.elastic.co/guide/en/elasticsearch/reference/8.0/service-accounts.html'
        : undefined,
  }),
  password: schema.string({ coerceFromNumber: true }),
  serviceAccountToken: schema.siblingConditional('username', schema.string(), schema.string({ validate: () => 'serviceAccountToken cannot be specified when "username" is also set.' })),
  requestHeadersWhitelist: schema.oneOf([schema.string(), schema.arrayOf(schema.string())]),
  customHeaders: schema.recordOf(schema.string()),
  shardTimeout: schema.duration({ defaultValue: 30_000 }),
  requestTimeout: schema.duration({ defaultValue: 30_000 }),
  pingTimeout: schema.duration(),
  ssl: schema.object(
    {
      verificationMode: schema.oneOf([schema.literal('none'), schema.literal('certificate'), schema.literal('full')], { defaultValue: 'full' }),
      certificateAuthorities: schema.oneOf([schema.string(), schema.arrayOf(schema.string(), { minSize: 1 })]),
      certificate: schema.string(),
      key: schema.string(),
      keyPassphrase: schema.string(),
      keystore: keystoreFile(),
      truststore: keystoreFile(),
      alwaysPresentCertificate: schema.boolean({ defaultValue: false }),
    },
    {
      validate: (ssl) => {
        const keystore = ssl.keystore as { path?: string };
        if (ssl.key && keystore.path) return 'cannot use [key] when [keystore.path] is specified';
        if (ssl.certificate && keystore.path) return 'cannot use [certificate] when [keystore.path] is specified';
      },
    },
  ),
});

const LOG_LEVELS = ['all', 'fatal', 'error', 'warn', 'info', 'debug', 'trace', 'off'];
const logLevel = () => schema.oneOf(LOG_LEVELS.map((level) => schema.literal(level)));

// src/core/packages/logging/server-internal/src/logging_config.ts (appenders are a map of appender configs)
const logging = schema.object({
  appenders: schema.recordOf(schema.any()),
  root: schema.object({ appenders: schema.arrayOf(schema.string()), level: logLevel() }),
  loggers: schema.arrayOf(schema.recordOf(schema.any())),
});

// Fleet's preconfiguration lists are objects whose inner schema this emulator does not check (README).
const objectList = () => schema.arrayOf(schema.recordOf(schema.any()));

// x-pack/platform/plugins/shared/fleet/server/config.ts
const fleet = schema.object({
  registryUrl: httpUri(),
  registryProxyUrl: httpUri(),
  agents: schema.object({
    enabled: schema.boolean({ defaultValue: true }),
    elasticsearch: schema.object({ hosts: schema.arrayOf(httpUri()), host: httpUri() }),
    fleet_server: schema.object({ hosts: schema.arrayOf(httpUri()) }),
  }),
  packages: objectList(),
  agentPolicies: objectList(),
  outputs: objectList(),
  fleetServerHosts: objectList(),
});

// x-pack/platform/plugins/shared/security/server/config.ts (ConfigSchema)
const durationOrNull = (defaultValue: number) => schema.oneOf<number | null>([schema.duration(), schema.literal(null)], { defaultValue });
const security = schema.object({
  loginAssistanceMessage: schema.string(),
  showInsecureClusterWarning: schema.boolean({ defaultValue: true }),
  loginHelp: schema.string(),
  cookieName: schema.string({ defaultValue: 'sid' }),
  encryptionKey: schema.string({ minLength: 32 }),
  session: schema.object({
    // 9.x defaults: idle 3 days, lifespan 30 days
    idleTimeout: durationOrNull(3 * 86_400_000),
    lifespan: durationOrNull(30 * 86_400_000),
    cleanupInterval: schema.duration({ validate: (ms) => (ms < 10_000 ? 'the value must be greater or equal to 10 seconds.' : undefined) }),
  }),
  secureCookies: schema.boolean({ defaultValue: false }),
  sameSiteCookies: schema.oneOf([schema.literal('Strict'), schema.literal('Lax'), schema.literal('None')]),
  public: schema.object({
    protocol: schema.oneOf([schema.literal('http'), schema.literal('https')]),
    hostname: schema.string({ hostname: true }),
    port: schema.number({ min: 0, max: 65535 }),
  }),
  authc: schema.object({
    providers: schema.oneOf([schema.arrayOf(schema.string()), schema.recordOf(schema.any())]),
    selector: schema.object({ enabled: schema.boolean() }),
    http: schema.object({
      enabled: schema.boolean({ defaultValue: true }),
      autoSchemesEnabled: schema.boolean({ defaultValue: true }),
      schemes: schema.arrayOf(schema.string()),
    }),
  }),
  audit: schema.object({ enabled: schema.boolean({ defaultValue: false }), appender: schema.recordOf(schema.any()) }),
});

// x-pack/platform/plugins/shared/encrypted_saved_objects/server/config.ts
const encryptedSavedObjects = schema.object({
  encryptionKey: schema.string({ minLength: 32 }),
  keyRotation: schema.object({ decryptionOnlyKeys: schema.arrayOf(schema.string({ minLength: 32 }), { defaultValue: [] }) }),
});

// x-pack/platform/plugins/private/reporting/server/config/schema.ts
const reporting = schema.object({
  enabled: schema.boolean({ defaultValue: true }),
  encryptionKey: schema.string({ minLength: 32 }),
  roles: schema.object({ enabled: schema.boolean(), allow: schema.arrayOf(schema.string()) }),
});

/** Config paths in the order Kibana registers them; a raw key under none of them is an unknown key. */
export const KIBANA_SETTINGS_SCHEMA: ReadonlyArray<[path: string, schema: ObjectType]> = [
  ['elasticsearch', elasticsearch],
  ['logging', logging],
  ['path', schema.object({ data: schema.string() })], // src/core/packages/config/... path config
  ['pid', schema.object({ file: schema.string(), exclusive: schema.boolean({ defaultValue: false }) })],
  ['server', server],
  ['status', schema.object({ allowAnonymous: schema.boolean({ defaultValue: false }) })],
  // The image's kibana-docker always passes --ops.cGroupOverrides.cpuPath=/ --ops.cGroupOverrides.cpuAcctPath=/
  ['ops', schema.object({ interval: schema.duration(), cGroupOverrides: schema.object({ cpuPath: schema.string(), cpuAcctPath: schema.string() }) })],
  ['i18n', schema.object({ locale: schema.string() })],
  ['telemetry', schema.object({ enabled: schema.boolean(), optIn: schema.boolean(), allowChangingOptInStatus: schema.boolean() })],
  ['monitoring', schema.object({ ui: schema.object({ enabled: schema.boolean(), container: schema.object({ elasticsearch: schema.object({ enabled: schema.boolean() }) }) }) })],
  ['xpack.security', security],
  ['xpack.encryptedSavedObjects', encryptedSavedObjects],
  ['xpack.reporting', reporting],
  ['xpack.fleet', fleet],
];

/** Paths Kibana never reports as unknown (src/core/packages/root/server-internal/src/ensure_valid_configuration.ts). */
export const IGNORED_UNKNOWN_PATHS = ['dev.', 'elastic.apm.'];
