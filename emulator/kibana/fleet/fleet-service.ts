import { randomUUID } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import { HttpError } from '../http/respond';
import { SavedObjectsRepository } from './saved-objects';
import { AGENT_POLICY_TYPE, DEFAULT_OUTPUT_ID, FLEET_POLICIES_INDEX, FLEET_SERVER_HOST_TYPE, OUTPUT_TYPE } from './indices';

export interface AgentPolicy {
  id: string;
  name: string;
  namespace: string;
  description?: string;
  status: 'active';
  is_managed: boolean;
  is_default?: boolean;
  is_default_fleet_server?: boolean;
  has_fleet_server?: boolean;
  monitoring_enabled: string[];
  fleet_server_host_id?: string | null;
  data_output_id?: string | null;
  monitoring_output_id?: string | null;
  inactivity_timeout: number;
  is_protected: boolean;
  revision: number;
  updated_at: string;
  updated_by: string;
  package_policies: Array<{ name: string; package: { name: string } }>;
  is_preconfigured?: boolean;
}

export interface FleetServerHost {
  id: string;
  name: string;
  host_urls: string[];
  is_default: boolean;
  is_preconfigured: boolean;
  proxy_id?: string | null;
}

export interface Output {
  id: string;
  name: string;
  type: string;
  hosts: string[];
  is_default: boolean;
  is_default_monitoring: boolean;
  is_preconfigured: boolean;
  ca_trusted_fingerprint?: string | null;
  ca_sha256?: string | null;
  ssl?: { certificate_authorities?: string[]; certificate?: string; key?: string } | null;
  config_yaml?: string | null;
  preset?: string;
  proxy_id?: string | null;
}

export interface FleetDefaults {
  /** `xpack.fleet.agents.elasticsearch.hosts`, else Fleet's own default `http://localhost:9200`. */
  outputHosts: string[];
  /** `xpack.fleet.agents.fleet_server.hosts`, the legacy way to declare the default Fleet Server host. */
  fleetServerHosts: string[];
}

function requireString(body: Record<string, unknown>, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value === '') {
    throw new HttpError(400, `[request body.${key}]: expected value of type [string] but got [${value === undefined ? 'undefined' : typeof value}]`);
  }
  return value;
}

function validUrls(urls: unknown, key: string): string[] {
  if (!Array.isArray(urls) || urls.length === 0) throw new HttpError(400, `[request body.${key}]: array size is [0], but cannot be smaller than [1]`);
  for (const url of urls) {
    try {
      new URL(String(url));
    } catch {
      throw new HttpError(400, `[request body.${key}]: Invalid URL: ${String(url)}`);
    }
  }
  return urls.map(String);
}

/**
 * Fleet's Kibana-side state: agent policies, Fleet Server hosts, outputs (saved objects), and the
 * `.fleet-policies` documents Fleet Server reads. All writes go through Kibana's internal user.
 */
export class FleetService {
  private readonly repo: SavedObjectsRepository;

  constructor(
    private readonly client: Client,
    private readonly defaults: FleetDefaults,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.repo = new SavedObjectsRepository(client);
  }

  /** `POST /api/fleet/setup`: makes sure the default output and default Fleet Server host exist. */
  async setup(): Promise<{ isInitialized: true; nonFatalErrors: Array<{ name: string; message: string }> }> {
    if (!(await this.repo.get<Output>(OUTPUT_TYPE, DEFAULT_OUTPUT_ID))) {
      await this.repo.save<Output>(OUTPUT_TYPE, DEFAULT_OUTPUT_ID, {
        id: DEFAULT_OUTPUT_ID,
        name: 'default',
        type: 'elasticsearch',
        hosts: this.defaults.outputHosts,
        is_default: true,
        is_default_monitoring: true,
        is_preconfigured: false,
        preset: 'balanced',
      });
    }
    if (this.defaults.fleetServerHosts.length > 0 && !(await this.repo.get(FLEET_SERVER_HOST_TYPE, 'fleet-default-fleet-server-host'))) {
      await this.repo.save<FleetServerHost>(FLEET_SERVER_HOST_TYPE, 'fleet-default-fleet-server-host', {
        id: 'fleet-default-fleet-server-host',
        name: 'Default',
        host_urls: this.defaults.fleetServerHosts,
        is_default: true,
        is_preconfigured: true,
      });
    }
    return { isInitialized: true, nonFatalErrors: [] };
  }

