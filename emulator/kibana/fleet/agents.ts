import type { Client } from '@elastic/elasticsearch';
import { AGENTS_INDEX } from './indices';
import { statusCodeOf } from '../es-client';

export type AgentStatus = 'online' | 'offline' | 'inactive' | 'enrolling' | 'error' | 'degraded' | 'updating' | 'unenrolled';

export interface AgentDocument {
  active: boolean;
  policy_id: string;
  policy_revision_idx?: number;
  type: string;
  enrolled_at: string;
  last_checkin?: string;
  last_checkin_status?: string;
  last_checkin_message?: string;
  unenrolled_at?: string;
  local_metadata?: Record<string, unknown>;
  user_provided_metadata?: Record<string, unknown>;
  access_api_key_id?: string;
  agent?: { id: string; version: string };
  tags?: string[];
  components?: unknown[];
}

/**
 * Real Fleet marks an agent offline after 10 missed 30 s polls, i.e. 5 minutes
 * (x-pack/plugins/fleet/common/services/agent_status.ts: offlineTimeoutIntervalCount * AGENT_POLLING_THRESHOLD_MS).
 * The lab shortens that to 60 s on purpose so that a stopped agent shows offline within a workshop step.
 */
export const OFFLINE_AFTER_MS = 60_000;

export function computeAgentStatus(agent: AgentDocument, nowMs: number): AgentStatus {
  if (agent.unenrolled_at) return 'unenrolled';
  if (!agent.active) return 'inactive';
  if (!agent.last_checkin) return 'enrolling';
  if (nowMs - new Date(agent.last_checkin).getTime() > OFFLINE_AFTER_MS) return 'offline';
  const checkinStatus = agent.last_checkin_status?.toLowerCase();
  if (checkinStatus === 'error' || checkinStatus === 'failed') return 'error';
  if (checkinStatus === 'degraded') return 'degraded';
  return 'online';
}

export interface AgentListItem extends AgentDocument {
  id: string;
  status: AgentStatus;
  policy_revision: number | null;
}

export async function listAgents(client: Client, options: { showInactive: boolean; filters: Record<string, string>; nowMs: number }): Promise<AgentListItem[]> {
  const must: Array<Record<string, unknown>> = [];
  if (!options.showInactive) must.push({ term: { active: true } });
  if (options.filters.policy_id) must.push({ term: { policy_id: options.filters.policy_id } });
  let hits;
  try {
    const result = await client.search<AgentDocument>({ index: AGENTS_INDEX, size: 1000, query: must.length ? { bool: { must } } : { match_all: {} } });
    hits = result.hits.hits;
  } catch (error) {
    if (statusCodeOf(error) === 404) return [];
    throw error;
  }
  const items = hits.map((hit) => {
    const doc = hit._source as AgentDocument;
    return { ...doc, id: String(hit._id), status: computeAgentStatus(doc, options.nowMs), policy_revision: doc.policy_revision_idx ?? null };
  });
  return options.filters.status ? items.filter((a) => a.status === options.filters.status) : items;
}

export function summarizeStatuses(agents: AgentListItem[]): Record<string, number> {
  const count = (status: AgentStatus) => agents.filter((a) => a.status === status).length;
  const online = count('online');
  const error = count('error') + count('degraded');
  const offline = count('offline');
  const updating = count('updating') + count('enrolling');
  const inactive = count('inactive');
  const unenrolled = count('unenrolled');
  return {
    events: 0,
    total: online + error + offline + updating,
    online,
    error,
    offline,
    other: offline + inactive + unenrolled,
    updating,
    inactive,
    unenrolled,
    all: agents.length,
    active: online + error + offline + updating,
  };
}
