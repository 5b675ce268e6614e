import type { LabSpecInput } from '../../../common/lab-spec.ts';
import type { PreflightCheck } from '../../../common/lab-status.ts';
import type { CoreEnvironment } from '../environment.ts';
import { readLabRecord } from '../lab-store/lab-records.ts';
import { resolveLab } from '../planner/plan-service.ts';
import { probeEngineLimits } from './engine-limits.ts';
import { runPreflight } from './preflight.ts';

/**
 * The preflight `seclab doctor` and the app's Start screen show: the same checks, with the same
 * measured engine limits, that `up` runs before it creates anything.
 */
export async function preflightLab(environment: CoreEnvironment, input: LabSpecInput): Promise<PreflightCheck[]> {
  const engine = environment.engine();
  const name = (input as { name?: string }).name ?? 'default';
  const recorded = readLabRecord(environment.home, name);
  const engineLimits = recorded ? undefined : await probeEngineLimits(engine, name).catch(() => undefined);
  const { plan, allocation } = await resolveLab(environment, input, await engine.engineSubnets().catch(() => []), engineLimits);
  const objects = await engine.labObjects(plan.lab).catch(() => ({ containers: [] as Array<{ state: string }> }));
  const running = objects.containers.some((c) => c.state === 'running');
  return runPreflight({
    engine,
    plan,
    portsHeldByLab: running ? plan.containers.flatMap((c) => c.ports.map((p) => p.hostPort)) : [],
    labExists: objects.containers.length > 0,
    engineLimits: allocation,
  });
}
