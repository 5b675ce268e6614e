import type { ClusterMetadata, RestResult, RoleDescriptor, StoredRoleMapping } from '../cluster/cluster-state.js';
import { BUILTIN_ROLES } from './builtin-roles.js';

/** Writes for role mappings and the bulk role APIs, applied on the master like every security write. */
export type RoleMappingCommand =
  | { kind: 'put_role_mapping'; name: string; mapping: StoredRoleMapping }
  | { kind: 'delete_role_mapping'; name: string }
  /** Roles that failed validation on the receiving node travel as errors so the response keeps ES's order. */
  | { kind: 'bulk_put_roles'; roles: Array<{ name: string; role?: RoleDescriptor; error?: { type: string; reason: string } }> }
  | { kind: 'bulk_delete_roles'; names: string[] };

export const ROLE_MAPPING_COMMAND_KINDS = new Set(['put_role_mapping', 'delete_role_mapping', 'bulk_put_roles', 'bulk_delete_roles']);

const ok = (body: unknown, status = 200): RestResult => ({ status, body });

function sameJson(left: unknown, right: unknown): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

/** BulkRolesResponse.toXContent: one list per outcome, left out when empty; errors counted with their details. */
function bulkResponse(outcomes: Array<{ name: string; result: string; error?: { type: string; reason: string } }>, resultOrder: string[]) {
  const body: Record<string, unknown> = {};
  for (const result of resultOrder) {
    const names = outcomes.filter((outcome) => outcome.result === result).map((outcome) => outcome.name);
    if (names.length > 0) body[result] = names;
  }
  const errors = outcomes.filter((outcome) => outcome.error);
  if (errors.length > 0) body.errors = { count: errors.length, details: Object.fromEntries(errors.map((outcome) => [outcome.name, outcome.error])) };
  return body;
}

export function applyRoleMappingCommand(metadata: ClusterMetadata, command: RoleMappingCommand): RestResult {
  switch (command.kind) {
    case 'put_role_mapping': {
      const mappings = (metadata.roleMappings ??= {});
      const created = !mappings[command.name];
      mappings[command.name] = command.mapping;
      return ok({ role_mapping: { created } });
    }
    case 'delete_role_mapping': {
      const mappings = (metadata.roleMappings ??= {});
      const found = Boolean(mappings[command.name]);
      delete mappings[command.name];
      return ok({ found }, found ? 200 : 404);
    }
    case 'bulk_put_roles': {
      const outcomes = command.roles.map(({ name, role, error }) => {
        if (error || !role) return { name, result: 'errors', error };
        // NativeRolesStore.putRoles: reserved names fail per role with the put role reason.
        if (BUILTIN_ROLES[name]) return { name, result: 'errors', error: { type: 'illegal_argument_exception', reason: `Role [${name}] is reserved and may not be used.` } };
        const existing = metadata.roles[name];
        metadata.roles[name] = role;
        return { name, result: !existing ? 'created' : sameJson(existing, role) ? 'noop' : 'updated' };
      });
      return ok(bulkResponse(outcomes, ['created', 'updated', 'noop']));
    }
    case 'bulk_delete_roles': {
      const outcomes = command.names.map((name) => {
        if (BUILTIN_ROLES[name]) return { name, result: 'errors', error: { type: 'illegal_argument_exception', reason: `role [${name}] is reserved and cannot be deleted` } };
        const found = Boolean(metadata.roles[name]);
        delete metadata.roles[name];
        return { name, result: found ? 'deleted' : 'not_found' };
      });
      return ok(bulkResponse(outcomes, ['deleted', 'not_found']));
    }
  }
}