  async listAgentPolicies(): Promise<AgentPolicy[]> {
    return (await this.repo.find<AgentPolicy>(AGENT_POLICY_TYPE)).map((so) => so.attributes);
  }

  async getAgentPolicy(id: string): Promise<AgentPolicy | undefined> {
    return (await this.repo.get<AgentPolicy>(AGENT_POLICY_TYPE, id))?.attributes;
  }

  async createAgentPolicy(body: Record<string, unknown>, username: string, sysMonitoring: boolean, isPreconfigured = false): Promise<AgentPolicy> {
    const name = requireString(body, 'name');
    const namespace = typeof body.namespace === 'string' && body.namespace ? body.namespace : 'default';
    const existing = await this.listAgentPolicies();
    if (existing.some((p) => p.name === name)) throw new HttpError(409, `An agent policy with the name ${name} already exists`);
    const id = typeof body.id === 'string' && body.id ? body.id : randomUUID();
    if (existing.some((p) => p.id === id)) throw new HttpError(409, `An agent policy with id ${id} already exists`);
    const hasFleetServer = body.has_fleet_server === true || body.is_default_fleet_server === true;
    const packagePolicies: AgentPolicy['package_policies'] = [];
    if (hasFleetServer) packagePolicies.push({ name: 'fleet_server-1', package: { name: 'fleet_server' } });
    if (sysMonitoring) packagePolicies.push({ name: 'system-1', package: { name: 'system' } });
    const policy: AgentPolicy = {
      id,
      name,
      namespace,
      description: typeof body.description === 'string' ? body.description : undefined,
      status: 'active',
      is_managed: body.is_managed === true,
      is_default: body.is_default === true,
      is_default_fleet_server: body.is_default_fleet_server === true,
      has_fleet_server: hasFleetServer,
      monitoring_enabled: Array.isArray(body.monitoring_enabled) ? body.monitoring_enabled.map(String) : ['logs', 'metrics'],
      fleet_server_host_id: typeof body.fleet_server_host_id === 'string' ? body.fleet_server_host_id : null,
      data_output_id: typeof body.data_output_id === 'string' ? body.data_output_id : null,
      monitoring_output_id: typeof body.monitoring_output_id === 'string' ? body.monitoring_output_id : null,
      // Fleet's default inactivity timeout: 1209600 s (14 days)
      inactivity_timeout: typeof body.inactivity_timeout === 'number' ? body.inactivity_timeout : 1209600,
      is_protected: body.is_protected === true,
      revision: 1,
      updated_at: this.now().toISOString(),
      updated_by: username,
      package_policies: packagePolicies,
      is_preconfigured: isPreconfigured,
    };
    await this.repo.save(AGENT_POLICY_TYPE, id, policy);
    await this.deployPolicy(policy);
    return policy;
  }

  /** Writes the policy as Fleet Server reads it (`.fleet-policies`: policy_id, revision_idx, data). */
  async deployPolicy(policy: AgentPolicy): Promise<void> {
    const outputs = await this.listOutputs();
    const output = outputs.find((o) => o.id === policy.data_output_id) ?? outputs.find((o) => o.is_default);
    const hosts = await this.listFleetServerHosts();
    const host = hosts.find((h) => h.id === policy.fleet_server_host_id) ?? hosts.find((h) => h.is_default);
    await this.client.index({
      index: FLEET_POLICIES_INDEX,
      id: `${policy.id}:${policy.revision}`,
      document: {
        '@timestamp': this.now().toISOString(),
        policy_id: policy.id,
        revision_idx: policy.revision,
        coordinator_idx: 1,
        default_fleet_server: policy.is_default_fleet_server === true,
        data: {
          id: policy.id,
          revision: policy.revision,
          outputs: output
            ? {
                default: {
                  type: output.type,
                  hosts: output.hosts,
                  ...(output.ca_trusted_fingerprint ? { 'ssl.ca_trusted_fingerprint': output.ca_trusted_fingerprint } : {}),
                  ...(output.ssl?.certificate_authorities ? { ssl: { certificate_authorities: output.ssl.certificate_authorities } } : {}),
                },
              }
            : {},
          fleet: host ? { hosts: host.host_urls } : undefined,
          inputs: policy.has_fleet_server ? [{ id: 'fleet-server-fleet_server-1', type: 'fleet-server', use_output: 'default' }] : [],
          agent: { monitoring: { enabled: policy.monitoring_enabled.length > 0, logs: policy.monitoring_enabled.includes('logs'), metrics: policy.monitoring_enabled.includes('metrics') } },
        },
      },
      refresh: 'wait_for',
    });
  }

