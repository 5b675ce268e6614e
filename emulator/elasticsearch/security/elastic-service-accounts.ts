import type { IndexPrivilegeGroup, RoleDescriptor } from '../cluster/cluster-state.js';
import { kibanaSystemRole } from './builtin-roles.js';

/**
 * The built-in service accounts of ES 9.x and their role descriptors, as ElasticServiceAccounts.java declares them
 * (x-pack/plugin/security/src/main/java/org/elasticsearch/xpack/security/authc/service/ElasticServiceAccounts.java:
 * elastic/auto-ops, elastic/fleet-server, elastic/fleet-server-remote, elastic/kibana; enterprise-search-server is
 * gone in 9.x). Their descriptors carry no metadata, so they answer `"metadata": {}` — except elastic/kibana, whose
 * descriptor is kibana_system's (ReservedRolesStore.kibanaSystemRoleDescriptor, reserved metadata).
 */
export const SERVICE_ACCOUNT_NAMESPACE = 'elastic';

function serviceRole(cluster: string[], indices: IndexPrivilegeGroup[], applications: RoleDescriptor['applications'] = []): RoleDescriptor {
  return {
    cluster,
    indices: indices.map((group) => ({ allow_restricted_indices: false, ...group })),
    applications,
    run_as: [],
    metadata: {},
    transient_metadata: { enabled: true },
  };
}

const FLEET_MANAGED_INDEX_PRIVILEGES = ['read', 'write', 'monitor', 'create_index', 'auto_configure', 'maintenance'];
const CONNECTOR_INDEX_PRIVILEGES = [...FLEET_MANAGED_INDEX_PRIVILEGES, 'view_index_metadata'];

function autoOpsRole(): RoleDescriptor {
  return serviceRole(['monitor', 'read_ilm', 'read_slm'], [{ names: ['*'], privileges: ['monitor', 'view_index_metadata'], allow_restricted_indices: true }]);
}

function fleetServerRole(): RoleDescriptor {
  const fleetIndex = (name: string): IndexPrivilegeGroup => ({ names: [name], privileges: FLEET_MANAGED_INDEX_PRIVILEGES, allow_restricted_indices: true });
  return serviceRole(
    ['monitor', 'manage_own_api_key', 'read_fleet_secrets', 'cluster:admin/xpack/connector/*'],
    [
      {
        names: ['logs-*', 'metrics-*', 'traces-*', '.logs-endpoint.diagnostic.collection-*', '.logs-endpoint.action.responses-*', '.logs-endpoint.heartbeat-*'],
        privileges: ['write', 'create_index', 'auto_configure'],
      },
      { names: ['profiling-*'], privileges: ['read', 'write'] },
      { names: ['traces-apm.sampled-*'], privileges: ['read', 'monitor', 'maintenance'] },
      { names: ['.fleet-secrets*'], privileges: ['read'], allow_restricted_indices: true },
      fleetIndex('.fleet-actions*'),
      fleetIndex('.fleet-agents*'),
      fleetIndex('.fleet-artifacts*'),
      fleetIndex('.fleet-enrollment-api-keys*'),
      fleetIndex('.fleet-policies*'),
      fleetIndex('.fleet-policies-leader*'),
      fleetIndex('.fleet-servers*'),
      fleetIndex('.fleet-fileds*'),
      { names: ['synthetics-*'], privileges: ['read', 'write', 'create_index', 'auto_configure'] },
      { names: ['.elastic-connectors*'], privileges: CONNECTOR_INDEX_PRIVILEGES },
      { names: ['content-*', '.search-acl-filter-*'], privileges: CONNECTOR_INDEX_PRIVILEGES },
      { names: ['agentless-*'], privileges: CONNECTOR_INDEX_PRIVILEGES },
    ],
    [{ application: 'kibana-*', privileges: ['reserved_fleet-setup'], resources: ['*'] }],
  );
}

function fleetServerRemoteRole(): RoleDescriptor {
  return serviceRole(['monitor', 'manage_own_api_key'], [{ names: ['logs-*', 'metrics-*', 'traces-*'], privileges: ['write', 'create_index', 'auto_configure'] }]);
}

/** Principal → role descriptor, in principal order (ES keeps them in a HashMap; the emulator answers sorted). */
export const SERVICE_ACCOUNTS: Record<string, () => RoleDescriptor> = {
  'elastic/auto-ops': autoOpsRole,
  'elastic/fleet-server': fleetServerRole,
  'elastic/fleet-server-remote': fleetServerRemoteRole,
  'elastic/kibana': kibanaSystemRole,
};
