import type { CheckResult, CheckStatus, LayerId } from '../../../common/checks.ts';
import { worstStatus } from '../../components/status-icon.tsx';

/** The seed's layers from the outside in; transport and HTTP share "Cluster communication", cloud-only items sit with Network. */
export const BANDS = [
  { id: 'network', title: 'Network', layers: ['network', 'cloud'], summary: 'Who can reach the lab at all' },
  { id: 'cluster', title: 'Cluster communication', layers: ['transport', 'http'], summary: 'TLS between nodes and to clients' },
  { id: 'users', title: 'Users & roles', layers: ['auth'], summary: 'Who may do what' },
  { id: 'kibana', title: 'Kibana', layers: ['kibana'], summary: 'The front door people log in to' },
  { id: 'secrets', title: 'Secrets & settings', layers: ['secrets'], summary: 'Where passwords and keys live' },
  { id: 'runtime', title: 'Runtime', layers: ['runtime'], summary: 'How the containers run' },
  { id: 'fleet', title: 'Fleet', layers: ['fleet'], summary: 'Agents and their server' },
  { id: 'audit', title: 'Audit', layers: ['audit'], summary: 'The record of who tried what' },
] as const satisfies ReadonlyArray<{ id: string; title: string; layers: readonly LayerId[]; summary: string }>;

export type BandId = (typeof BANDS)[number]['id'];

export interface BandView {
  id: BandId;
  title: string;
  summary: string;
  checks: CheckResult[];
  status: CheckStatus;
}

export function bandsOf(checks: CheckResult[] | undefined): BandView[] {
  return BANDS.map((band) => {
    const mine = (checks ?? []).filter((check) => (band.layers as readonly LayerId[]).includes(check.layer));
    return { id: band.id, title: band.title, summary: band.summary, checks: mine, status: checks ? worstStatus(mine.map((check) => check.status)) : 'pending' };
  });
}

export function tally(checks: CheckResult[]): Record<CheckStatus, number> {
  const counts: Record<CheckStatus, number> = { pass: 0, fail: 0, warn: 0, info: 0, pending: 0, error: 0 };
  for (const check of checks) counts[check.status]++;
  return counts;
}
