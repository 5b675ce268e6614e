import { describe, expect, it } from 'vitest';
import { agentName, describeAgentNotOnline } from './agent-listing.ts';

const now = Date.parse('2026-12-03T06:30:00.000Z');

describe('agents that are not online, as the fleet.agent-enrolled evidence names them', () => {
  it('names an offline agent by host name with the age of its last check-in', () => {
    const agent = { id: 'f1e2d3c4-0000', status: 'offline', local_metadata: { host: { hostname: 'agent01' } }, last_checkin: '2026-12-03T06:28:45.000Z' };
    expect(describeAgentNotOnline(agent, now)).toBe('agent01 offline (last check-in 75 s ago, 2026-12-03T06:28:45.000Z)');
  });

  it('says so when an agent never checked in, and falls back to the start of its id', () => {
    const agent = { id: 'f1e2d3c4-0000', status: 'enrolling' };
    expect(agentName(agent)).toBe('f1e2d3c4');
    expect(describeAgentNotOnline(agent, now)).toBe('f1e2d3c4 enrolling (no check-in yet)');
  });
});
