import type { RoleDescriptor, IndexPrivilegeGroup } from '../cluster/cluster-state.js';

function role(cluster: string[], indices: IndexPrivilegeGroup[], applications: RoleDescriptor['applications'] = [], runAs: string[] = []): RoleDescriptor {
  return {
    cluster,
    indices: indices.map((group) => ({ allow_restricted_indices: false, ...group })),
    applications,
    run_as: runAs,
    metadata: { _reserved: true },
    transient_metadata: { enabled: true },
  };
}

/**
 * Reserved roles, close to ES's ReservedRolesStore / KibanaOwnedReservedRoleDescriptors (abridged: only the
 * privileges that matter on the emulated surface; application privileges are kept for GET /_security/role).
 */
export function kibanaSystemRole(): RoleDescriptor {
  return role(
    [
      'monitor',
      'manage_index_templates',
      'cluster:admin/xpack/monitoring/bulk',
      'manage_saml',
      'manage_token',
      'manage_oidc',
      'manage_enrich',
      'manage_pipeline',
      'manage_ilm',
      'manage_transform',
      'manage_api_key',
      'grant_api_key',
      'manage_ml',
      'cluster:admin/analyze',
      'monitor_text_structure',
      'cancel_task',
      'manage_own_api_key',
      'manage_service_account',
    ],
    [
      { names: ['.kibana*', '.reporting-*'], privileges: ['all'], allow_restricted_indices: true },
      { names: ['.monitoring-*'], privileges: ['read', 'read_cross_cluster'] },
      { names: ['.management-beats'], privileges: ['create_index', 'read', 'write'] },
      { names: ['.ml-anomalies*', '.ml-stats-*'], privileges: ['read'] },
      { names: ['.ml-annotations*', '.ml-notifications*'], privileges: ['read', 'write'] },
      { names: ['.apm-agent-configuration', '.apm-custom-link', '.apm-source-map'], privileges: ['all'], allow_restricted_indices: true },
      { names: ['apm-*', 'logs-*', 'metrics-*', 'traces-*', '.logs-endpoint.*'], privileges: ['read', 'read_cross_cluster', 'view_index_metadata'] },
      { names: ['.fleet-*'], privileges: ['all'], allow_restricted_indices: true },
      { names: ['logs-*', 'metrics-*', 'synthetics-*', 'traces-*', 'profiling-*'], privileges: ['create_index', 'auto_configure', 'write', 'delete', 'manage', 'maintenance', 'view_index_metadata'] },
      { names: ['.alerts*', '.internal.alerts*', '.preview.alerts*', '.internal.preview.alerts*'], privileges: ['all'] },
      { names: ['.lists-*', '.items-*'], privileges: ['all'] },
      { names: ['.siem-signals*'], privileges: ['all'] },
      { names: ['.logs-endpoint.diagnostic.collection-*'], privileges: ['read'] },
    ],
    [{ application: 'kibana-*', privileges: ['all'], resources: ['*'] }],
  );
}

export const BUILTIN_ROLES: Record<string, () => RoleDescriptor> = {
  superuser: () =>
    role(
      ['all'],
      [
        { names: ['*'], privileges: ['all'], allow_restricted_indices: false },
        { names: ['*'], privileges: ['monitor', 'read', 'view_index_metadata', 'read_cross_cluster'], allow_restricted_indices: true },
      ],
      [{ application: '*', privileges: ['*'], resources: ['*'] }],
      ['*'],
    ),
  kibana_system: kibanaSystemRole,
  kibana_admin: () => role([], [], [{ application: 'kibana-.kibana', privileges: ['all'], resources: ['*'] }]),
  kibana_user: () => role([], [], [{ application: 'kibana-.kibana', privileges: ['all'], resources: ['*'] }]),
  viewer: () => role([], [{ names: ['*'], privileges: ['read', 'view_index_metadata'] }], [{ application: 'kibana-.kibana', privileges: ['read'], resources: ['*'] }]),
  editor: () =>
    role(
      [],
      [
        { names: ['*'], privileges: ['read', 'view_index_metadata'] },
        { names: ['observability-annotations', '.alerts*', '.internal.alerts*', '.preview.alerts*', '.internal.preview.alerts*'], privileges: ['read', 'view_index_metadata', 'write', 'maintenance'] },
      ],
      [{ application: 'kibana-.kibana', privileges: ['all'], resources: ['*'] }],
    ),
  monitoring_user: () =>
    role(
      ['cluster:monitor/main', 'cluster:monitor/xpack/info'],
      [{ names: ['.monitoring-*'], privileges: ['read', 'read_cross_cluster'] }],
      [{ application: 'kibana-.kibana', privileges: ['reserved_monitoring'], resources: ['*'] }],
    ),
  logstash_system: () => role(['monitor', 'cluster:admin/xpack/monitoring/bulk'], []),
  beats_system: () => role(['monitor', 'cluster:admin/xpack/monitoring/bulk'], [{ names: ['.monitoring-beats-*'], privileges: ['create_index', 'create_doc'] }]),
  apm_system: () => role(['monitor', 'cluster:admin/xpack/monitoring/bulk'], [{ names: ['.monitoring-beats-*'], privileges: ['create_index', 'create_doc'] }]),
  remote_monitoring_agent: () =>
    role(
      ['manage_index_templates', 'manage_ingest_pipelines', 'monitor', 'cluster:monitor/xpack/watcher/watch/get', 'cluster:admin/xpack/watcher/watch/put', 'cluster:admin/xpack/watcher/watch/delete'],
      [
        { names: ['.monitoring-*'], privileges: ['all'] },
        { names: ['metricbeat-*'], privileges: ['index', 'create_index', 'view_index_metadata', 'indices:admin/aliases'] },
      ],
    ),
  remote_monitoring_collector: () =>
    role(
      ['monitor'],
      [
        { names: ['*'], privileges: ['monitor'], allow_restricted_indices: true },
        { names: ['.kibana*'], privileges: ['read'], allow_restricted_indices: true },
      ],
    ),
  ingest_admin: () => role(['manage_index_templates', 'manage_pipeline'], []),
  snapshot_user: () => role(['create_snapshot', 'monitor_snapshot'], [{ names: ['*'], privileges: ['view_index_metadata'], allow_restricted_indices: true }]),
  logstash_admin: () => role(['manage_logstash_pipelines'], [{ names: ['.logstash*'], privileges: ['create', 'delete', 'index', 'manage', 'read'], allow_restricted_indices: true }]),
};

export function builtinRole(name: string): RoleDescriptor | undefined {
  return BUILTIN_ROLES[name]?.();
}

/** Reserved users (ES ReservedRealm); only `elastic` can authenticate before its password is set, via bootstrap.password. */
export const RESERVED_USERS: Record<string, { roles: string[]; deprecated?: string }> = {
  elastic: { roles: ['superuser'] },
  kibana: { roles: ['kibana_system'], deprecated: 'Please use the [kibana_system] user instead.' },
  kibana_system: { roles: ['kibana_system'] },
  logstash_system: { roles: ['logstash_system'] },
  beats_system: { roles: ['beats_system'] },
  apm_system: { roles: ['apm_system'] },
  remote_monitoring_user: { roles: ['remote_monitoring_collector', 'remote_monitoring_agent'] },
};
