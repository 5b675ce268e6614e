import type { DockerEngine, LabObjects } from '../docker/docker-engine.ts';
import { isOneShotHelper, isStandingNetworkProbe } from './one-shot-helpers.ts';

type LabContainer = LabObjects['containers'][number];

/** A probe started by a watcher while teardown runs joins the lab's network: look again before the network goes. */
const TEARDOWN_PASSES = 3;

export interface RemovedObjects {
  /** The lab's components only: one-shot helpers (probes, keystore tools) go too, uncounted. */
  containers: number;
  volumes: number;
  networks: number;
}

/**
 * Removes every container, volume and network that carries this lab's label — found by the
 * label, never by name. Teardown and the rebuild of an interrupted bring-up both use it.
 * `keepNetworks` (reset's teardown) keeps the networks, and `keepNetworkProbes` the standing probes on
 * them (isStandingNetworkProbe): the bring-up after it uses both again instead of making them anew.
 */
export async function removeLabObjects(
  engine: DockerEngine,
  lab: string,
  onComponentRemoved: (component: string) => void = () => undefined,
  { keepNetworks = false, keepNetworkProbes = false }: { keepNetworks?: boolean; keepNetworkProbes?: boolean } = {},
): Promise<RemovedObjects> {
  const toRemove = (objects: LabObjects) => objects.containers.filter((container) => !(keepNetworks && keepNetworkProbes && isStandingNetworkProbe(container)));
  let objects = await engine.labObjects(lab);
  let containers = toRemove(objects);
  let removedContainers = 0;
  const leavesOneAtATime = await engine.concurrentNetworkLeavesMayDeadlock();
  const removeNetworks = async (networks: LabObjects['networks']) => {
    for (const network of networks) await engine.removeNetwork(network.id);
    return networks.length;
  };
  // Where the containers leave the network one at a time, it goes once the last has left, beside their removals.
  let networksRemoved: Promise<number> | undefined;
  for (let pass = 0; containers.length > 0 && pass < TEARDOWN_PASSES; pass++) {
    // On such an engine (docker-engine.ts, concurrentNetworkLeavesMayDeadlock) the containers with an endpoint of their
    // own leave the lab's network one at a time, while they run; each one's removal, whose exit then has no endpoint
    // to release, begins as soon as it is off, beside the next one's leave.
    // The components first: a teardown cut short leaves a lab that `up` sees is not whole, not one without its probes.
    const leaveOrder = [...containers.filter((c) => !isOneShotHelper(c)), ...containers.filter((c) => isOneShotHelper(c))];
    const offNetwork = leavesOneAtATime ? detachOneAtATime(engine, leaveOrder.filter(hasOwnEndpoint)) : new Map<LabContainer, Promise<void>>();
    if (leavesOneAtATime && !keepNetworks && !networksRemoved) {
      // Teardown holds the lab's lock, so no network of the lab is made meanwhile: the first listing has them all.
      const firstNetworks = objects.networks;
      networksRemoved = Promise.all(offNetwork.values()).then(() => removeNetworks(firstNetworks));
      // Awaited once the containers are gone; a failure before then must not count as unhandled meanwhile.
      networksRemoved.catch(() => undefined);
    }
    const removeOnceOff = async (container: LabContainer) => {
      await offNetwork.get(container);
      await engine.removeContainer(container.id);
    };
    const helpers = containers.filter((container) => isOneShotHelper(container));
    const helpersRemoved = new Map(helpers.map((helper) => [helper, removeOnceOff(helper)]));
    await Promise.all([
      ...helpersRemoved.values(),
      ...containers
        .filter((container) => !isOneShotHelper(container))
        .map(async (container) => {
          // Podman refuses to remove a container another one shares the network stack of ("has dependent
          // containers which must be removed before it"), as es01's standing probe does. A component is removed
          // after the helpers in its stack, and after every helper where the listing does not say (Podman's);
          // it is killed meanwhile, which needs no order and is most of a removal's work.
          const dependents = helpers.filter((helper) => mayShareStackOf(helper, container));
          if (dependents.length > 0) {
            const killed = (offNetwork.get(container) ?? Promise.resolve()).then(() => engine.killContainer(container.id));
            await Promise.all([killed, ...dependents.map((helper) => helpersRemoved.get(helper))]);
          }
          await removeOnceOff(container);
          removedContainers += 1;
          onComponentRemoved(container.labels['seclab.component'] ?? container.name);
        }),
    ]);
    objects = await engine.labObjects(lab);
    containers = toRemove(objects);
  }
  // The last look found no container (or the passes ran out): its volumes and networks are what is left, and
  // neither waits for the other.
  const rest = objects;
  const [, networks] = await Promise.all([Promise.all(rest.volumes.map((volume) => engine.removeVolume(volume.name))), keepNetworks ? 0 : (networksRemoved ?? removeNetworks(rest.networks))]);
  return { containers: removedContainers, volumes: rest.volumes.length, networks };
}

/** Each container taken off its networks once the one before it is (the first at once): when each is off. */
function detachOneAtATime(engine: DockerEngine, containers: LabContainer[]): Map<LabContainer, Promise<void>> {
  let previous = Promise.resolve();
  return new Map(
    containers.map((container) => {
      previous = previous.then(() => engine.detachFromNetworks(container.id));
      return [container, previous];
    }),
  );
}

/** Running with an endpoint of its own (not in another container's network stack, not without a network). */
function hasOwnEndpoint(container: LabContainer): boolean {
  return container.state === 'running' && container.networkMode !== 'none' && !container.networkMode?.startsWith('container:');
}

function mayShareStackOf(helper: LabContainer, container: LabContainer): boolean {
  return helper.networkMode === undefined || helper.networkMode === `container:${container.id}` || helper.networkMode === `container:${container.name}`;
}
