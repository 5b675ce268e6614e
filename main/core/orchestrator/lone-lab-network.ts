import type { LabPlan } from '../../../common/lab-plan.ts';
import type { LabObjects } from '../docker/docker-engine.ts';
import { isStandingNetworkProbe } from './one-shot-helpers.ts';

/**
 * Whether the lab's objects are its planned network and nothing else but standing probes on it:
 * what reset's teardown leaves (and a teardown stopped just before its last step). No component
 * runs on it and nothing on it holds data, so a new bring-up uses it instead of removing it and
 * making the same one again. A network of another subnet or labels, or beside a volume or any
 * other container, is no such network.
 */
export function isLonePlannedNetwork(objects: LabObjects, plan: LabPlan): boolean {
  if (objects.containers.some((container) => !isStandingNetworkProbe(container)) || objects.volumes.length || objects.networks.length !== 1) return false;
  const [network] = objects.networks;
  const labels = Object.entries(plan.network.labels);
  return (
    network.name === plan.network.name &&
    network.subnets.length === 1 &&
    network.subnets[0] === plan.network.subnet &&
    Object.keys(network.labels).length === labels.length &&
    labels.every(([key, value]) => network.labels[key] === value)
  );
}

/** What a reset's teardown and the bring-up after it say of the kept network (the demo lab says the same). */
export const KEPT_NETWORK_TEARDOWN_NOTE = 'the network is kept for the new lab';

export function keptNetworkDetail(network: { name: string; subnet: string }): string {
  return `${network.name} ${network.subnet} used again: no component runs on it`;
}
