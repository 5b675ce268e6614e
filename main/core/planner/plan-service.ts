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

/**
 * Validates the spec and fixes its subnet and ports against the labs already recorded in
 * SECLAB_HOME (and, when given, the engine's subnets). Touches nothing.
 */
export async function resolveLab(
  environment: CoreEnvironment,
  input: LabSpecInput,
  engineSubnets: string[] = [],
  engineLimits?: { memoryLock: boolean; raiseFileLimit: boolean; fileLimitCap?: number },
): Promise<ResolvedLab> {
  const requested = parseLabSpec(input);
  const existing = readLabRecord(environment.home, requested.name);
  const labs = listLabRecords(environment.home);
  const allocated = await allocateLab(requested, {
    labs,
    engineSubnets: existing ? [] : engineSubnets,
    isPortFree: isLoopbackPortFree,
  });
  const measured = existing || !engineLimits ? allocated : { ...allocated, ...engineLimits };
  const allocation = environment.officialRegistry && requested.images === 'official' && !existing ? { ...measured, officialRegistry: environment.officialRegistry } : measured;
  return { spec: requested, allocation, plan: planLab(requested, allocation) };
}
