import type { LabPlan } from '../../../common/lab-plan.ts';
import { requireSecret, type LabSecrets } from '../lab-store/lab-secrets.ts';
import type { ElasticsearchClient } from './elasticsearch-client.ts';
import { responseStatusOf } from './elasticsearch-errors.ts';
import type { Observation } from '../orchestrator/wait-until.ts';
import { SAMPLE_INDEX } from './sample-index.ts';

export { SAMPLE_INDEX };

export async function observeClusterFormed(client: ElasticsearchClient, nodes: number): Promise<Observation<{ status: string; nodes: number }>> {
  try {
    const health = await client.cluster.health({ wait_for_nodes: String(nodes), timeout: '5s' });
    if (health.number_of_nodes >= nodes && health.status !== 'red') return { ready: true, value: { status: health.status, nodes: health.number_of_nodes } };
    return { ready: false, detail: `cluster ${health.status} with ${health.number_of_nodes} of ${nodes} nodes` };
  } catch (error) {
    const status = responseStatusOf(error);
    return { ready: false, detail: status ? `HTTP ${status}: ${(error as Error).message}` : (error as Error).message };
  }
}

/**
 * Through Elasticsearch's own security API, as `elastic`: Kibana's system user password, the
 * lab's roles and users, and a service-account token for Fleet Server (never the superuser). The
 * token is made right after the passwords and handed to `onFleetServerToken` at once, so Fleet
 * Server can start while the roles and users are written.
 */
export async function configureLabSecurity(
  client: ElasticsearchClient,
  plan: LabPlan,
  secrets: LabSecrets,
  tokenName: string,
  onFleetServerToken: (token: string) => void = () => undefined,
): Promise<{ fleetServerToken?: string }> {
  // Only es01 holds the bootstrap password (Elastic's recipe gives ELASTIC_PASSWORD to es01 only), which the reserved realm
  // uses until the security index has one: stored there, the same password is elastic's on every node.
  await client.security.changePassword({ username: 'elastic', password: requireSecret(secrets, 'elastic-password') });
  if (plan.containers.some((c) => c.kind === 'kibana')) {
    await client.security.changePassword({ username: 'kibana_system', password: requireSecret(secrets, 'kibana-system-password') });
  }
  let fleetServerToken: string | undefined;
  if (plan.containers.some((c) => c.kind === 'fleet-server')) {
    const created = await client.security.createServiceToken({ namespace: 'elastic', service: 'fleet-server', name: tokenName });
    fleetServerToken = created.token.value;
    onFleetServerToken(fleetServerToken);
  }
  for (const role of plan.roles) {
    await client.security.putRole({ name: role.name, ...roleBody(role) } as never);
  }
  for (const user of plan.users) {
    await client.security.putUser({ username: user.username, ...userBody(user, requireSecret(secrets, user.secret)) });
  }
  return { fleetServerToken };
}

/** PUT _security/role/<name>'s body (the Compose export sends the same one with curl). */
export function roleBody(role: LabPlan['roles'][number]) {
  return { cluster: role.cluster, indices: role.indices, description: role.description };
}

/** PUT _security/user/<username>'s body. */
export function userBody(user: LabPlan['users'][number], password: string) {
  return { password, roles: user.roles, full_name: user.description };
}

/** A few documents so the roles can be tried at once: the analyst reads them, the writer adds to them. As _bulk operations. */
export function sampleDataOperations(now: Date): object[] {
  const events = ['login succeeded for analyst', 'TLS handshake from es02 verified', 'denied write by analyst to lab-logs-sample', 'fleet-server checked in', 'agent01 enrolled'];
  return events.flatMap((message, index) => [
    { index: { _index: SAMPLE_INDEX, _id: String(index + 1) } },
    { '@timestamp': new Date(now.getTime() - (events.length - index) * 60_000).toISOString(), message, 'event.dataset': 'seclab.sample' },
  ]);
}

export async function indexSampleData(client: ElasticsearchClient, now: Date): Promise<void> {
  await client.bulk({ refresh: true, operations: sampleDataOperations(now) });
}
