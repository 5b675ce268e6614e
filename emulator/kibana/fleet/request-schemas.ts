import { schema, type Type } from '../config-schema';
import { required, type RequestSchemas } from '../http/validate-request';

/**
 * The request schemas of the Fleet routes the emulator serves, transcribed from elastic/kibana
 * x-pack/platform/plugins/shared/fleet/server/types/rest_spec/*.ts and types/models/*.ts (main, 2026; the
 * 9.x line). Every `schema.object` forbids unknown keys, so a misspelt or invented field is a 400 in
 * Kibana's words. Nested schemas the lab never sends (package policies, agentless resources, monitoring
 * diagnostics, advanced settings) are kept as keys but not checked inside.
 */

const nullOr = <T>(type: Type<T>) => schema.oneOf<T | null>([schema.literal(null), type]);
const unchecked = () => schema.any();
const sortOrder = () => schema.oneOf([schema.literal('desc'), schema.literal('asc')]);

function nonEmpty(value: string): string | void {
  if (value.trim() === '') return 'Invalid empty string';
}

function isInteger(value: number): string | void {
  if (!Number.isInteger(value)) return `${value} is not a valid integer`;
}

// types/models/agent_policy.ts AgentPolicyBaseSchema + NewAgentPolicySchema (force)
const newAgentPolicy = schema.object({
  id: schema.string(),
  space_ids: schema.arrayOf(schema.string()),
  name: required(schema.string({ minLength: 1, validate: nonEmpty })),
  namespace: required(schema.string({ minLength: 1 })),
  description: schema.string(),
  is_managed: schema.boolean(),
  has_fleet_server: schema.boolean(),
  is_default: schema.boolean(),
  is_default_fleet_server: schema.boolean(),
  unenroll_timeout: schema.number({ min: 0, validate: isInteger }),
  inactivity_timeout: schema.number({ min: 0, defaultValue: 1209600, validate: isInteger }),
  monitoring_enabled: schema.arrayOf(schema.oneOf<string>([schema.literal('logs'), schema.literal('metrics'), schema.literal('traces')])),
  keep_monitoring_alive: schema.oneOf([schema.literal(null), schema.boolean({ defaultValue: false })]),
  data_output_id: nullOr(schema.string()),
  monitoring_output_id: nullOr(schema.string()),
  download_source_id: nullOr(schema.string()),
  fleet_server_host_id: nullOr(schema.string()),
  agent_features: schema.arrayOf(schema.object({ name: required(schema.string()), enabled: required(schema.boolean()) })),
  is_protected: schema.boolean(),
  overrides: unchecked(),
  advanced_settings: unchecked(),
  supports_agentless: schema.oneOf([schema.literal(null), schema.boolean({ defaultValue: false })]),
  global_data_tags: unchecked(),
  agentless: unchecked(),
  monitoring_pprof_enabled: schema.boolean(),
  monitoring_http: unchecked(),
  monitoring_diagnostics: unchecked(),
  required_versions: unchecked(),
  force: schema.boolean(),
});

// rest_spec/fleet_server_policy_config.ts FleetServerHostSchema.extends({ id: maybe })
const fleetServerHostSsl = schema.object({
  certificate_authorities: schema.arrayOf(schema.string(), { maxSize: 10 }),
  certificate: schema.string(),
  key: schema.string(),
  es_certificate_authorities: schema.arrayOf(schema.string(), { maxSize: 10 }),
  es_certificate: schema.string(),
  es_key: schema.string(),
  agent_certificate_authorities: schema.arrayOf(schema.string(), { maxSize: 10 }),
  agent_certificate: schema.string(),
  agent_key: schema.string(),
  client_auth: schema.oneOf([schema.literal('optional'), schema.literal('required'), schema.literal('none')]),
});

const newFleetServerHost = schema.object({
  name: required(schema.string()),
  host_urls: required(schema.arrayOf(schema.string(), { minSize: 1, maxSize: 10 })),
  is_default: schema.boolean({ defaultValue: false }),
  is_internal: schema.boolean(),
  proxy_id: nullOr(schema.string()),
  secrets: unchecked(),
  ssl: nullOr(fleetServerHostSsl),
  id: schema.string(),
  is_preconfigured: schema.boolean({ defaultValue: false }),
});

