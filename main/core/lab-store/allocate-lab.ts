import { createServer } from 'node:net';
import type { LabSpec } from '../../../common/lab-spec.ts';
import { DEFAULT_HOST_PORTS } from '../../../common/lab-spec.ts';
import { LAB_SUBNET_PREFIX, MAX_LAB_SUBNETS, type LabAllocation } from '../planner/lab-addresses.ts';
import type { LabRecord } from './lab-records.ts';
import { SeclabError } from '../../../common/errors.ts';
import type { PortClaims } from './port-claims.ts';

export interface AllocationContext {
  /** Labs already recorded in SECLAB_HOME (the lab being allocated may be among them). */
  labs: LabRecord[];
  /** Subnets (CIDR) the Docker engine already uses, when it can be asked. */
  engineSubnets: string[];
  isPortFree: (port: number) => Promise<boolean>;
  /** For an up: the ports it chooses are claimed against other ups at the same moment (port-claims.ts). */
  claims?: PortClaims;
}

export function isLoopbackPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function subnetIndexTakenByEngine(index: number, engineSubnets: string[]): boolean {
  return engineSubnets.some((subnet) => subnet.startsWith(`${LAB_SUBNET_PREFIX}.${index}.`) || subnet === `${LAB_SUBNET_PREFIX}.0.0/16`);
}

/**
 * A lab keeps its subnet and ports for life (they are in its record); a new lab takes the
 * first /24 and the first ports at or above the defaults that no other lab and no other
 * program holds.
 */
export async function allocateLab(spec: LabSpec, context: AllocationContext): Promise<LabAllocation> {
  const own = context.labs.find((record) => record.spec.name === spec.name);
  const others = context.labs.filter((record) => record.spec.name !== spec.name);
  if (own) {
    // What the engine granted and where the images came from stay as recorded; ports may be chosen again.
    return {
      ...own.allocation,
      ports: {
        elasticsearch: spec.ports.elasticsearch ?? own.allocation.ports.elasticsearch,
        kibana: spec.ports.kibana ?? own.allocation.ports.kibana,
        fleetServer: spec.ports.fleetServer ?? own.allocation.ports.fleetServer,
      },
    };
  }
  const takenSubnets = new Set(others.map((record) => record.allocation.subnetIndex));
  let subnetIndex = 0;
  for (let index = 1; index <= MAX_LAB_SUBNETS; index++) {
    if (!takenSubnets.has(index) && !subnetIndexTakenByEngine(index, context.engineSubnets)) {
      subnetIndex = index;
      break;
    }
  }
  if (subnetIndex === 0) {
    throw new SeclabError('NO_FREE_SUBNET', `every lab subnet in ${LAB_SUBNET_PREFIX}.0.0/16 is in use: remove a lab with \`seclab down --lab NAME\``);
  }
  const takenPorts = new Set(others.flatMap((record) => Object.values(record.allocation.ports)));
  const chosen = new Set<number>();
  async function pick(component: keyof typeof DEFAULT_HOST_PORTS): Promise<number> {
    const requested = spec.ports[component];
    if (requested !== undefined) {
      if (takenPorts.has(requested)) {
        const holder = others.find((record) => Object.values(record.allocation.ports).includes(requested));
        throw new SeclabError('PORT_TAKEN', `ports.${component}: ${requested} belongs to lab "${holder?.spec.name}": choose another port or leave it out to get a free one`);
      }
      if (context.claims && !context.claims.claim(requested)) {
        const holder = context.claims.holder(requested);
        throw new SeclabError('PORT_TAKEN', `ports.${component}: ${requested} is being taken by \`seclab up\` of lab "${holder?.lab}" (pid ${holder?.pid}): choose another port or leave it out to get a free one`);
      }
      chosen.add(requested);
      return requested;
    }
    for (let port = DEFAULT_HOST_PORTS[component]; port < DEFAULT_HOST_PORTS[component] + 100; port++) {
      if (takenPorts.has(port) || chosen.has(port) || context.claims?.holder(port)) continue;
      if ((await context.isPortFree(port)) && (context.claims?.claim(port) ?? true)) {
        chosen.add(port);
        return port;
      }
    }
    throw new SeclabError('NO_FREE_PORT', `no free port near ${DEFAULT_HOST_PORTS[component]} for ${component}: free one or pass --port-${component}`);
  }
  return { subnetIndex, ports: { elasticsearch: await pick('elasticsearch'), kibana: await pick('kibana'), fleetServer: await pick('fleetServer') } };
}
