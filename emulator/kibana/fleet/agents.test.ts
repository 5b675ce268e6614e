import { describe, expect, it } from 'vitest';
import { computeAgentStatus, OFFLINE_AFTER_MS } from './agents';
import { parseSimpleKuery } from './kuery';

describe('agent status', () => {
  const base = { active: true, policy_id: 'p', type: 'PERMANENT', enrolled_at: '2025-01-01T00:00:00Z' };
  it('is enrolling without a check-in, online when recent, offline when stale', () => {
    const now = Date.parse('2025-01-01T01:00:00Z');
    expect(computeAgentStatus(base, now)).toBe('enrolling');
    expect(computeAgentStatus({ ...base, last_checkin: new Date(now - 5000).toISOString() }, now)).toBe('online');
    expect(computeAgentStatus({ ...base, last_checkin: new Date(now - OFFLINE_AFTER_MS - 1).toISOString() }, now)).toBe('offline');
    expect(computeAgentStatus({ ...base, active: false }, now)).toBe('inactive');
  });
});

describe('kuery', () => {
  it('reads field:value clauses with or without the type prefix', () => {
    expect(parseSimpleKuery('fleet-enrollment-api-keys.policy_id:"abc" and active:true')).toEqual({ policy_id: 'abc', active: 'true' });
  });
});
