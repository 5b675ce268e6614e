import { parseLabSpec, type LabSpec, type LabSpecInput } from '../../../common/lab-spec.ts';
import type { LabPlan } from '../../../common/lab-plan.ts';
import type { CoreEnvironment } from '../environment.ts';
import { allocateLab, isLoopbackPortFree } from '../lab-store/allocate-lab.ts';
import { listLabRecords, readLabRecord } from '../lab-store/lab-records.ts';
import type { LabAllocation } from './lab-addresses.ts';
import { planLab } from './plan-lab.ts';

export interface ResolvedLab {
  spec: LabSpec;
  allocation: LabAllocation;
  plan: LabPlan;
}

const pickPlannedLimits = ({ memoryLock, raiseFileLimit, fileLimitCap }: { memoryLock: boolean; raiseFileLimit: boolean; fileLimitCap?: number }) => ({
  memoryLock,
  raiseFileLimit,
  ...(fileLimitCap === undefined ? {} : { fileLimitCap }),
});

/**
 * Validates the spec and fixes its subnet and ports against the labs already recorded in
 * SECLAB_HOME (and, when given, the engine's subnets and the ports containers publish here,
 * which a bind test may not see: ports-published-here.ts). Touches nothing.
 */
export async function resolveLab(
  environment: CoreEnvironment,
  input: LabSpecInput,
  engineSubnets: string[] = [],
  engineLimits?: { memoryLock: boolean; raiseFileLimit: boolean; fileLimitCap?: number },
  portsPublished: ReadonlyMap<number, string> = new Map(),
): Promise<ResolvedLab> {
  const requested = parseLabSpec(input);
  const existing = readLabRecord(environment.home, requested.name);
  const labs = listLabRecords(environment.home);
  const allocated = await allocateLab(requested, {
    labs,
    engineSubnets: existing ? [] : engineSubnets,
    isPortFree: async (port) => !portsPublished.has(port) && (await isLoopbackPortFree(port)),
  });
  // Only what the plan is built on: a probe's vm.max_map_count is for the preflight, not the lab's record.
  const measured = existing || !engineLimits ? allocated : { ...allocated, ...pickPlannedLimits(engineLimits) };
  const allocation = environment.officialRegistry && requested.images === 'official' && !existing ? { ...measured, officialRegistry: environment.officialRegistry } : measured;
  return { spec: requested, allocation, plan: planLab(requested, allocation) };
}
