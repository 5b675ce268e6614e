/** A container as the engine's list shows it (GET /containers/json): the fields that say which ports it publishes. */
export interface ListedContainer {
  Names?: string[];
  Labels?: Record<string, string>;
  Ports?: Array<{ IP?: string; PublicPort?: number; Type?: string }>;
}

const REACHES_LOOPBACK = new Set(['', '0.0.0.0', '::', '127.0.0.1']);

/** The ports (all, or the `wanted` ones) that running containers (other than `lab`'s own) publish on the host's loopback or every address. */
export function portsPublishedByContainers(containers: readonly ListedContainer[], wanted?: readonly number[], lab?: string): Map<number, string> {
  const busy = new Map<number, string>();
  // Podman lists a container that shares another's network stack (a standing probe in es01's) with that
  // container's ports: the port is named after the one that publishes it, never after a lab's helper.
  const helpersLast = [...containers].sort((a, b) => Number(Boolean(a.Labels?.['seclab.role'])) - Number(Boolean(b.Labels?.['seclab.role'])));
  for (const container of helpersLast) {
    if (lab !== undefined && container.Labels?.['seclab.lab'] === lab) continue;
    for (const port of container.Ports ?? []) {
      if (port.PublicPort === undefined || port.Type === 'udp' || !REACHES_LOOPBACK.has(port.IP ?? '') || (wanted && !wanted.includes(port.PublicPort))) continue;
      if (!busy.has(port.PublicPort)) busy.set(port.PublicPort, `container ${(container.Names?.[0] ?? 'unnamed').replace(/^\//, '')}`);
    }
  }
  return busy;
}
