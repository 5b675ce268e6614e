import { describe, expect, it } from 'vitest';
import { FLEET_REQUEST_SCHEMAS as S } from './request-schemas';
import { queryObject, validateRequest, type RequestSchemas } from '../http/validate-request';
import { HttpError } from '../http/respond';

/** The 400 message Kibana's router answers, or undefined when the request passes validation. */
function refusal(schemas: RequestSchemas, parts: { query?: Record<string, unknown>; body?: unknown }): string | undefined {
  try {
    validateRequest(schemas, { query: parts.query ?? {}, body: parts.body });
    return undefined;
  } catch (error) {
    if (error instanceof HttpError && error.statusCode === 400) return error.message;
    throw error;
  }
}

const query = (search: string) => queryObject(new URL(`http://kibana${search}`));

// Host processes run as Kibana 9.1 (version.ts): kbn-config-schema's pre-9.5 wording for unknown keys.
const MISSING_DEFINITION = 'definition for this key is missing';

// The exact requests main/core/stack/kibana-fleet-setup.ts (setUpFleet, revokeEnrollmentToken, listFleetAgents) sends.
const labOutput = {
  name: 'Lab Elasticsearch (CA verified)',
  type: 'elasticsearch',
  hosts: ['https://es01:9200'],
  is_default: true,
  is_default_monitoring: true,
  ca_trusted_fingerprint: 'A1'.repeat(32),
  ssl: { certificate_authorities: ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'] },
};

describe('Fleet request validation: the lab’s own requests pass', () => {
  it('accepts every request setUpFleet and the checks send', () => {
    expect(refusal(S.listAgentPolicies, { query: query('?perPage=100') })).toBeUndefined();
    expect(refusal(S.createAgentPolicy, { body: { id: 'p1', name: 'Lab Fleet Server policy', namespace: 'default', has_fleet_server: true, monitoring_enabled: [] } })).toBeUndefined();
    expect(refusal(S.createAgentPolicy, { body: { id: 'p2', name: 'Lab agent policy', namespace: 'default', monitoring_enabled: ['logs', 'metrics'] } })).toBeUndefined();
    expect(refusal(S.createFleetServerHost, { body: { id: 'lab-fleet-server', name: 'Lab Fleet Server', host_urls: ['https://fleet-server:8220'], is_default: true } })).toBeUndefined();
    expect(refusal(S.updateOutput, { body: labOutput })).toBeUndefined();
    expect(refusal(S.createOutput, { body: { id: 'fleet-default-output', ...labOutput } })).toBeUndefined();
    expect(refusal(S.listEnrollmentKeys, { query: query('?perPage=1000') })).toBeUndefined();
    expect(refusal(S.createEnrollmentKey, { body: { policy_id: 'p2', name: 'lab' } })).toBeUndefined();
    expect(refusal(S.deleteEnrollmentKey, { query: query('') })).toBeUndefined();
    expect(refusal(S.listAgents, { query: query('?perPage=100') })).toBeUndefined();
  });
});

describe('Fleet request validation: what Kibana refuses', () => {
  it('agent policy: an unknown key, a missing name or namespace, a bad monitoring_enabled value', () => {
    expect(refusal(S.createAgentPolicy, { body: { name: 'x', namespace: 'default', monitoring: true } })).toBe(`[request body.monitoring]: ${MISSING_DEFINITION}`);
    expect(refusal(S.createAgentPolicy, { body: { namespace: 'default' } })).toBe('[request body.name]: expected value of type [string] but got [undefined]');
    expect(refusal(S.createAgentPolicy, { body: { name: 'x' } })).toBe('[request body.namespace]: expected value of type [string] but got [undefined]');
    expect(refusal(S.createAgentPolicy, { body: { name: '  ', namespace: 'default' } })).toBe('[request body.name]: Invalid empty string');
    expect(refusal(S.createAgentPolicy, { body: { name: 'x', namespace: 'default', monitoring_enabled: ['apm'] } })).toBe(
      [
        '[request body.monitoring_enabled.0]: types that failed validation:',
        '- [request body.monitoring_enabled.0.0]: expected value to equal [logs] but got [apm]',
        '- [request body.monitoring_enabled.0.1]: expected value to equal [metrics] but got [apm]',
        '- [request body.monitoring_enabled.0.2]: expected value to equal [traces] but got [apm]',
      ].join('\n'),
    );
    expect(refusal(S.createAgentPolicy, { body: null })).toBe('[request body]: expected a plain object value, but found [null] instead.');
  });

  it('agent policy query: only sys_monitoring on create; perPage over 100 with full on list', () => {
    expect(refusal(S.createAgentPolicy, { query: query('?monitoring=true'), body: { name: 'x', namespace: 'default' } })).toBe(`[request query.monitoring]: ${MISSING_DEFINITION}`);
    expect(refusal(S.listAgentPolicies, { query: query('?perPage=1000&full=true') })).toBe('[request query]: perPage should be less or equal to 100 when fetching full policies or agent count.');
    expect(refusal(S.listAgentPolicies, { query: query('?per_page=10') })).toBe(`[request query.per_page]: ${MISSING_DEFINITION}`);
  });

  it('Fleet Server host: name and host_urls required, at least one URL, no unknown key', () => {
    expect(refusal(S.createFleetServerHost, { body: { host_urls: ['https://f:8220'] } })).toBe('[request body.name]: expected value of type [string] but got [undefined]');
    expect(refusal(S.createFleetServerHost, { body: { name: 'x', host_urls: [] } })).toBe('[request body.host_urls]: array size is [0], but cannot be smaller than [1]');
    expect(refusal(S.createFleetServerHost, { body: { name: 'x', host_urls: ['https://f:8220'], hosts: ['https://f:8220'] } })).toBe(`[request body.hosts]: ${MISSING_DEFINITION}`);
  });

  it('output: the union of the four output types reports each alternative', () => {
    // union_type.ts puts the alternative's index only in its direct child's path, not in a nested union's children.
    expect(refusal(S.updateOutput, { body: { ...labOutput, ssl: { certificate_authority: ['pem'] } } })).toBe(
      [
        '[request body]: types that failed validation:',
        `- [request body.0.ssl]: types that failed validation:`,
        ` - [request body.ssl.0]: expected value to equal [null] but got [{"certificate_authority":["pem"]}]`,
        ` - [request body.ssl.1.certificate_authority]: ${MISSING_DEFINITION}`,
        `- [request body.1.ssl]: types that failed validation:`,
        ` - [request body.ssl.0]: expected value to equal [null] but got [{"certificate_authority":["pem"]}]`,
        ` - [request body.ssl.1.certificate_authority]: ${MISSING_DEFINITION}`,
        `- [request body.2.ssl]: types that failed validation:`,
        ` - [request body.ssl.0]: expected value to equal [null] but got [{"certificate_authority":["pem"]}]`,
        ` - [request body.ssl.1.certificate_authority]: ${MISSING_DEFINITION}`,
        `- [request body.3.ssl]: types that failed validation:`,
        ` - [request body.ssl.0]: expected value to equal [null] but got [{"certificate_authority":["pem"]}]`,
        ` - [request body.ssl.1.certificate_authority]: ${MISSING_DEFINITION}`,
      ].join('\n'),
    );
    const unknownKey = refusal(S.updateOutput, { body: { ...labOutput, verification_mode: 'full' } });
    expect(unknownKey).toContain(`- [request body.0.verification_mode]: ${MISSING_DEFINITION}`);
    expect(unknownKey).toContain('- [request body.1.type]: expected value to equal [remote_elasticsearch] but got [elasticsearch]');
    const badHost = refusal(S.createOutput, { body: { name: 'o', type: 'elasticsearch', hosts: ['es01:9200'] } });
    expect(badHost).toContain('- [request body.0.hosts.0]: expected URI with scheme [http|https].');
    expect(refusal(S.createOutput, { body: { name: 'o', hosts: ['https://es01:9200'] } })).toContain('- [request body.0.type]: expected value to equal [elasticsearch] but got [undefined]');
  });

  it('enrollment API keys: policy_id required, expiration as a duration, query keys known', () => {
    expect(refusal(S.createEnrollmentKey, { body: { name: 'lab' } })).toBe('[request body.policy_id]: expected value of type [string] but got [undefined]');
    expect(refusal(S.createEnrollmentKey, { body: { policy_id: 'p', expiration: '1 week' } })).toBe('[request body.expiration]: expiration must be a valid duration (e.g. 7d, 24h, 30m, 60s)');
    expect(refusal(S.createEnrollmentKey, { body: { policy_id: 'p', policyId: 'p' } })).toBe(`[request body.policyId]: ${MISSING_DEFINITION}`);
    expect(refusal(S.listEnrollmentKeys, { query: query('?perPage=many') })).toBe('[request query.perPage]: expected value of type [number] but got [string]');
    expect(refusal(S.deleteEnrollmentKey, { query: query('?force=true') })).toBe(`[request query.force]: ${MISSING_DEFINITION}`);
  });

  it('agents list: known query keys only, page × perPage within 10000', () => {
    expect(refusal(S.listAgents, { query: query('?showInactive=yes') })).toBe('[request query.showInactive]: expected value of type [boolean] but got [string]');
    expect(refusal(S.listAgents, { query: query('?policy_id=p') })).toBe(`[request query.policy_id]: ${MISSING_DEFINITION}`);
    expect(refusal(S.listAgents, { query: query('?page=2&perPage=10000') })).toBe('[request query]: You cannot use page and perPage page over 10000 agents');
  });
});
