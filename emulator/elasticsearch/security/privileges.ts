import type { IndexPrivilegeGroup, RoleDescriptor } from '../cluster/cluster-state.js';

/**
 * Which named privileges grant an action, in the order ES lists them in its 403 message
 * ("this action is granted by the index privileges [create_doc,create,index,write,all]").
 * Source: research/api-contract.md §1.4 table (ES AuthorizationDenialMessages + IndexPrivilege/ClusterPrivilegeResolver).
 */
export const INDEX_ACTION_GRANTED_BY: Record<string, string[]> = {
  'indices:data/write/index': ['create_doc', 'create', 'index', 'write', 'all'],
  'indices:data/write/bulk[s]': ['create_doc', 'create', 'delete', 'index', 'write', 'all'],
  'indices:data/write/delete': ['delete', 'write', 'all'],
  'indices:data/write/update': ['index', 'write', 'all'],
  'indices:data/read/get': ['read', 'all'],
  'indices:data/read/search': ['read', 'all'],
  'indices:admin/create': ['create_index', 'manage', 'all'],
  'indices:admin/auto_create': ['auto_configure', 'create_index', 'manage', 'all'],
  'indices:admin/delete': ['delete_index', 'manage', 'all'],
  'indices:admin/get': ['view_index_metadata', 'manage', 'all'],
  'indices:admin/refresh': ['maintenance', 'manage', 'all'],
  'indices:monitor/stats': ['monitor', 'manage', 'all'],
  // IndexPrivilege: aliases and open/close under manage; reading aliases and health under view_index_metadata / monitor.
  'indices:admin/aliases': ['manage', 'all'],
  'indices:admin/aliases/get': ['view_index_metadata', 'manage', 'all'],
  'indices:admin/close': ['manage', 'all'],
  'indices:admin/open': ['manage', 'all'],
  'indices:data/read/mget[shard]': ['read', 'all'],
};

export const CLUSTER_ACTION_GRANTED_BY: Record<string, string[]> = {
  'cluster:monitor/main': ['monitor', 'manage', 'all'],
  'cluster:monitor/health': ['monitor', 'manage', 'all'],
  'cluster:monitor/nodes/info': ['monitor', 'manage', 'all'],
  'cluster:monitor/state': ['monitor', 'manage', 'all'],
  'cluster:monitor/xpack/info': ['monitor', 'manage', 'all'],
  'cluster:monitor/xpack/usage': ['monitor', 'manage', 'all'],
  'cluster:monitor/xpack/license/get': ['monitor', 'manage', 'all'],
  'cluster:monitor/xpack/ssl/certificates/get': ['monitor', 'manage', 'all'],
  'cluster:admin/settings/update': ['manage', 'all'],
  'cluster:admin/xpack/license/start_trial': ['manage', 'all'],
  'cluster:admin/xpack/license/start_basic': ['manage', 'all'],
  'cluster:admin/xpack/security/user/put': ['manage_security', 'all'],
  'cluster:admin/xpack/security/user/delete': ['manage_security', 'all'],
  'cluster:admin/xpack/security/user/get': ['read_security', 'manage_security', 'all'],
  'cluster:admin/xpack/security/user/change_password': ['manage_security', 'all'],
  'cluster:admin/xpack/security/user/set_enabled': ['manage_security', 'all'],
  'cluster:admin/xpack/security/role/put': ['manage_security', 'all'],
  'cluster:admin/xpack/security/role/delete': ['manage_security', 'all'],
  'cluster:admin/xpack/security/role/get': ['read_security', 'manage_security', 'all'],
  'cluster:admin/xpack/security/api_key/create': ['manage_own_api_key', 'manage_api_key', 'manage_security', 'all'],
  'cluster:admin/xpack/security/api_key/get': ['manage_own_api_key', 'read_security', 'manage_api_key', 'manage_security', 'all'],
  'cluster:admin/xpack/security/api_key/invalidate': ['manage_own_api_key', 'manage_api_key', 'manage_security', 'all'],
  'cluster:admin/xpack/security/service_account/get': ['read_security', 'manage_service_account', 'manage_security', 'all'],
  'cluster:admin/xpack/security/service_account/credential/get': ['read_security', 'manage_service_account', 'manage_security', 'all'],
  'cluster:admin/xpack/security/service_account/token/create': ['manage_service_account', 'manage_security', 'all'],
  'cluster:admin/xpack/security/service_account/token/delete': ['manage_service_account', 'manage_security', 'all'],
  // ClusterPrivilegeResolver.VALUES, in its sortByAccessLevel order (fewest implied privileges first, then by name).
  'cluster:admin/xpack/security/api_key/grant': ['grant_api_key', 'manage_api_key', 'manage_security', 'all'],
  'cluster:admin/xpack/security/api_key/update': ['manage_own_api_key', 'manage_api_key', 'manage_security', 'all'],
  'cluster:admin/xpack/security/api_key/bulk_update': ['manage_own_api_key', 'manage_api_key', 'manage_security', 'all'],
  'cluster:admin/xpack/security/api_key/query': ['manage_own_api_key', 'read_security', 'manage_api_key', 'manage_security', 'all'],
  'cluster:admin/xpack/security/token/create': ['manage_token', 'manage_security', 'all'],
  'cluster:admin/xpack/security/token/refresh': ['manage_saml', 'manage_token', 'manage_security', 'all'],
  'cluster:admin/xpack/security/token/invalidate': ['delegate_pki', 'manage_saml', 'manage_token', 'manage_security', 'all'],
  'cluster:admin/xpack/security/privilege/put': ['manage_security', 'all'],
  'cluster:admin/xpack/security/privilege/delete': ['manage_security', 'all'],
  'cluster:admin/xpack/security/privilege/get': ['read_security', 'manage_security', 'all'],
  'cluster:admin/xpack/security/privilege/builtin/get': ['read_security', 'manage_security', 'all'],
  'cluster:admin/xpack/security/privilege/cache/clear': ['manage_security', 'all'],
  // ClusterPrivilegeResolver: role mappings under manage_security (read_security reads them), profiles under manage_user_profile.
  'cluster:admin/xpack/security/role_mapping/put': ['manage_security', 'all'],
  'cluster:admin/xpack/security/role_mapping/delete': ['manage_security', 'all'],
  'cluster:admin/xpack/security/role_mapping/get': ['read_security', 'manage_security', 'all'],
  'cluster:admin/xpack/security/user/query': ['read_security', 'manage_security', 'all'],
  'cluster:admin/xpack/security/role/query': ['read_security', 'manage_security', 'all'],
  'cluster:admin/xpack/security/role/bulk_put': ['manage_security', 'all'],
  'cluster:admin/xpack/security/role/bulk_delete': ['manage_security', 'all'],
  'cluster:admin/xpack/security/profile/activate': ['manage_user_profile', 'manage_security', 'all'],
  'cluster:admin/xpack/security/profile/get': ['read_security', 'manage_user_profile', 'manage_security', 'all'],
  'cluster:admin/xpack/security/profile/put/data': ['manage_user_profile', 'manage_security', 'all'],
  'cluster:admin/xpack/security/profile/set_enabled': ['manage_user_profile', 'manage_security', 'all'],
  'cluster:admin/xpack/security/profile/suggest': ['read_security', 'manage_user_profile', 'manage_security', 'all'],
  'cluster:admin/xpack/security/profile/has_privileges': ['read_security', 'manage_user_profile', 'manage_security', 'all'],
};

