import type { LabPlan } from '../../../common/lab-plan.ts';
import type { LabStatus } from '../../../common/lab-status.ts';

export interface RemovalSummary {
  containers: string[];
  volumes: string[];
  network?: string;
}

/** Exactly what teardown deletes, by name: containers from the live status, volumes and network from the lab's plan. */
export function removalSummaryOf(status: LabStatus, plan: unknown): RemovalSummary {
  const planned = isLabPlan(plan) ? plan : undefined;
  return {
    containers: status.components.map((component) => component.container),
    volumes: planned ? planned.volumes.map((volume) => volume.name) : [],
    network: status.network?.name ?? planned?.network.name,
  };
}

function isLabPlan(value: unknown): value is LabPlan {
  const candidate = value as Partial<LabPlan> | undefined;
  return Array.isArray(candidate?.volumes) && typeof candidate?.network?.name === 'string';
}
