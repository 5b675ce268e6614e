import type { ClusterMetadata, RestResult, RoleDescriptor, StoredApplicationPrivilege } from '../cluster/cluster-state.js';
import { matchesPattern } from './privileges.js';

/**
 * Application privileges (x-pack core ApplicationPrivilege / ApplicationPrivilegeDescriptor and PutPrivilegesRequest):
 * named sets of actions an application outside Elasticsearch defines, granted to roles through `applications`.
 */

const VALID_APPLICATION_PREFIX = /^[a-z][A-Za-z0-9]*$/;
const VALID_NAME = /^[a-z][a-zA-Z0-9_.-]*$/;
const VALID_NAME_OR_ACTION = /^[\x21-\x7e]*$/;
const WHITESPACE = /\s/;
// Strings.INVALID_FILENAME_CHARS, in the order ES prints them.
const INVALID_FILENAME_CHARS = ['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ','];

/** ApplicationPrivilege.validateApplicationName (no wildcard: PUT privileges names concrete applications). */
export function applicationNameProblem(application: string): string | undefined {
  if (!application) return 'Application names cannot be blank';
  if (application.includes('*')) return `Application names may not contain '*' (found '${application}')`;
  if (WHITESPACE.test(application)) return `Application names may not contain whitespace (found '${application}')`;
  const separator = application.search(/[_-]/);
  const prefix = separator < 0 ? application : application.slice(0, separator);
  if (!VALID_APPLICATION_PREFIX.test(prefix)) return `An application name prefix must match the pattern ${VALID_APPLICATION_PREFIX.source} (found '${prefix}')`;
  if (prefix.length < 3) return `An application name prefix must be at least 3 characters long (found '${prefix}')`;
  if (separator >= 0) {
    const suffix = application.slice(separator + 1);
    if (INVALID_FILENAME_CHARS.some((char) => suffix.includes(char))) {
      return `An application name suffix may not contain any of the characters '${INVALID_FILENAME_CHARS.join('')}' (found '${suffix}')`;
    }
  }
  return undefined;
}

export function isPrivilegeName(name: string): boolean {
  return VALID_NAME.test(name);
}

/** PutPrivilegesRequest.validate: every problem of every privilege, in order. */
export function putPrivilegesProblems(privileges: Array<{ application: string; name: string; actions: string[]; metadata: Record<string, unknown> }>): string[] {
  if (privileges.length === 0) return ['At least one application privilege must be provided'];
  const problems: string[] = [];
  for (const privilege of privileges) {
    const applicationProblem = applicationNameProblem(privilege.application);
    if (applicationProblem) problems.push(applicationProblem);
    if (!isPrivilegeName(privilege.name)) problems.push(`Application privilege names must match the pattern ${VALID_NAME.source} (found '${privilege.name}')`);
    if (privilege.actions.length === 0) problems.push('Application privileges must have at least one action');
    for (const action of privilege.actions) {
      if (!VALID_NAME_OR_ACTION.test(action)) problems.push(`Application privilege names and actions must match the pattern ^\\p{Graph}*$ (found '${action}')`);
    }
    // MetadataUtils.RESERVED_PREFIX
    if (Object.keys(privilege.metadata).some((key) => key.startsWith('_'))) {
      problems.push(`metadata keys may not start with [_] (in privilege ${privilege.application} ${privilege.name})`);
    }
  }
  return problems;
}

export type ApplicationPrivilegeCommand =
  { kind: 'put_application_privileges'; privileges: Array<{ application: string; name: string } & StoredApplicationPrivilege> } | { kind: 'delete_application_privileges'; application: string; names: string[] };

export function applyApplicationPrivilegeCommand(metadata: ClusterMetadata, command: ApplicationPrivilegeCommand): RestResult {
  const store = (metadata.applicationPrivileges ??= {});
  if (command.kind === 'put_application_privileges') {
    const body: Record<string, Record<string, { created: boolean }>> = {};
    for (const { application, name, actions, metadata: privilegeMetadata } of command.privileges) {
      const existing = store[application]?.[name];
      (store[application] ??= {})[name] = { actions, metadata: privilegeMetadata };
      (body[application] ??= {})[name] = { created: existing === undefined };
    }
    return { status: 200, body };
  }
  const found: string[] = [];
  for (const name of command.names) {
    if (store[command.application]?.[name]) {
      delete store[command.application]![name];
      found.push(name);
    }
  }
  if (store[command.application] && Object.keys(store[command.application]!).length === 0) delete store[command.application];
  // RestDeletePrivilegesAction: 404 when nothing was found.
  return {
    status: found.length === 0 ? 404 : 200,
    body: { [command.application]: Object.fromEntries(command.names.map((name) => [name, { found: found.includes(name) }])) },
  };
}

/** The action patterns a privilege name (or a bare action pattern) stands for in an application. */
function resolveActions(metadata: ClusterMetadata, application: string, privileges: string[]): string[] {
  const stored = metadata.applicationPrivileges ?? {};
  const applications = Object.keys(stored).filter((name) => matchesPattern(application, name));
  return privileges.flatMap((privilege) => (isPrivilegeName(privilege) ? applications.flatMap((name) => stored[name]?.[privilege]?.actions ?? []) : [privilege]));
}

/**
 * Whether roles grant `privilege` on `resource` of `application` (ApplicationPermission.grants): every action the
 * requested privilege stands for must be covered by an action a matching role entry grants on a matching resource.
 * A privilege name that resolves to no action is not granted here (the emulator does not compare empty automatons).
 */
export function rolesGrantApplicationPrivilege(roles: RoleDescriptor[], metadata: ClusterMetadata, application: string, resource: string, privilege: string): boolean {
  const requested = resolveActions(metadata, application, [privilege]);
  if (requested.length === 0) return false;
  const granted = roles.flatMap((role) =>
    role.applications
      .filter((entry) => matchesPattern(entry.application, application) && entry.resources.some((pattern) => matchesPattern(pattern, resource)))
      .flatMap((entry) => resolveActions(metadata, application, entry.privileges)),
  );
  return requested.every((action) => granted.some((pattern) => matchesPattern(pattern, action)));
}

export interface ApplicationPrivilegesCheck {
  application: string;
  privileges: string[];
  resources: string[];
}

/** HasPrivilegesResponse `application`: {app: {resource: {privilege: bool}}}. */
export function checkApplicationPrivileges(checks: ApplicationPrivilegesCheck[], holds: (application: string, resource: string, privilege: string) => boolean): Record<string, Record<string, Record<string, boolean>>> {
  const result: Record<string, Record<string, Record<string, boolean>>> = {};
  for (const check of checks) {
    const resources = (result[check.application] ??= {});
    for (const resource of check.resources) {
      const privileges = (resources[resource] ??= {});
      for (const privilege of check.privileges) privileges[privilege] = holds(check.application, resource, privilege);
    }
  }
  return result;
}
