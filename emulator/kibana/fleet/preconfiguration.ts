import type { KibanaConfig } from '../config';
import type { Logger } from '../logger';
import type { FleetService } from './fleet-service';
import type { EnrollmentKeyService } from './enrollment-keys';

/**
 * `xpack.fleet.outputs`, `xpack.fleet.fleetServerHosts` and `xpack.fleet.agentPolicies` from kibana.yml,
 * applied at startup like Fleet's preconfiguration (x-pack/plugins/fleet/server/services/preconfiguration):
 * missing objects are created with `is_preconfigured: true`; existing ones are left alone.
 */
export async function applyFleetPreconfiguration(preconfigured: KibanaConfig['fleet'], fleet: FleetService, enrollmentKeys: EnrollmentKeyService, logger: Logger): Promise<void> {
  const { outputs, fleetServerHostObjects: hosts, agentPolicies: policies } = preconfigured;
  if (outputs.length + hosts.length + policies.length === 0) return;

  await fleet.setup();
  for (const output of outputs) {
    const id = typeof output.id === 'string' ? output.id : undefined;
    if (id && (await fleet.getOutput(id))) continue;
    await fleet.saveOutput(id, output, undefined, true);
  }
  const existingHosts = await fleet.listFleetServerHosts();
  for (const host of hosts) {
    if (existingHosts.some((h) => h.id === host.id)) continue;
    await fleet.createFleetServerHost(host, true);
  }
  for (const policy of policies) {
    const id = typeof policy.id === 'string' ? policy.id : undefined;
    if (id && (await fleet.getAgentPolicy(id))) continue;
    const packages = Array.isArray(policy.package_policies) ? policy.package_policies : [];
    const hasFleetServer = policy.has_fleet_server === true || policy.is_default_fleet_server === true || packages.some((p) => (p as { package?: { name?: string } })?.package?.name === 'fleet_server');
    const created = await fleet.createAgentPolicy({ ...policy, has_fleet_server: hasFleetServer }, 'system', false, true);
    await enrollmentKeys.create(created.id);
  }
  logger.info('Fleet preconfiguration applied');
}
