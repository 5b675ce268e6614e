import { ElasticsearchError, validationFailed } from '../http/rest-errors.js';
import { parsingError } from '../http/rest-errors.js';

type Json = Record<string, unknown>;

/**
 * DLSRoleQueryValidator.evaluateAndVerifyRoleQuery (x-pack core authz/support): queries that reach other documents
 * cannot be a role's DLS query. Returns the reason, or undefined when the query is allowed.
 */
function prohibitedQueryReason(query: unknown): string | undefined {
  if (Array.isArray(query)) {
    for (const item of query) {
      const reason = prohibitedQueryReason(item);
      if (reason) return reason;
    }
    return undefined;
  }
  if (!query || typeof query !== 'object') return undefined;
  for (const [name, body] of Object.entries(query as Json)) {
    if (name === 'percolate' || name === 'has_child' || name === 'has_parent') return `${name} query isn't supported as part of a role query`;
    if (name === 'terms' && body && typeof body === 'object') {
      const lookup = Object.entries(body as Json).some(([field, value]) => field !== 'boost' && field !== '_name' && value !== null && typeof value === 'object' && !Array.isArray(value));
      if (lookup) return "terms query with terms lookup isn't supported as part of a role query";
    }
    if (name === 'geo_shape' && body && typeof body === 'object') {
      const indexed = Object.values(body as Json).some((value) => value && typeof value === 'object' && 'indexed_shape' in (value as Json));
      if (indexed) return "geoshape query referring to indexed shapes isn't supported as part of a role query";
    }
    const reason = prohibitedQueryReason(body);
    if (reason) return reason;
  }
  return undefined;
}

function parseQuery(query: unknown): unknown {
  if (typeof query !== 'string') return query;
  try {
    return JSON.parse(query);
  } catch {
    return undefined;
  }
}

/** DLSRoleQueryValidator.validateQueryField: template queries are skipped (they need the user); the rest are checked. */
export function validateRoleQueries(indices: Array<{ names: string[]; query?: unknown }>): void {
  indices.forEach((group, position) => {
    if (group.query === undefined || group.query === null) return;
    const query = parseQuery(group.query);
    if (query && typeof query === 'object' && 'template' in (query as Json)) return;
    const reason = prohibitedQueryReason(query);
    if (!reason) return;
    throw new ElasticsearchError(400, 'parse_exception', `failed to parse field 'query' for indices [${group.names.join(',')}] at index privilege [${position}] of role descriptor`, {
      caused_by: { type: 'illegal_argument_exception', reason },
    });
  });
}

/** RemoteClusterPermissions.getSupportedRemoteClusterPermissions (9.x). */
const REMOTE_CLUSTER_PRIVILEGES = ['monitor_enrich', 'monitor_stats'];

/** PutRoleRequest.validate for remote_indices (clusters required, not empty) and remote_cluster (only the supported privileges). */
export function validateRemotePrivileges(role: string, body: Json): void {
  const remoteIndices = body.remote_indices;
  if (remoteIndices !== undefined) {
    if (!Array.isArray(remoteIndices)) throw parsingError(`failed to parse remote indices privileges for role [${role}]. expected field [remote_indices] value to be an array`);
    for (const entry of remoteIndices as Json[]) {
      if (!entry || typeof entry !== 'object' || !('clusters' in entry)) {
        throw parsingError(`failed to parse remote indices privileges for role [${role}]. missing required [clusters] field`);
      }
    }
  }
  const remoteCluster = body.remote_cluster;
  if (Array.isArray(remoteCluster)) {
    const invalid = new Set<string>();
    for (const group of remoteCluster as Json[]) {
      for (const privilege of (group?.privileges as string[] | undefined) ?? []) if (!REMOTE_CLUSTER_PRIVILEGES.includes(privilege)) invalid.add(privilege);
    }
    if (invalid.size > 0) {
      throw validationFailed(`Invalid remote_cluster permissions found. Please remove the following: [${[...invalid].join(', ')}] Only [${REMOTE_CLUSTER_PRIVILEGES.join(', ')}] are allowed`);
    }
  }
}
