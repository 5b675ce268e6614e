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

interface ServiceStatus {
  level?: string;
  summary?: string;
}

export interface KibanaStatusBody {
  status?: { overall?: ServiceStatus; core?: Record<string, ServiceStatus>; plugins?: Record<string, ServiceStatus> };
}

/**
 * Kibana serves once its core services are available. A degraded plugin (task manager on a busy
 * machine, say) leaves the overall level `degraded` for good on some hosts, so waiting for
 * `available` could run to the timeout on a Kibana that works: decide from what it reports.
 */
export function kibanaReadiness(httpStatus: number, body: KibanaStatusBody | undefined): Observation<string> {
  const overall = body?.status?.overall?.level;
  const core = body?.status?.core ?? {};
  const coreDown = ['elasticsearch', 'savedObjects'].filter((service) => core[service]?.level !== 'available');
  if (overall === 'available' && httpStatus === 200) return { ready: true, value: 'available' };
  if (overall === 'degraded' && !coreDown.length) {
    const degraded = Object.entries(body?.status?.plugins ?? {})
      .filter(([, plugin]) => plugin.level && plugin.level !== 'available')
      .map(([name]) => name);
    return { ready: true, value: `degraded${degraded.length ? ` (${degraded.slice(0, 5).join(', ')})` : ''}: core services available` };
  }
  const summary = body?.status?.overall?.summary;
  const waitingFor = coreDown.length && overall ? `; core ${coreDown.map((service) => `${service} ${core[service]?.level ?? 'unknown'}`).join(', ')}` : '';
  return { ready: false, detail: `HTTP ${httpStatus}, status ${overall ?? 'unknown'}${summary ? `: ${summary}` : ''}${waitingFor}` };
}

export async function observeKibanaAvailable(kibana: KibanaConnection): Promise<Observation<string>> {
  const response = await kibanaCall<KibanaStatusBody>(kibana, 'GET', '/api/status');
  return kibanaReadiness(response.status, response.body);
}

export interface FleetSetupInput {
  fleetServerPolicyId: string;
  agentPolicyId: string;
  fleetServerUrl: string;
  elasticsearchUrl: string;
  caPem: string;
  caFingerprintSha256: string;
}

/** The bodies of Fleet's API calls, shared with the Compose export's setup script. */
export const fleetRequests = {
  fleetServerPolicy: (id: string) => ({ id, name: 'Lab Fleet Server policy', namespace: 'default', has_fleet_server: true, monitoring_enabled: [] }),
  agentPolicy: (id: string) => ({ id, name: 'Lab agent policy', namespace: 'default', monitoring_enabled: ['logs', 'metrics'] }),
  fleetServerHost: (url: string) => ({ id: 'lab-fleet-server', name: 'Lab Fleet Server', host_urls: [url], is_default: true }),
  output: (input: Pick<FleetSetupInput, 'elasticsearchUrl' | 'caPem' | 'caFingerprintSha256'>) => ({
    name: 'Lab Elasticsearch (CA verified)',
    type: 'elasticsearch',
    hosts: [input.elasticsearchUrl],
    is_default: true,
    is_default_monitoring: true,
    ca_trusted_fingerprint: input.caFingerprintSha256,
    ssl: { certificate_authorities: [input.caPem] },
  }),
  /** The output Fleet's setup makes, replaced by the lab's own where it has no other default. */
  defaultOutputId: 'fleet-default-output',
  enrollmentKey: (policyId: string) => ({ policy_id: policyId, name: 'lab' }),
};

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
    await expectOk(kibana, 'POST', '/api/fleet/agent_policies', fleetRequests.fleetServerPolicy(input.fleetServerPolicyId));
  }
  if (!existing.has(input.agentPolicyId)) {
    await expectOk(kibana, 'POST', '/api/fleet/agent_policies', fleetRequests.agentPolicy(input.agentPolicyId));
  }
  const hosts = await expectOk<{ items: Array<{ id: string; host_urls: string[] }> }>(kibana, 'GET', '/api/fleet/fleet_server_hosts');
  if (!hosts.items.some((h) => h.host_urls.includes(input.fleetServerUrl))) {
    await expectOk(kibana, 'POST', '/api/fleet/fleet_server_hosts', fleetRequests.fleetServerHost(input.fleetServerUrl));
  }
  const output = fleetRequests.output(input);
  const outputs = await expectOk<{ items: Array<{ id: string; is_default?: boolean }> }>(kibana, 'GET', '/api/fleet/outputs');
  const current = outputs.items.find((o) => o.is_default) ?? outputs.items.find((o) => o.id === fleetRequests.defaultOutputId);
  if (current) await expectOk(kibana, 'PUT', `/api/fleet/outputs/${current.id}`, output);
  else await expectOk(kibana, 'POST', '/api/fleet/outputs', { id: fleetRequests.defaultOutputId, ...output });

  const keys = await expectOk<{ items: Array<{ api_key: string; policy_id: string; active: boolean }> }>(kibana, 'GET', '/api/fleet/enrollment_api_keys?perPage=100');
  const active = keys.items.find((k) => k.policy_id === input.agentPolicyId && k.active);
  if (active) return { enrollmentToken: active.api_key };
  const created = await expectOk<{ item: { api_key: string } }>(kibana, 'POST', '/api/fleet/enrollment_api_keys', fleetRequests.enrollmentKey(input.agentPolicyId));
  return { enrollmentToken: created.item.api_key };
}

interface EnrollmentApiKeyItem {
  id: string;
  api_key: string;
  active: boolean;
  policy_id: string;
}

export async function findEnrollmentKey(kibana: KibanaConnection, token: string): Promise<EnrollmentApiKeyItem | undefined> {
  const keys = await expectOk<{ items: EnrollmentApiKeyItem[] }>(kibana, 'GET', '/api/fleet/enrollment_api_keys?perPage=1000');
  return keys.items.find((key) => key.api_key === token);
}

/**
 * Once the lab's agents are enrolled the token has done its job, but Elastic's agent image reads it
 * only from env (no FLEET_ENROLLMENT_TOKEN_PATH in setup_config.go), where `docker inspect` shows
 * it: revoke it (Fleet invalidates the API key and marks it inactive) so it enrolls nothing more.
 */
export async function revokeEnrollmentToken(kibana: KibanaConnection, token: string): Promise<void> {
  const key = await findEnrollmentKey(kibana, token);
  if (key?.active) await expectOk(kibana, 'DELETE', `/api/fleet/enrollment_api_keys/${encodeURIComponent(key.id)}`);
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
