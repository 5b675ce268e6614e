import { isIP } from 'node:net';
import { settingAsBoolean, settingAsList } from '../shared/settings-file.js';

export type FilterProfile = 'http' | 'transport';

interface Rule {
  allow: boolean;
  value: string;
}

function ipv4ToNumber(ip: string): number {
  return ip.split('.').reduce((total, octet) => total * 256 + Number(octet), 0);
}

function ipv6ToBigInt(ip: string): bigint {
  const [head = '', tail] = ip.split('::') as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(':') : []);
  const headParts = parse(head);
  const tailParts = tail === undefined ? [] : parse(tail);
  const parts = tail === undefined ? headParts : [...headParts, ...Array(8 - headParts.length - tailParts.length).fill('0'), ...tailParts];
  return parts.reduce((total, part) => (total << 16n) + BigInt(parseInt(part || '0', 16)), 0n);
}

/** Node reports IPv4 clients of a dual-stack socket as ::ffff:a.b.c.d. */
export function normaliseAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

export function ruleMatches(value: string, address: string): boolean {
  if (value === '_all') return true;
  const ip = normaliseAddress(address);
  const [network, bitsText] = value.split('/') as [string, string | undefined];
  const family = isIP(ip);
  if (family !== isIP(network)) return false;
  if (bitsText === undefined) return family === 4 ? network === ip : ipv6ToBigInt(network) === ipv6ToBigInt(ip);
  const bits = Number(bitsText);
  if (family === 4) {
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    return (ipv4ToNumber(network) & mask) >>> 0 === (ipv4ToNumber(ip) & mask) >>> 0;
  }
  const shift = BigInt(128 - bits);
  return ipv6ToBigInt(network) >> shift === ipv6ToBigInt(ip) >> shift;
}

export interface FilterDecision {
  allowed: boolean;
  /** ES audit's `rule` field, e.g. "deny _all". */
  rule?: string;
}

/**
 * ES IPFilter (x-pack/.../transport/filter/IPFilter.java): rules in order bound-address allow → allow list →
 * deny list; first match wins; no match accepts. HTTP lists fall back to the transport lists when unset.
 * Only applied when the licence allows IP filtering (trial, gold, platinum, enterprise) — not on basic.
 */
export function decideConnection(options: { profile: FilterProfile; address: string; settings: (name: string) => unknown; boundAddresses: string[]; licenseAllowsFiltering: boolean }): FilterDecision {
  const { profile, settings } = options;
  if (!options.licenseAllowsFiltering) return { allowed: true };
  if (!settingAsBoolean(settings(`xpack.security.${profile}.filter.enabled`), true)) return { allowed: true };
  // Fallback chain per IPFilter: http → transport.profiles.default → xpack.security.transport.
  const sources =
    profile === 'http'
      ? ['xpack.security.http.filter', 'transport.profiles.default.xpack.security.filter', 'xpack.security.transport.filter']
      : ['transport.profiles.default.xpack.security.filter', 'xpack.security.transport.filter'];
  let allow: string[] = [];
  let deny: string[] = [];
  for (const prefix of sources) {
    allow = settingAsList(settings(`${prefix}.allow`));
    deny = settingAsList(settings(`${prefix}.deny`));
    if (allow.length > 0 || deny.length > 0) break;
  }
  const rules: Rule[] = [];
  if (settingAsBoolean(settings('xpack.security.filter.always_allow_bound_address'), true)) {
    for (const bound of options.boundAddresses) rules.push({ allow: true, value: bound });
  }
  for (const value of allow) rules.push({ allow: true, value });
  for (const value of deny) rules.push({ allow: false, value });
  for (const rule of rules) {
    if (ruleMatches(rule.value, options.address)) return { allowed: rule.allow, rule: `${rule.allow ? 'allow' : 'deny'} ${rule.value}` };
  }
  return { allowed: true };
}
