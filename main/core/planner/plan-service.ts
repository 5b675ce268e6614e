import { parseLabSpec, type LabSpec, type LabSpecInput } from '../../../common/lab-spec.ts';
import type { LabPlan } from '../../../common/lab-plan.ts';
import type { CoreEnvironment } from '../environment.ts';
import { allocateLab, isLoopbackPortFree } from '../lab-store/allocate-lab.ts';
import { listLabRecords, readLabRecord } from '../lab-store/lab-records.ts';
import type { PortClaims } from '../lab-store/port-claims.ts';
import type { LabAllocation } from './lab-addresses.ts';
import { planLab } from './plan-lab.ts';

export interface ResolvedLab {
  spec: LabSpec;
  allocation: LabAllocation;
  plan: LabPlan;
}

export interface ResolveOptions {
  /** Ports containers of this machine's engines publish (ports-published-here.ts): never given to a new lab. */
  published?: ReadonlyMap<number, string>;
  /** An up's claims on the ports it is given (port-claims.ts). */
  claims?: PortClaims;
  /** Allocate afresh, as for a new lab, though the lab's record exists (an up whose subnet was taken meanwhile). */
  asNew?: boolean;
}

const pickPlannedLimits = ({ memoryLock, raiseFileLimit, fileLimitCap }: { memoryLock: boolean; raiseFileLimit: boolean; fileLimitCap?: number }) => ({
  memoryLock,
  raiseFileLimit,
  ...(fileLimitCap === undefined ? {} : { fileLimitCap }),
});

/**
 * Validates the spec and fixes its subnet and ports against the labs already recorded in
 * SECLAB_HOME (and, when given, the engine's subnets and the ports containers publish here,
 * which a bind test may not see: ports-published-here.ts). Touches nothing but `options.claims`,
 * where an up claims the ports it is given (port-claims.ts).
 */
export async function resolveLab(
  environment: CoreEnvironment,
  input: LabSpecInput,
  engineSubnets: string[] = [],
  engineLimits?: { memoryLock: boolean; raiseFileLimit: boolean; fileLimitCap?: number },
  options: ResolveOptions = {},
): Promise<ResolvedLab> {
  const requested = parseLabSpec(input);
  const existing = options.asNew ? undefined : readLabRecord(environment.home, requested.name);
  const labs = listLabRecords(environment.home).filter((record) => !options.asNew || record.spec.name !== requested.name);
  const allocated = await allocateLab(requested, {
    labs,
    engineSubnets: existing ? [] : engineSubnets,
    isPortFree: async (port) => !options.published?.has(port) && (await isLoopbackPortFree(port)),
    ...(options.claims ? { claims: options.claims } : {}),
  });
  // Only what the plan is built on: a probe's vm.max_map_count is for the preflight, not the lab's record.
  const measured = existing || !engineLimits ? allocated : { ...allocated, ...pickPlannedLimits(engineLimits) };
  const allocation = environment.officialRegistry && requested.images === 'official' && !existing ? { ...measured, officialRegistry: environment.officialRegistry } : measured;
  return { spec: requested, allocation, plan: planLab(requested, allocation) };
}
