import type { FleetAgent } from '../../stack/kibana-fleet-setup.ts';

/** The name Fleet's agent list shows for an agent: its host name, else the start of its id. */
export function agentName(agent: FleetAgent): string {
  return agent.local_metadata?.host?.hostname ?? agent.id.slice(0, 8);
}

/**
 * An agent that is not online, with how long ago it last checked in: Fleet turns an agent offline when
 * its check-ins stop, so the age says whether it stopped a moment ago or long before.
 */
export function describeAgentNotOnline(agent: FleetAgent, nowMs: number): string {
  const lastCheckinMs = agent.last_checkin ? Date.parse(agent.last_checkin) : Number.NaN;
  if (Number.isNaN(lastCheckinMs)) return `${agentName(agent)} ${agent.status} (no check-in yet)`;
  const seconds = Math.max(0, Math.round((nowMs - lastCheckinMs) / 1000));
  return `${agentName(agent)} ${agent.status} (last check-in ${seconds} s ago, ${agent.last_checkin})`;
}
