import { describe, expect, it } from 'vitest';
import { decideConnection, ruleMatches } from './ip-filter.js';

const decide = (address: string, settings: Record<string, unknown>, licenseAllowsFiltering = true) =>
  decideConnection({ profile: 'http', address, settings: (name) => settings[name], boundAddresses: ['127.0.0.2'], licenseAllowsFiltering });

describe('IP filter rules (IPFilter semantics)', () => {
  it('matches addresses, CIDRs and _all', () => {
    expect(ruleMatches('10.0.0.0/8', '10.1.2.3')).toBe(true);
    expect(ruleMatches('10.0.0.0/8', '11.1.2.3')).toBe(false);
    expect(ruleMatches('_all', '::1')).toBe(true);
    expect(ruleMatches('127.0.0.1', '::ffff:127.0.0.1')).toBe(true);
    expect(ruleMatches('fd00::/8', 'fd12::1')).toBe(true);
  });

  it('evaluates allow before deny, first match wins, no match accepts', () => {
    const settings = { 'xpack.security.http.filter.allow': ['172.18.0.0/16'], 'xpack.security.http.filter.deny': ['_all'] };
    expect(decide('172.18.0.5', settings)).toEqual({ allowed: true, rule: 'allow 172.18.0.0/16' });
    expect(decide('10.0.0.5', settings)).toEqual({ allowed: false, rule: 'deny _all' });
    expect(decide('10.0.0.5', { 'xpack.security.http.filter.deny': ['192.168.0.1'] })).toEqual({ allowed: true });
  });

  it('always allows the bound address and falls back to the transport lists for HTTP', () => {
    expect(decide('127.0.0.2', { 'xpack.security.http.filter.deny': ['_all'] }).allowed).toBe(true);
    expect(decide('10.0.0.5', { 'xpack.security.transport.filter.deny': ['_all'] }).allowed).toBe(false);
  });

  it('applies transport profile lists to transport connections', () => {
    const transport = decideConnection({
      profile: 'transport',
      address: '10.0.0.5',
      settings: (name) => (({ 'transport.profiles.default.xpack.security.filter.deny': ['10.0.0.0/8'] }) as Record<string, unknown>)[name],
      boundAddresses: [],
      licenseAllowsFiltering: true,
    });
    expect(transport).toEqual({ allowed: false, rule: 'deny 10.0.0.0/8' });
  });

  it('is not applied when disabled or when the licence does not allow it (basic)', () => {
    expect(decide('10.0.0.5', { 'xpack.security.http.filter.deny': ['_all'], 'xpack.security.http.filter.enabled': 'false' }).allowed).toBe(true);
    expect(decide('10.0.0.5', { 'xpack.security.http.filter.deny': ['_all'] }, false).allowed).toBe(true);
  });
});
