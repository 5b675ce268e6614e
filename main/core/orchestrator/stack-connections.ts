import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabPlan } from '../../../common/lab-plan.ts';
import { requireSecret, type LabSecrets } from '../lab-store/lab-secrets.ts';
import type { KibanaConnection } from '../stack/kibana-fleet-setup.ts';
import type { DockerEngine } from '../docker/docker-engine.ts';

/** How seclab reaches a lab's services from this machine, verifying the lab CA. */
export interface StackConnections {
  caPem: string;
  elasticsearchUrl: string;
  kibana?: KibanaConnection;
  fleetServerUrl?: string;
}

/**
 * `localPort`: where this machine reaches a port published on the engine host's 127.0.0.1 — the same
 * port for a local engine, an SSH tunnel's for an ssh:// one (PublishedPortAccess.local, once opened).
 */
export function stackConnections(plan: LabPlan, certsDir: string, secrets: LabSecrets, localPort: (port: number) => number = (port) => port): StackConnections {
  const caPem = readFileSync(join(certsDir, 'ca', 'ca.crt'), 'utf8');
  // Through the published ports on loopback; the certificates carry 127.0.0.1.
  const here = (endpoint: string) => {
    const url = new URL(endpoint);
    url.hostname = '127.0.0.1';
    url.port = String(localPort(Number(url.port)));
    return url.origin;
  };
  return {
    caPem,
    elasticsearchUrl: here(plan.endpoints.elasticsearch),
    kibana: plan.endpoints.kibana ? { url: here(plan.endpoints.kibana), caPem, username: 'lab_admin', password: requireSecret(secrets, 'lab-admin-password') } : undefined,
    fleetServerUrl: plan.endpoints.fleetServer ? here(plan.endpoints.fleetServer) : undefined,
  };
}

/** The ports the lab publishes on its engine host's 127.0.0.1. */
export const publishedHostPorts = (plan: LabPlan): number[] => plan.containers.flatMap((container) => container.ports.map((port) => port.hostPort));

/** stackConnections through whatever reaches the engine host's ports from here (an SSH tunnel for ssh:// engines), opened first. */
export async function reachableStackConnections(engine: DockerEngine, plan: LabPlan, certsDir: string, secrets: LabSecrets): Promise<StackConnections> {
  await engine.publishedPorts.open(publishedHostPorts(plan));
  return stackConnections(plan, certsDir, secrets, (port) => engine.publishedPorts.local(port));
}
