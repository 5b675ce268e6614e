import type { Route, RouteContext } from '../rest-request.js';
import { jsonBody, ok } from '../rest-request.js';
import { guardCluster } from '../guard.js';
import { parsingError, validationFailed } from '../rest-errors.js';
import type { StoredRoleMapping } from '../../cluster/cluster-state.js';

/**
 * Native role mappings: PUT|POST|GET|DELETE /_security/role_mapping[/{name}] (rest-api-spec security.put_role_mapping,
 * get_role_mapping, delete_role_mapping). Rules are stored and returned as given; the emulator has no realm that
 * would evaluate them (only native, reserved, API keys and service tokens authenticate).
 */
const WRITE_TIMEOUT = 30000;
const MAPPING_FIELDS = new Set(['enabled', 'roles', 'role_templates', 'rules', 'metadata']);
const RULE_KINDS = new Set(['field', 'any', 'all', 'except']);

function checkRules(rules: unknown): void {
  if (!rules || typeof rules !== 'object' || Array.isArray(rules)) throw parsingError('failed to parse rules expression. expected an object');
  const [kind, value] = Object.entries(rules as Record<string, unknown>)[0] ?? [];
  if (!kind || !RULE_KINDS.has(kind)) throw parsingError(`failed to parse rules expression. field [${kind ?? ''}] is not recognised`);
  if (kind === 'any' || kind === 'all') {
    if (!Array.isArray(value)) throw parsingError(`failed to parse rules expression. expected field [${kind}] to be an array`);
    value.forEach(checkRules);
  } else if (kind === 'except') checkRules(value);
}

/** TemplateRoleName: the template is kept as its JSON text, the format defaults to `string`. */
function roleTemplates(value: unknown): StoredRoleMapping['role_templates'] {
  if (!Array.isArray(value)) return [];
  return value.map((entry: { template?: unknown; format?: string }) => ({
    template: typeof entry.template === 'string' ? entry.template : JSON.stringify(entry.template ?? {}),
    format: entry.format === 'json' ? 'json' : 'string',
  }));
}

async function putRoleMapping(context: RouteContext) {
  const name = context.params.name!;
  const body = jsonBody<Record<string, unknown>>(context.request, true)!;
  for (const field of Object.keys(body)) if (!MAPPING_FIELDS.has(field)) throw parsingError(`[role-mapping] unknown field [${field}]`);
  guardCluster(context, 'cluster:admin/xpack/security/role_mapping/put');
  const roles = Array.isArray(body.roles) ? body.roles.map(String) : [];
  const templates = roleTemplates(body.role_templates) ?? [];
  const metadata = (body.metadata as Record<string, unknown> | undefined) ?? {};
  // PutRoleMappingRequest.validate, every problem in one validation exception.
  const problems: string[] = [];
  if (roles.length === 0 && templates.length === 0) problems.push('role-mapping roles or role-templates are missing');
  if (roles.length > 0 && templates.length > 0) problems.push('role-mapping cannot have both roles and role-templates');
  if (body.rules === undefined) problems.push('role-mapping rules are missing');
  if (Object.keys(metadata).some((key) => key.startsWith('_'))) problems.push('metadata keys may not start with [_]');
  if (problems.length > 0) throw validationFailed(...problems);
  checkRules(body.rules);
  const mapping: StoredRoleMapping = {
    enabled: body.enabled === undefined ? true : Boolean(body.enabled),
    roles,
    ...(templates.length > 0 ? { role_templates: templates } : {}),
    rules: body.rules as Record<string, unknown>,
    metadata,
  };
  return context.node.submit({ kind: 'put_role_mapping', name, mapping }, WRITE_TIMEOUT);
}

function getRoleMappings(context: RouteContext) {
  guardCluster(context, 'cluster:admin/xpack/security/role_mapping/get');
  const mappings = context.node.metadata().roleMappings ?? {};
  const names = context.params.name ? context.params.name.split(',') : Object.keys(mappings).sort();
  const found = Object.fromEntries(
    names
      .filter((name) => mappings[name])
      .map((name) => {
        const mapping = mappings[name]!;
        return [name, { enabled: mapping.enabled, roles: mapping.roles, ...(mapping.role_templates ? { role_templates: mapping.role_templates } : {}), rules: mapping.rules, metadata: mapping.metadata }];
      }),
  );
  // RestGetRoleMappingsAction: 404 with an empty object when named mappings are all missing.
  return ok(found, Object.keys(found).length === 0 && context.params.name ? 404 : 200);
}

async function deleteRoleMapping(context: RouteContext) {
  guardCluster(context, 'cluster:admin/xpack/security/role_mapping/delete');
  return context.node.submit({ kind: 'delete_role_mapping', name: context.params.name! }, WRITE_TIMEOUT);
}

export const roleMappingRoutes: Route[] = [
  { methods: ['GET'], pattern: '/_security/role_mapping', handler: getRoleMappings },
  { methods: ['GET'], pattern: '/_security/role_mapping/{name}', handler: getRoleMappings },
  { methods: ['PUT', 'POST'], pattern: '/_security/role_mapping/{name}', handler: putRoleMapping },
  { methods: ['DELETE'], pattern: '/_security/role_mapping/{name}', handler: deleteRoleMapping },
];