/**
 * The named privileges that grant an action for this request (ClusterPrivilegeResolver.findPrivilegesThatGrant):
 * manage_own_api_key only counts when the request touches the caller's own API keys.
 */
export function clusterPrivilegesThatGrant(action: string, context: ClusterRequestContext = {}): string[] {
  const named = CLUSTER_ACTION_GRANTED_BY[action] ?? ['all'];
  return context.ownApiKeysOnly ? named : named.filter((privilege) => privilege !== 'manage_own_api_key');
}

/** Actions any authenticated user may run on itself. */
export const SELF_ACTIONS = new Set(['cluster:admin/xpack/security/user/authenticate']);

export function wildcardToRegExp(pattern: string): RegExp {
  if (pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/')) return new RegExp(`^(?:${pattern.slice(1, -1)})$`);
  return new RegExp(
    '^' +
      pattern
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
  );
}

export function matchesPattern(pattern: string, value: string): boolean {
  return wildcardToRegExp(pattern).test(value);
}

/**
 * Restricted indices hold security and system data; a role needs `allow_restricted_indices: true` to reach
 * them (ES RestrictedIndices: .security*, plus system indices registered by plugins such as Kibana and Fleet).
 */
const RESTRICTED_INDEX_PATTERNS = [
  '.security*',
  '.kibana*',
  '.fleet-*',
  '.tasks*',
  '.async-search*',
  '.apm-agent-configuration',
  '.apm-custom-link',
  '.apm-source-map',
  '.reporting-*',
  '.transform-internal-*',
  '.ml-config',
  '.ml-inference-*',
  '.geoip_databases',
  '.logstash*',
  '.synonyms*',
  '.ent-search*',
];

export function isRestrictedIndex(name: string): boolean {
  return RESTRICTED_INDEX_PATTERNS.some((pattern) => matchesPattern(pattern, name));
}

export interface ClusterRequestContext {
  /** True when the request touches only the caller's own API keys (what manage_own_api_key allows). */
  ownApiKeysOnly?: boolean;
  /** Applications an application-privilege request names (what a role's global `application.manage` may grant). */
  applications?: string[];
}

/**
 * ConfigurableClusterPrivileges.ManageApplicationPrivileges: `global: {application: {manage: {applications: [...]}}}`
 * grants cluster:admin/xpack/security/privilege/* when every application of the request matches a pattern.
 */
function globalApplicationManageGrants(role: RoleDescriptor, action: string, context: ClusterRequestContext): boolean {
  const patterns = role.global?.application?.manage?.applications;
  if (!patterns || !context.applications || !action.startsWith('cluster:admin/xpack/security/privilege/')) return false;
  if (action === 'cluster:admin/xpack/security/privilege/builtin/get') return false;
  return context.applications.every((application) => patterns.some((pattern) => matchesPattern(pattern, application)));
}

function clusterPrivilegeGrants(privilege: string, action: string, context: ClusterRequestContext): boolean {
  if (privilege.startsWith('cluster:')) return matchesPattern(privilege, action);
  if (privilege === 'manage_own_api_key' && !context.ownApiKeysOnly) return false;
  return (CLUSTER_ACTION_GRANTED_BY[action] ?? ['all']).includes(privilege);
}

export function rolesGrantClusterAction(roles: RoleDescriptor[], action: string, context: ClusterRequestContext = {}): boolean {
  return roles.some((role) => role.cluster.some((privilege) => clusterPrivilegeGrants(privilege, action, context)) || globalApplicationManageGrants(role, action, context));
}

export interface IndexRequestContext {
  /** `create` when a document index request must not overwrite (what create/create_doc allow). */
  opType?: 'index' | 'create';
}

function indexPrivilegeGrants(privilege: string, action: string, context: IndexRequestContext): boolean {
  if (privilege.startsWith('indices:')) return matchesPattern(privilege, action);
  if ((privilege === 'create' || privilege === 'create_doc') && action === 'indices:data/write/index') return context.opType === 'create';
  return (INDEX_ACTION_GRANTED_BY[action] ?? ['all']).includes(privilege);
}

export function groupGrants(group: IndexPrivilegeGroup, index: string, action: string, context: IndexRequestContext): boolean {
  if (isRestrictedIndex(index) && !group.allow_restricted_indices) return false;
  if (!group.names.some((pattern) => matchesPattern(pattern, index))) return false;
  return group.privileges.some((privilege) => indexPrivilegeGrants(privilege, action, context));
}

export function rolesGrantIndexAction(roles: RoleDescriptor[], index: string, action: string, context: IndexRequestContext = {}): boolean {
  return roles.some((role) => role.indices.some((group) => groupGrants(group, index, action, context)));
}

/** Named privileges that include others (ES ClusterPrivilegeResolver / IndexPrivilege), for _has_privileges. */
const CLUSTER_PRIVILEGE_IMPLIED_BY: Record<string, string[]> = {
  monitor: ['manage', 'all'],
  manage: ['all'],
  read_security: ['manage_security', 'all'],
  manage_security: ['all'],
  manage_own_api_key: ['manage_api_key', 'manage_security', 'all'],
  manage_api_key: ['manage_security', 'all'],
  manage_service_account: ['manage_security', 'all'],
  manage_user_profile: ['manage_security', 'all'],
  manage_token: ['manage_security', 'all'],
  grant_api_key: ['manage_api_key', 'manage_security', 'all'],
};

const INDEX_PRIVILEGE_IMPLIED_BY: Record<string, string[]> = {
  read: ['all'],
  write: ['all'],
  index: ['write', 'all'],
  create: ['index', 'write', 'all'],
  create_doc: ['create', 'index', 'write', 'all'],
  delete: ['write', 'all'],
  create_index: ['manage', 'all'],
  delete_index: ['manage', 'all'],
  view_index_metadata: ['manage', 'all'],
  monitor: ['manage', 'all'],
  maintenance: ['manage', 'all'],
  auto_configure: ['manage', 'all'],
  manage: ['all'],
  all: [],
};

export function rolesHaveClusterPrivilege(roles: RoleDescriptor[], privilege: string): boolean {
  if (privilege.startsWith('cluster:')) return rolesGrantClusterAction(roles, privilege, { ownApiKeysOnly: true });
  const granting = [privilege, ...(CLUSTER_PRIVILEGE_IMPLIED_BY[privilege] ?? ['all'])];
  return roles.some((role) => role.cluster.some((held) => granting.includes(held)));
}

export function rolesHaveIndexPrivilege(roles: RoleDescriptor[], index: string, privilege: string): boolean {
  if (privilege.startsWith('indices:')) return rolesGrantIndexAction(roles, index, privilege, { opType: 'create' });
  const granting = [privilege, ...(INDEX_PRIVILEGE_IMPLIED_BY[privilege] ?? ['all'])];
  return roles.some((role) =>
    role.indices.some(
      (group) => (!isRestrictedIndex(index) || group.allow_restricted_indices) && group.names.some((pattern) => matchesPattern(pattern, index)) && group.privileges.some((held) => granting.includes(held)),
    ),
  );
}
