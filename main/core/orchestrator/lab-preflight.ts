import { parseLabSpec, type LabSpecInput } from '../../../common/lab-spec.ts';
import type { PreflightCheck } from '../../../common/lab-status.ts';
import type { LabPlan } from '../../../common/lab-plan.ts';
import type { CoreEnvironment } from '../environment.ts';
import type { DockerEngine, LabObjects } from '../docker/docker-engine.ts';
import type { LabAllocation } from '../planner/lab-addresses.ts';
import { readLabRecord } from '../lab-store/lab-records.ts';
import { resolveLab } from '../planner/plan-service.ts';
import { readEngineMaxMapCount, type EngineLimits } from './engine-limits.ts';
import { measureEngineLimits } from './engine-limits-cache.ts';
import { runPreflight } from './preflight.ts';
import { portsPublishedHere } from '../docker/ports-published-here.ts';
import { PortClaims } from '../lab-store/port-claims.ts';

/**
 * The preflight `seclab doctor` and the app's Start screen show: the same checks, with the same
 * measured engine limits, that `up` runs before it creates anything.
 */
export async function preflightLab(environment: CoreEnvironment, input: LabSpecInput): Promise<PreflightCheck[]> {
  // A bad spec is refused before its name reaches a path or the engine is asked anything.
  const { name } = parseLabSpec(input);
  const engine = environment.engine();
  const recorded = readLabRecord(environment.home, name);
  // Doctor and the Start screen measure afresh (and remember it for the next up).
  const engineLimits = recorded ? undefined : await measureEngineLimits(engine, environment.home, name).catch(() => undefined);
  const published = await portsPublishedHere(environment, engine, name);
  const { plan, allocation } = await resolveLab(environment, input, await engine.engineSubnets().catch(() => []), engineLimits, { published });
  const objects = await engine.labObjects(plan.lab).catch(() => undefined);
  return preflightPlannedLab(engine, plan, allocation, objects?.containers ?? [], engineLimits, published, new PortClaims(name));
}

/**
 * The one list of checks, for a lab already planned: `up` calls it with its own plan, doctor and
 * the Start screen through preflightLab. One-shot helpers (the engine-limits probe) are no part
 * of the lab, so they neither make it "exist" nor hold its ports. `probed` is what the engine-limits
 * probe measured just now (none for a recorded lab): its vm.max_map_count was read inside a
 * container on the engine; without it one throwaway container reads it where this machine can't.
 */
export function preflightPlannedLab(
  engine: DockerEngine,
  plan: LabPlan,
  allocation: LabAllocation,
  containers: LabObjects['containers'],
  probed?: EngineLimits,
  portsPublished?: ReadonlyMap<number, string>,
  portClaims?: PortClaims,
): Promise<PreflightCheck[]> {
  const labContainers = containers.filter((c) => !c.labels['seclab.role']);
  const running = labContainers.some((c) => c.state === 'running');
  return runPreflight({
    engine,
    plan,
    portsHeldByLab: running ? plan.containers.flatMap((c) => c.ports.map((p) => p.hostPort)) : [],
    labExists: labContainers.length > 0,
    engineLimits: { ...allocation, maxMapCount: probed?.maxMapCount },
    readEngineMaxMapCount: () => readEngineMaxMapCount(engine, plan.lab),
    ...(portsPublished ? { portsPublishedHere: portsPublished } : {}),
    ...(portClaims ? { portClaims } : {}),
  });
}
