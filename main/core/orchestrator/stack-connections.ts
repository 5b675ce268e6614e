import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabPlan } from '../../../common/lab-plan.ts';
import { requireSecret, type LabSecrets } from '../lab-store/lab-secrets.ts';
import type { KibanaConnection } from '../stack/kibana-fleet-setup.ts';

/** How seclab reaches a lab's services from the host, verifying the lab CA. */
export interface StackConnections {
  caPem: string;
  elasticsearchUrl: string;
  kibana?: KibanaConnection;
  fleetServerUrl?: string;
}

export function stackConnections(plan: LabPlan, certsDir: string, secrets: LabSecrets): StackConnections {
  const caPem = readFileSync(join(certsDir, 'ca', 'ca.crt'), 'utf8');
  return {
    caPem,
    // Through the published ports on loopback; the certificates carry 127.0.0.1.
    elasticsearchUrl: plan.endpoints.elasticsearch.replace('localhost', '127.0.0.1'),
    kibana: plan.endpoints.kibana ? { url: plan.endpoints.kibana.replace('localhost', '127.0.0.1'), caPem, username: 'lab_admin', password: requireSecret(secrets, 'lab-admin-password') } : undefined,
    fleetServerUrl: plan.endpoints.fleetServer?.replace('localhost', '127.0.0.1'),
  };
}
