import { agentNames, elasticsearchNodeNames, type LabSpec } from '../../../common/lab-spec.ts';

/** Labs take /24s from this range, one each; the allocator skips any the engine already uses. */
export const LAB_SUBNET_PREFIX = '172.29';
export const MAX_LAB_SUBNETS = 254;

export interface LabAllocation {
  /** Third octet of the lab's subnet: 172.29.<n>.0/24. */
  subnetIndex: number;
  ports: { elasticsearch: number; kibana: number; fleetServer: number };
  /**
   * Whether the engine lets containers lock memory (an unlimited memlock ulimit). Sandboxes and
   * LXC hosts cap it; there the lab runs without bootstrap.memory_lock, as start-local does
   * (start-local#27). Absent means "assume yes".
   */
  memoryLock?: boolean;
  /** Whether the engine can raise the open-files limit to Elasticsearch's 65535; same story as memoryLock. */
  raiseFileLimit?: boolean;
  /** Where it can't: the open-files limit containers get (this sandbox's engine: 20000). */
  fileLimitCap?: number;
  /** The registry official images come from, when not Elastic's own. */
  officialRegistry?: string;
}

export function subnetOf(subnetIndex: number): { subnet: string; gateway: string; base: string } {
  const base = `${LAB_SUBNET_PREFIX}.${subnetIndex}`;
  return { subnet: `${base}.0/24`, gateway: `${base}.1`, base };
}

/** Static addresses: es nodes .11–.17, Kibana .21, Fleet Server .31, agents .41–.45. */
export function componentAddresses(spec: LabSpec, subnetIndex: number): Record<string, string> {
  const { base } = subnetOf(subnetIndex);
  const addresses: Record<string, string> = {};
  elasticsearchNodeNames(spec).forEach((name, index) => (addresses[name] = `${base}.${11 + index}`));
  if (spec.kibana) addresses.kibana = `${base}.21`;
  if (spec.fleetServer) addresses['fleet-server'] = `${base}.31`;
  agentNames(spec).forEach((name, index) => (addresses[name] = `${base}.${41 + index}`));
  return addresses;
}
