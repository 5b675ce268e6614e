import { isSecretReference, type ContainerPlan, type PlannedValue, type SecretName } from '../../../../common/lab-plan.ts';

/**
 * Why a planned setting is not carried into an ECK resource's `config`: ECK sets it itself, or
 * Kubernetes expresses it another way. Said in the export's README, one line per reason.
 */
export const LEFT_TO_ECK = {
  /** ECK refuses these in nodeSets[].config (pkg/apis/elasticsearch/v1/fields.go, UnsupportedSettings). */
  eckManaged: 'set by ECK (its UnsupportedSettings: node and cluster names, discovery, network host, security and TLS switches)',
  /** File paths of the Docker layout: ECK mounts the certificates from spec.http.tls / spec.transport.tls instead. */
  tlsPaths: 'certificate paths of the Docker layout: ECK mounts the lab CA and certificates from spec.http.tls and spec.transport.tls',
  ipFilter: 'IP filtering by the static container IPs: pods have no fixed IPs, so NetworkPolicies say who may connect',
  memoryLock: 'bootstrap.memory_lock: Kubernetes has no per-pod memlock ulimit; keep swap off on the nodes instead',
  elasticUser: "the elastic user's bootstrap password: ECK's elastic user is disabled (spec.auth.disableElasticUser), lab_admin is the superuser",
  elasticsearchConnection: "Kibana's connection to Elasticsearch: ECK's elasticsearchRef (its own service account token and the lab CA)",
} as const;

const ES_UNSUPPORTED = new Set([
  'cluster.name',
  'discovery.seed_hosts',
  'discovery.seed_providers',
  'cluster.initial_master_nodes',
  'network.host',
  'network.publish_host',
  'node.name',
  'path.data',
  'path.logs',
  'xpack.security.authc.reserved_realm.enabled',
  'xpack.security.enabled',
  'xpack.security.http.ssl.certificate',
  'xpack.security.http.ssl.enabled',
  'xpack.security.http.ssl.key',
  'xpack.security.transport.ssl.enabled',
  'xpack.security.transport.ssl.verification_mode',
]);

/**
 * ECK forms the cluster itself: it writes cluster.initial_master_nodes while bootstrapping, which
 * Elasticsearch refuses beside discovery.type single-node, the plan's setting for a one-node lab.
 */
const ES_DISCOVERY_BY_ECK = new Set(['discovery.type']);

type Reason = keyof typeof LEFT_TO_ECK;

function elasticsearchReason(key: string, value: PlannedValue): Reason | undefined {
  if (ES_UNSUPPORTED.has(key) || ES_DISCOVERY_BY_ECK.has(key)) return 'eckManaged';
  if (/^xpack\.security\.(http|transport)\.ssl\.(key|certificate|certificate_authorities)$/.test(key)) return 'tlsPaths';
  if (/^xpack\.security\.(http|transport)\.filter\./.test(key)) return 'ipFilter';
  if (key === 'bootstrap.memory_lock') return 'memoryLock';
  if (isSecretReference(value)) return 'elasticUser';
  return undefined;
}

function kibanaReason(key: string, value: PlannedValue): Reason | undefined {
  if (/^server\.ssl\.(enabled|certificate|key|certificateAuthorities)$/.test(key)) return 'tlsPaths';
  if (key.startsWith('elasticsearch.')) return 'elasticsearchConnection';
  if (isSecretReference(value)) return undefined; // handled as a secure setting
  return undefined;
}

/** YAML booleans, as ECK's own examples write them; the plan keeps the env form ("true"). */
function configValue(value: PlannedValue): string | number | boolean | string[] {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value as string | number | string[];
}

export interface MappedSettings {
  config: Record<string, string | number | boolean | string[]>;
  /** Plain env the product reads that is not a setting (ES_JAVA_OPTS). */
  env: Record<string, string>;
  /** setting → the lab secret that holds its value, for a secure-settings Secret. */
  secureSettings: Array<{ setting: string; secret: SecretName }>;
  leftOut: Array<{ key: string; reason: Reason }>;
}

function plainEnv(container: ContainerPlan): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(container.env)) {
    if (key in container.settings || isSecretReference(value)) continue;
    env[key] = String(value);
  }
  return env;
}

/** Elasticsearch: the plan's effective settings of one node (env-carried ones included) as nodeSets[].config. */
export function elasticsearchSettings(node: ContainerPlan): MappedSettings {
  const mapped: MappedSettings = { config: {}, env: plainEnv(node), secureSettings: [], leftOut: [] };
  for (const [key, value] of Object.entries(node.settings)) {
    const reason = elasticsearchReason(key, value);
    if (reason) mapped.leftOut.push({ key, reason });
    else mapped.config[key] = configValue(value);
  }
  return mapped;
}

/** Kibana: settings as spec.config, its keystore entries as secure settings. */
export function kibanaSettings(kibana: ContainerPlan): MappedSettings {
  const mapped: MappedSettings = { config: {}, env: {}, secureSettings: [], leftOut: [] };
  const keystore = new Map(kibana.keystore.map((entry) => [entry.setting, entry.secret]));
  for (const [key, value] of Object.entries(kibana.settings)) {
    const reason = kibanaReason(key, value);
    if (reason) mapped.leftOut.push({ key, reason });
    else if (isSecretReference(value)) mapped.secureSettings.push({ setting: key, secret: keystore.get(key) ?? value.secret });
    else mapped.config[key] = configValue(value);
  }
  return mapped;
}