// types/models/output.ts BaseSchema, ElasticSearchSchema / ElasticSearchUpdateSchema and the other types
const outputSsl = schema.object({
  certificate_authorities: schema.arrayOf(schema.string(), { maxSize: 10 }),
  certificate: schema.string(),
  key: schema.string(),
  verification_mode: schema.oneOf([schema.literal('full'), schema.literal('none'), schema.literal('certificate'), schema.literal('strict')]),
});

function outputBase(update: boolean): Record<string, Type<unknown>> {
  return {
    id: schema.string(),
    name: update ? schema.string() : required(schema.string()),
    is_default: update ? schema.boolean() : schema.boolean({ defaultValue: false }),
    is_default_monitoring: update ? schema.boolean() : schema.boolean({ defaultValue: false }),
    is_internal: schema.boolean(),
    is_preconfigured: schema.boolean(),
    ca_sha256: nullOr(schema.string()),
    ca_trusted_fingerprint: nullOr(schema.string()),
    config_yaml: nullOr(schema.string()),
    otel_exporter_config_yaml: nullOr(schema.string()),
    ssl: nullOr(outputSsl),
    proxy_id: nullOr(schema.string()),
    shipper: unchecked(),
    allow_edit: schema.arrayOf(schema.string(), { maxSize: 1000 }),
    secrets: unchecked(),
  };
}

const preset = () => schema.oneOf([schema.literal('balanced'), schema.literal('custom'), schema.literal('throughput'), schema.literal('scale'), schema.literal('latency')]);

function typed(type: string, update: boolean): Type<string> {
  return update ? schema.literal(type) : required(schema.literal(type));
}

function elasticsearchOutput(update: boolean, type = 'elasticsearch'): Record<string, Type<unknown>> {
  const hosts = schema.arrayOf(schema.uri(['http', 'https']), { minSize: 1, maxSize: 10 });
  return {
    ...outputBase(update),
    type: typed(type, update),
    hosts: update ? hosts : required(hosts),
    preset: preset(),
    write_to_logs_streams: nullOr(schema.boolean()),
  };
}

function remoteElasticsearchOutput(update: boolean): Record<string, Type<unknown>> {
  return {
    ...elasticsearchOutput(update, 'remote_elasticsearch'),
    service_token: nullOr(schema.string()),
    sync_integrations: schema.boolean(),
    kibana_url: nullOr(schema.string()),
    kibana_api_key: nullOr(schema.string()),
    sync_uninstalled_integrations: schema.boolean(),
  };
}

/** Logstash and Kafka outputs: their own fields are accepted but not checked (the lab sends neither). */
function otherOutput(type: 'logstash' | 'kafka', update: boolean): Record<string, Type<unknown>> {
  const hosts = schema.arrayOf(schema.string(), { minSize: 1, maxSize: 10 });
  const own =
    type === 'kafka'
      ? Object.fromEntries(
          [
            'version',
            'key',
            'compression',
            'compression_level',
            'client_id',
            'auth_type',
            'connection_type',
            'username',
            'password',
            'sasl',
            'partition',
            'random',
            'round_robin',
            'hash',
            'topic',
            'headers',
            'timeout',
            'broker_timeout',
            'required_acks',
          ].map((key) => [key, unchecked()]),
        )
      : {};
  return { ...outputBase(update), type: typed(type, update), hosts: update ? hosts : required(hosts), ...own };
}

// NewOutputSchema / UpdateOutputSchema: a union of the four output types, in this order.
const newOutput = schema.oneOf([schema.object(elasticsearchOutput(false)), schema.object(remoteElasticsearchOutput(false)), schema.object(otherOutput('logstash', false)), schema.object(otherOutput('kafka', false))]);

