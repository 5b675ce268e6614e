import type { Route, RouteContext } from '../rest-request.js';
import { jsonBody, ok, queryFlag } from '../rest-request.js';
import { guardCluster } from '../guard.js';
import { ElasticsearchError, validationFailed } from '../rest-errors.js';
import { BUILTIN_ROLES, builtinRole } from '../../security/builtin-roles.js';
import { checkRoleBody } from '../../security/security-request-bodies.js';
import { normaliseRole, validateRoleDescriptor } from './security-handlers.js';
import { ROLE_QUERY_FIELDS, USER_QUERY_FIELDS, runSecurityQuery, type SecurityQueryRequest } from '../../security/security-query.js';
import { profileUid } from './profile-handlers.js';
import type { RoleDescriptor } from '../../cluster/cluster-state.js';

/**
 * POST|GET /_security/_query/user and /_security/_query/role (rest-api-spec security.query_user, security.query_role),
 * and the bulk role APIs POST|DELETE /_security/role (security.bulk_put_role, security.bulk_delete_role).
 */
const WRITE_TIMEOUT = 30000;

function queryRequest(context: RouteContext): SecurityQueryRequest {
  const body = jsonBody<SecurityQueryRequest>(context.request) ?? {};
  // QueryUserRequest / QueryRoleRequest.validate
  const problems: string[] = [];
  if (body.from !== undefined && body.from < 0) problems.push(`[from] parameter cannot be negative but was [${body.from}]`);
  if (body.size !== undefined && body.size < 0) problems.push(`[size] parameter cannot be negative but was [${body.size}]`);
  if (problems.length > 0) throw validationFailed(...problems);
  return body;
}

/** TransportQueryUserAction: native users only (the reserved ones are not documents of the security index). */
function queryUsers(context: RouteContext) {
  const request = queryRequest(context);
  guardCluster(context, 'cluster:admin/xpack/security/user/query');
  const metadata = context.node.metadata();
  const withProfileUid = queryFlag(context.request, 'with_profile_uid');
  const documents = Object.values(metadata.users).map((user) => ({
    id: `user-${user.username}`,
    doc: { username: user.username, roles: user.roles, full_name: user.full_name, email: user.email, metadata: user.metadata, enabled: user.enabled },
  }));
  const { total, page } = runSecurityQuery(documents, request, USER_QUERY_FIELDS, 'username');
  const users = page.map(({ doc, sortValues }) => {
    const uid = profileUid(String(doc.username), 'default_native');
    return {
      ...doc,
      ...(withProfileUid && metadata.profiles?.[uid] ? { profile_uid: uid } : {}),
      ...(sortValues ? { _sort: sortValues } : {}),
    };
  });
  return ok({ total, count: users.length, users });
}

function roleView(name: string, role: RoleDescriptor) {
  return { name, ...role };
}

/** Built-in roles are queryable too (QueryableBuiltInRolesSynchronizer indexes them with metadata._reserved). */
function queryRoles(context: RouteContext) {
  const request = queryRequest(context);
  guardCluster(context, 'cluster:admin/xpack/security/role/query');
  const metadata = context.node.metadata();
  const documents = [
    ...Object.keys(BUILTIN_ROLES).map((name) => ({ id: `role-${name}`, doc: roleView(name, builtinRole(name)!) })),
    ...Object.entries(metadata.roles).map(([name, role]) => ({ id: `role-${name}`, doc: roleView(name, role) })),
  ];
  const { total, page } = runSecurityQuery(documents as Array<{ id: string; doc: Record<string, unknown> }>, request, ROLE_QUERY_FIELDS, 'name');
  const roles = page.map(({ doc, sortValues }) => ({ ...doc, ...(sortValues ? { _sort: sortValues } : {}) }));
  return ok({ total, count: roles.length, roles });
}

async function bulkPutRoles(context: RouteContext) {
  const body = jsonBody<{ roles?: Record<string, Record<string, unknown>> }>(context.request, true)!;
  if (!body.roles || typeof body.roles !== 'object') throw validationFailed('roles must not be empty');
  for (const [name, role] of Object.entries(body.roles)) checkRoleBody(name, role);
  guardCluster(context, 'cluster:admin/xpack/security/role/bulk_put');
  const roles = Object.entries(body.roles).map(([name, descriptorBody]) => {
    const role = normaliseRole(descriptorBody);
    try {
      validateRoleDescriptor(name, descriptorBody, role);
      return { name, role };
    } catch (error) {
      if (!(error instanceof ElasticsearchError)) throw error;
      return { name, error: { type: error.type, reason: error.reason ?? '' } };
    }
  });
  return context.node.submit({ kind: 'bulk_put_roles', roles }, WRITE_TIMEOUT);
}

async function bulkDeleteRoles(context: RouteContext) {
  const body = jsonBody<{ names?: unknown }>(context.request, true)!;
  if (!Array.isArray(body.names) || body.names.length === 0) throw validationFailed('role names are missing');
  guardCluster(context, 'cluster:admin/xpack/security/role/bulk_delete');
  return context.node.submit({ kind: 'bulk_delete_roles', names: body.names.map(String) }, WRITE_TIMEOUT);
}

export const securityQueryRoutes: Route[] = [
  { methods: ['GET', 'POST'], pattern: '/_security/_query/user', handler: queryUsers },
  { methods: ['GET', 'POST'], pattern: '/_security/_query/role', handler: queryRoles },
  { methods: ['POST'], pattern: '/_security/role', handler: bulkPutRoles },
  { methods: ['DELETE'], pattern: '/_security/role', handler: bulkDeleteRoles },
];
