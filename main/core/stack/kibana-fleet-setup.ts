import { SeclabError } from '../../../common/errors.ts';
import { httpsJson } from './https-json.ts';
import type { Observation } from '../orchestrator/wait-until.ts';

export interface KibanaConnection {
  url: string;
  caPem: string;
  username: string;
  password: string;
}

const XSRF = { 'kbn-xsrf': 'seclab' };

async function kibanaCall<T>(kibana: KibanaConnection, method: string, path: string, body?: unknown): Promise<{ status: number; body: T; text: string }> {
  return httpsJson<T>({ method, url: `${kibana.url}${path}`, caPem: kibana.caPem, basicAuth: kibana, headers: XSRF, body, timeoutMs: 30_000 });
}

async function expectOk<T>(kibana: KibanaConnection, method: string, path: string, body?: unknown, okStatuses = [200]): Promise<T> {
  const response = await kibanaCall<T>(kibana, method, path, body);
  if (!okStatuses.includes(response.status)) {
    throw new SeclabError('FLEET_SETUP_FAILED', `Kibana ${method} ${path} answered ${response.status}: ${response.text.slice(0, 300)}`, { component: 'kibana', phase: 'fleet' });
  }
  return response.body;
}

export async function observeKibanaAvailable(kibana: KibanaConnection): Promise<Observation<string>> {
  const response = await kibanaCall<{ status?: { overall?: { level?: string; summary?: string } } }>(kibana, 'GET', '/api/status');
  const level = response.body?.status?.overall?.level;
  if (response.status === 200 && level === 'available') return { ready: true, value: level };
  return { ready: false, detail: `HTTP ${response.status}, status ${level ?? 'unknown'}${response.body?.status?.overall?.summary ? `: ${response.body.status.overall.summary}` : ''}` };
}

export interface FleetSetupInput {
  fleetServerPolicyId: string;
  agentPolicyId: string;
  fleetServerUrl: string;
  elasticsearchUrl: string;
  caPem: string;
  caFingerprintSha256: string;
}

/**
 * Fleet through Kibana's Fleet API (the agent image no longer calls setup itself: EA e2ba58a):
 * setup, the Fleet Server and agent policies, the Fleet Server host, an output that trusts the
 * lab CA, and an enrollment token for the agent policy.
 */
export async function setUpFleet(kibana: KibanaConnection, input: FleetSetupInput): Promise<{ enrollmentToken: string }> {
  await expectOk(kibana, 'POST', '/api/fleet/setup');
  const policies = await expectOk<{ items: Array<{ id: string }> }>(kibana, 'GET', '/api/fleet/agent_policies?perPage=100');
  const existing = new Set(policies.items.map((p) => p.id));
  if (!existing.has(input.fleetServerPolicyId)) {
    await expectOk(kibana, 'POST', '/api/fleet/agent_policies', { id: input.fleetServerPolicyId, name: 'Lab Fleet Server policy', namespace: 'default', has_fleet_server: true, monitoring_enabled: [] });
  }
  if (!existing.has(input.agentPolicyId)) {
    await expectOk(kibana, 'POST', '/api/fleet/agent_policies', { id: input.agentPolicyId, name: 'Lab agent policy', namespace: 'default', monitoring_enabled: ['logs', 'metrics'] });
  }
  const hosts = await expectOk<{ items: Array<{ id: string; host_urls: string[] }> }>(kibana, 'GET', '/api/fleet/fleet_server_hosts');
  if (!hosts.items.some((h) => h.host_urls.includes(input.fleetServerUrl))) {
    await expectOk(kibana, 'POST', '/api/fleet/fleet_server_hosts', { id: 'lab-fleet-server', name: 'Lab Fleet Server', host_urls: [input.fleetServerUrl], is_default: true });
  }
  const output = {
    name: 'Lab Elasticsearch (CA verified)',
    type: 'elasticsearch',
    hosts: [input.elasticsearchUrl],
    is_default: true,
    is_default_monitoring: true,
    ca_trusted_fingerprint: input.caFingerprintSha256,
    ssl: { certificate_authorities: [input.caPem] },
  };
  const outputs = await expectOk<{ items: Array<{ id: string; is_default?: boolean }> }>(kibana, 'GET', '/api/fleet/outputs');
  const current = outputs.items.find((o) => o.is_default) ?? outputs.items.find((o) => o.id === 'fleet-default-output');
  if (current) await expectOk(kibana, 'PUT', `/api/fleet/outputs/${current.id}`, output);
  else await expectOk(kibana, 'POST', '/api/fleet/outputs', { id: 'fleet-default-output', ...output });

  const keys = await expectOk<{ items: Array<{ api_key: string; policy_id: string; active: boolean }> }>(kibana, 'GET', '/api/fleet/enrollment_api_keys?perPage=100');
  const active = keys.items.find((k) => k.policy_id === input.agentPolicyId && k.active);
  if (active) return { enrollmentToken: active.api_key };
  const created = await expectOk<{ item: { api_key: string } }>(kibana, 'POST', '/api/fleet/enrollment_api_keys', { policy_id: input.agentPolicyId, name: 'lab' });
  return { enrollmentToken: created.item.api_key };
}

export async function observeFleetServerHealthy(url: string, caPem: string): Promise<Observation<string>> {
  const response = await httpsJson<{ status?: string }>({ url: `${url}/api/status`, caPem, timeoutMs: 5000 });
  if (response.status === 200 && response.body?.status === 'HEALTHY') return { ready: true, value: 'HEALTHY' };
  return { ready: false, detail: `HTTP ${response.status}, status ${response.body?.status ?? response.text.slice(0, 100)}` };
}

export interface FleetAgent {
  id: string;
  status: string;
  policy_id?: string;
  local_metadata?: { host?: { hostname?: string; name?: string } };
  last_checkin?: string;
}

export async function listFleetAgents(kibana: KibanaConnection): Promise<FleetAgent[]> {
  const response = await expectOk<{ items?: FleetAgent[]; list?: FleetAgent[] }>(kibana, 'GET', '/api/fleet/agents?perPage=100');
  return response.items ?? response.list ?? [];
}

export async function observeAgentsOnline(kibana: KibanaConnection, policyId: string, expected: number): Promise<Observation<number>> {
  const agents = (await listFleetAgents(kibana)).filter((agent) => agent.policy_id === policyId);
  const online = agents.filter((agent) => agent.status === 'online').length;
  if (online >= expected) return { ready: true, value: online };
  return { ready: false, detail: `${online} of ${expected} agents online (${agents.map((a) => a.status).join(', ') || 'none enrolled yet'})` };
}