const updateOutput = schema.oneOf([schema.object(elasticsearchOutput(true)), schema.object(remoteElasticsearchOutput(true)), schema.object(otherOutput('logstash', true)), schema.object(otherOutput('kafka', true))]);

export const FLEET_REQUEST_SCHEMAS = {
  // rest_spec/agent_policy.ts GetAgentPoliciesRequestSchema
  listAgentPolicies: {
    query: schema.object(
      {
        page: schema.number({ defaultValue: 1 }),
        perPage: schema.number({ defaultValue: 20 }),
        sortField: schema.string(),
        sortOrder: sortOrder(),
        showUpgradeable: schema.boolean(),
        kuery: schema.string(),
        noAgentCount: schema.boolean(),
        withAgentCount: schema.boolean(),
        full: schema.boolean(),
        format: schema.oneOf([schema.literal('simplified'), schema.literal('legacy')]),
      },
      {
        validate: (query) => {
          const perPage = query.perPage as number | undefined;
          if (perPage && perPage > 100 && (query.full || query.noAgentCount === false || query.withAgentCount === true)) {
            return 'perPage should be less or equal to 100 when fetching full policies or agent count.';
          }
        },
      },
    ),
  },
  // GetOneAgentPolicyRequestSchema
  getAgentPolicy: { query: schema.object({ format: schema.oneOf([schema.literal('simplified'), schema.literal('legacy')]) }) },
  // CreateAgentPolicyRequestSchema
  createAgentPolicy: { query: schema.object({ sys_monitoring: schema.boolean() }), body: newAgentPolicy },
  // PostFleetServerHostRequestSchema
  createFleetServerHost: { body: newFleetServerHost },
  // rest_spec/output.ts PostOutputRequestSchema / PutOutputRequestSchema
  createOutput: { body: newOutput },
  updateOutput: { body: updateOutput },
  // rest_spec/enrollment_api_key.ts
  listEnrollmentKeys: {
    query: schema.object({ page: schema.number({ defaultValue: 1 }), perPage: schema.number({ defaultValue: 20 }), kuery: schema.string() }),
  },
  createEnrollmentKey: {
    body: schema.object({
      name: schema.string(),
      policy_id: required(schema.string()),
      expiration: schema.string({
        validate: (value) => (/^\d+(d|h|m|s)$/.test(value) ? undefined : 'expiration must be a valid duration (e.g. 7d, 24h, 30m, 60s)'),
      }),
    }),
  },
  deleteEnrollmentKey: { query: schema.object({ forceDelete: schema.boolean({ defaultValue: false }), includeHidden: schema.boolean({ defaultValue: false }) }) },
  // rest_spec/agent.ts GetAgentsRequestSchema
  listAgents: {
    query: schema.object(
      {
        page: schema.number(),
        perPage: schema.number({ defaultValue: 20 }),
        kuery: schema.string(),
        showAgentless: schema.boolean({ defaultValue: true }),
        showInactive: schema.boolean({ defaultValue: false }),
        withMetrics: schema.boolean({ defaultValue: false }),
        showUpgradeable: schema.boolean({ defaultValue: false }),
        getStatusSummary: schema.boolean({ defaultValue: false }),
        sortField: schema.string(),
        sortOrder: schema.oneOf([schema.literal('asc'), schema.literal('desc')]),
        searchAfter: schema.string(),
        openPit: schema.boolean(),
        pitId: schema.string(),
        pitKeepAlive: schema.string(),
      },
      {
        validate: (query) => {
          // SO_SEARCH_LIMIT (fleet/common/constants): 10000
          if (((query.page as number | undefined) || 1) * (query.perPage as number) > 10000) return 'You cannot use page and perPage page over 10000 agents';
        },
      },
    ),
  },
  // rest_spec/agent.ts GetAgentStatusRequestSchema
  agentStatus: {
    query: schema.object({
      policyId: schema.string(),
      policyIds: schema.oneOf([schema.arrayOf(schema.string(), { maxSize: 1000 }), schema.string()]),
      kuery: schema.string(),
    }),
  },
} satisfies Record<string, RequestSchemas>;