  async listFleetServerHosts(): Promise<FleetServerHost[]> {
    return (await this.repo.find<FleetServerHost>(FLEET_SERVER_HOST_TYPE)).map((so) => so.attributes);
  }

  async createFleetServerHost(body: Record<string, unknown>, isPreconfigured = false): Promise<FleetServerHost> {
    const name = requireString(body, 'name');
    const hostUrls = validUrls(body.host_urls, 'host_urls');
    const id = typeof body.id === 'string' && body.id ? body.id : randomUUID();
    const isDefault = body.is_default === true;
    if (isDefault) {
      for (const host of await this.listFleetServerHosts()) {
        if (host.is_default && host.id !== id) await this.repo.save(FLEET_SERVER_HOST_TYPE, host.id, { ...host, is_default: false });
      }
    }
    const host: FleetServerHost = { id, name, host_urls: hostUrls, is_default: isDefault, is_preconfigured: isPreconfigured, proxy_id: null };
    await this.repo.save(FLEET_SERVER_HOST_TYPE, id, host);
    return host;
  }

  async listOutputs(): Promise<Output[]> {
    return (await this.repo.find<Output>(OUTPUT_TYPE)).map((so) => so.attributes);
  }

  async getOutput(id: string): Promise<Output | undefined> {
    return (await this.repo.get<Output>(OUTPUT_TYPE, id))?.attributes;
  }

  async saveOutput(id: string | undefined, body: Record<string, unknown>, existing?: Output, isPreconfigured = false): Promise<Output> {
    const merged: Record<string, unknown> = { ...(existing ?? {}), ...body };
    const name = requireString(merged, 'name');
    const type = typeof merged.type === 'string' ? merged.type : 'elasticsearch';
    const hosts = validUrls(merged.hosts, 'hosts');
    // types/models/output.ts: ca_trusted_fingerprint is any string (or null); Fleet does not check its form.
    const fingerprint = merged.ca_trusted_fingerprint;
    const outputId = id ?? (typeof body.id === 'string' && body.id ? body.id : randomUUID());
    const output: Output = {
      id: outputId,
      name,
      type,
      hosts,
      is_default: merged.is_default === true,
      is_default_monitoring: merged.is_default_monitoring === true,
      is_preconfigured: isPreconfigured || existing?.is_preconfigured === true,
      ca_trusted_fingerprint: fingerprint === undefined ? null : (fingerprint as string | null),
      ca_sha256: typeof merged.ca_sha256 === 'string' ? merged.ca_sha256 : null,
      ssl: (merged.ssl as Output['ssl']) ?? null,
      config_yaml: typeof merged.config_yaml === 'string' ? merged.config_yaml : null,
      preset: typeof merged.preset === 'string' ? merged.preset : 'balanced',
      proxy_id: typeof merged.proxy_id === 'string' ? merged.proxy_id : null,
    };
    for (const other of await this.listOutputs()) {
      if (other.id === outputId) continue;
      const clearDefault = output.is_default && other.is_default;
      const clearMonitoring = output.is_default_monitoring && other.is_default_monitoring;
      if (clearDefault || clearMonitoring) {
        await this.repo.save(OUTPUT_TYPE, other.id, {
          ...other,
          is_default: clearDefault ? false : other.is_default,
          is_default_monitoring: clearMonitoring ? false : other.is_default_monitoring,
        });
      }
    }
    await this.repo.save(OUTPUT_TYPE, outputId, output);
    // Policies pick up output changes with a new revision, as Fleet redeploys them.
    for (const policy of await this.listAgentPolicies()) {
      if (policy.data_output_id === outputId || (!policy.data_output_id && output.is_default)) {
        const bumped = { ...policy, revision: policy.revision + 1, updated_at: this.now().toISOString() };
        await this.repo.save(AGENT_POLICY_TYPE, policy.id, bumped);
        await this.deployPolicy(bumped);
      }
    }
    return output;
  }
}
