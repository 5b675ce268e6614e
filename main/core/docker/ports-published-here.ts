import Docker from 'dockerode';
import type { CoreEnvironment } from '../environment.ts';
import { portsPublishedByContainers, type ListedContainer } from './container-ports.ts';
import type { DockerEngine } from './docker-engine.ts';

/** How long another engine's socket may take to list its containers before it is left out. */
const OTHER_ENGINE_TIMEOUT_MS = 2000;

/**
 * The loopback ports that containers of this machine's engines publish, each with its holder: the
 * engine seclab uses, and every other engine socket found here (Docker's, Podman's). A bind test on
 * 127.0.0.1 cannot see all of them: rootful Podman forwards a published port with netavark's iptables
 * rules alone, holding no socket, so the port binds fine here while connections to it go to Podman's
 * container, ahead of Docker's own rules. A lab given such a port is never reached ("ECONNREFUSED
 * 127.0.0.1:9200" until its wait times out). For a remote engine its host's ports are checked on
 * the engine (engine-host-ports.ts), so this answers nothing.
 */
/** `exceptLab`: that lab's own containers on the chosen engine are not holders (a lab started again keeps its ports). */
export async function portsPublishedHere(environment: CoreEnvironment, engine: DockerEngine, exceptLab?: string): Promise<Map<number, string>> {
  if (engine.publishedPorts.kind !== 'local') return new Map();
  const chosen = engine.info?.address;
  const others = (environment.engineSelection?.options() ?? []).map((option) => option.address).filter((address) => address.startsWith('unix://') && address !== chosen);
  const lists = await Promise.all([
    listRunning(engine.docker, '', exceptLab),
    ...others.map((address) => listRunning(new Docker({ socketPath: address.slice('unix://'.length), timeout: OTHER_ENGINE_TIMEOUT_MS }), ` on ${address}`)),
  ]);
  const held = new Map<number, string>();
  for (const holders of lists) for (const [port, holder] of holders) if (!held.has(port)) held.set(port, holder);
  return held;
}

/** An engine that can't be asked (stopped, no permission) holds nothing we can name: a bind test is all there is. */
async function listRunning(docker: Docker, where: string, exceptLab?: string): Promise<Map<number, string>> {
  try {
    const containers = (await docker.listContainers({ all: false })) as ListedContainer[];
    return new Map([...portsPublishedByContainers(containers, undefined, exceptLab)].map(([port, holder]) => [port, `${holder}${where}`]));
  } catch {
    return new Map();
  }
}
