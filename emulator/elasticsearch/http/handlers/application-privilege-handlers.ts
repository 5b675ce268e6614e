import type { Route, RouteContext } from '../rest-request.js';
import { jsonBody, ok } from '../rest-request.js';
import { guardCluster } from '../guard.js';
import { validationFailed, parsingError } from '../rest-errors.js';
import { putPrivilegesProblems } from '../../security/application-privileges.js';
import { BUILTIN_CLUSTER_PRIVILEGES, BUILTIN_INDEX_PRIVILEGES, BUILTIN_REMOTE_CLUSTER_PRIVILEGES } from '../../security/builtin-privilege-names.js';

/**
 * Application privilege APIs (rest-api-spec security.put_privileges, get_privileges, delete_privileges,
 * get_builtin_privileges, clear_cached_privileges; x-pack RestPutPrivilegesAction, RestGetPrivilegesAction…).
 */

const WRITE_TIMEOUT = 30000;

type PrivilegeBody = Record<string, Record<string, { actions?: unknown; metadata?: unknown; application?: unknown; name?: unknown }>>;

/** PutPrivilegesRequestBuilder.source: {app: {name: {actions, metadata}}}; `application` / `name` must agree if given. */
function parsePutBody(body: PrivilegeBody) {
  return Object.entries(body).flatMap(([application, privileges]) =>
    Object.entries(privileges ?? {}).map(([name, descriptor]) => {
      if (descriptor.application !== undefined && descriptor.application !== application) {
        throw parsingError(`privilege application [${String(descriptor.application)}] in source does not match the provided application [${application}]`);
      }
      if (descriptor.name !== undefined && descriptor.name !== name) {
        throw parsingError(`privilege name [${String(descriptor.name)}] in source does not match the provided name [${name}]`);
      }
      return {
        application,
        name,
        actions: Array.isArray(descriptor.actions) ? descriptor.actions.map(String) : [],
        metadata: (descriptor.metadata as Record<string, unknown> | undefined) ?? {},
      };
    }),
  );
}

async function putPrivileges(context: RouteContext) {
  const privileges = parsePutBody(jsonBody<PrivilegeBody>(context.request, true)!);
  guardCluster(context, 'cluster:admin/xpack/security/privilege/put', { applications: [...new Set(privileges.map((privilege) => privilege.application))] });
  const problems = putPrivilegesProblems(privileges);
  if (problems.length > 0) throw validationFailed(...problems);
  return context.node.submit({ kind: 'put_application_privileges', privileges }, WRITE_TIMEOUT);
}

/** GET /_security/privilege[/{application}[/{name}]]: 404 with `{}` when a named application or privilege is missing. */
function getPrivileges(context: RouteContext) {
  const { application, name } = context.params;
  const stored = context.node.metadata().applicationPrivileges ?? {};
  guardCluster(context, 'cluster:admin/xpack/security/privilege/get', { applications: application ? [application] : Object.keys(stored) });
  const names = name ? name.split(',') : undefined;
  const body: Record<string, Record<string, unknown>> = {};
  for (const app of Object.keys(stored).sort()) {
    if (application && app !== application) continue;
    for (const [privilegeName, privilege] of Object.entries(stored[app]!).sort(([a], [b]) => a.localeCompare(b))) {
      if (names && !names.includes(privilegeName)) continue;
      (body[app] ??= {})[privilegeName] = { application: app, name: privilegeName, actions: privilege.actions, metadata: privilege.metadata };
    }
  }
  return ok(body, application && Object.keys(body).length === 0 ? 404 : 200);
}

async function deletePrivileges(context: RouteContext) {
  const { application, name } = context.params;
  guardCluster(context, 'cluster:admin/xpack/security/privilege/delete', { applications: [application!] });
  return context.node.submit({ kind: 'delete_application_privileges', application: application!, names: name!.split(',') }, WRITE_TIMEOUT);
}

function getBuiltinPrivileges(context: RouteContext) {
  guardCluster(context, 'cluster:admin/xpack/security/privilege/builtin/get');
  return ok({ cluster: BUILTIN_CLUSTER_PRIVILEGES, index: BUILTIN_INDEX_PRIVILEGES, remote_cluster: BUILTIN_REMOTE_CLUSTER_PRIVILEGES });
}

/** ClearPrivilegesCacheResponse: the nodes' answers (the emulator keeps no privilege cache, so there is nothing to drop). */
function clearCachedPrivileges(context: RouteContext) {
  guardCluster(context, 'cluster:admin/xpack/security/privilege/cache/clear', { applications: context.params.application!.split(',') });
  const { node } = context;
  return ok({
    _nodes: { total: 1, successful: 1, failed: 0 },
    cluster_name: node.config.clusterName,
    nodes: { [node.localNode.id]: { name: node.config.nodeName } },
  });
}

export const applicationPrivilegeRoutes: Route[] = [
  { methods: ['PUT', 'POST'], pattern: '/_security/privilege', handler: putPrivileges },
  { methods: ['PUT', 'POST'], pattern: '/_security/privilege/', handler: putPrivileges },
  { methods: ['GET'], pattern: '/_security/privilege', handler: getPrivileges },
  { methods: ['GET'], pattern: '/_security/privilege/_builtin', handler: getBuiltinPrivileges },
  { methods: ['GET'], pattern: '/_security/privilege/{application}', handler: getPrivileges },
  { methods: ['GET'], pattern: '/_security/privilege/{application}/{name}', handler: getPrivileges },
  { methods: ['DELETE'], pattern: '/_security/privilege/{application}/{name}', handler: deletePrivileges },
  { methods: ['POST'], pattern: '/_security/privilege/{application}/_clear_cache', handler: clearCachedPrivileges },
];
