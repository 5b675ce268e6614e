import type { LabPlan } from '../../../common/lab-plan.ts';
import { SeclabError } from '../../../common/errors.ts';
import type { LabRecord } from '../lab-store/lab-records.ts';

/**
 * Why the lab's containers can't simply be started again, if they can't: a first bring-up (or a
 * reset's) that never ended — its users, tokens or Fleet policies may be half made — or a
 * teardown that never ended, which left some components and not others.
 */
export function unfinishedBringUp(record: LabRecord | undefined, plan: LabPlan, labContainers: Array<{ labels: Record<string, string>; networkMode?: string; networks?: string[] }>): string | undefined {
  if (!record) {
    // Its secrets and certificates are elsewhere (another SECLAB_HOME) or gone: not this run's to rebuild.
    throw new SeclabError(
      'LAB_UNRECORDED',
      `lab "${plan.lab}" has containers in Docker but no folder in this seclab home: it was made from another SECLAB_HOME, or its folder was deleted. Remove it with \`seclab down --lab ${plan.lab}\`, then run up again`,
      { lab: plan.lab },
    );
  }
  if (record.bringUp === 'in-progress') return 'its bring-up was interrupted';
  const present = new Set(labContainers.map((container) => container.labels['seclab.component']));
  const missing = plan.containers.filter((container) => !present.has(container.component)).map((container) => container.component);
  if (missing.length) return `its teardown was interrupted (${missing.join(', ')} gone)`;
  // Where network leaves go one at a time (remove-lab-objects.ts), a teardown cut short may leave a component
  // running but off the lab's network: present, yet no part of the lab. Only where the listing says both.
  const offNetwork = labContainers
    .filter((container) => container.networkMode === plan.network.name && container.networks !== undefined && !container.networks.includes(plan.network.name))
    .map((container) => container.labels['seclab.component']);
  return offNetwork.length ? `its teardown was interrupted (${offNetwork.join(', ')} off the lab's network)` : undefined;
}
