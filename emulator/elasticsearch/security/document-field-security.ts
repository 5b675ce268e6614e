import type { IndexPrivilegeGroup, StoredIndex } from '../cluster/cluster-state.js';
import { matches } from '../data/search.js';
import type { Subject } from './authentication.js';
import { groupGrants, wildcardToRegExp } from './privileges.js';

type Source = Record<string, unknown>;
type Query = Record<string, unknown>;

/**
 * Document- and field-level security at read time, as x-pack/plugin/core/src/main/java/org/elasticsearch/xpack/core/
 * security/authz/accesscontrol/DocumentSubsetReader.java and FieldSubsetReader.java apply it.
 * Within one role set, the index groups that grant the action on the index are combined (IndicesPermission.authorize):
 * their queries are OR-ed and a group without `query` lifts DLS; their field permissions are unioned and a group without
 * `field_security` lifts FLS (permission/FieldPermissions.java). An API key has two role sets (its own and its owner's,
 * the limited-by role): a document must be visible, and a field allowed, in both.
 */
export interface ReadAccess {
  /** Whether a document is visible: the DLS query (evaluated on the whole source, as the bitset is built). */
  visible(id: string, source: Source): boolean;
  /** The source the user may see: fields outside the FLS grant (or inside its except) removed. */
  source(source: Source): Source;
}

interface RoleSetAccess {
  queries: Query[] | null;
  fields: FieldPermission[] | null;
}

interface FieldPermission {
  grant: RegExp[];
  except: RegExp[];
}

/** ES's read-access control for the index (and the aliases it is read through); undefined when unrestricted. */
export function readAccess(subject: Subject, action: string, names: string[]): ReadAccess | undefined {
  const sets = subject.roleSets.map((roles) =>
    roleSetAccess(
      subject,
      roles.flatMap((role) => role.indices),
      action,
      names,
    ),
  );
  if (sets.every((set) => set.queries === null && set.fields === null)) return undefined;
  return {
    visible: (id, source) => sets.every((set) => set.queries === null || set.queries.some((query) => matches(query, id, source))),
    source: (source) => sets.reduce((filtered, set) => (set.fields === null ? filtered : filterSource(filtered, set.fields, '')), source),
  };
}

/** The index as this user reads it: hidden documents gone, sources filtered (what search and count then evaluate). */
export function restrictIndex(index: StoredIndex, access: ReadAccess | undefined): StoredIndex {
  if (!access) return index;
  const documents: StoredIndex['documents'] = {};
  for (const [id, document] of Object.entries(index.documents)) {
    if (access.visible(id, document.source)) documents[id] = { ...document, source: access.source(document.source) };
  }
  return { ...index, documents };
}

function roleSetAccess(subject: Subject, groups: IndexPrivilegeGroup[], action: string, names: string[]): RoleSetAccess {
  const granting = groups.filter((group) => names.some((name) => groupGrants(group, name, action, {})));
  let queries: Query[] | null = [];
  let fields: FieldPermission[] | null = [];
  for (const group of granting) {
    if (group.query === undefined || group.query === null) queries = null;
    else queries?.push(roleQuery(group.query, subject));
    if (!group.field_security) fields = null;
    else fields?.push(fieldPermission(group.field_security as { grant?: string[]; except?: string[] }));
  }
  return { queries, fields };
}

/**
 * A role query as stored (object or JSON string). A `template` query gets the user's `{{_user.username}}`,
 * `{{_user.email}}` and `{{_user.full_name}}` substituted (SecurityQueryTemplateEvaluator's params); other mustache
 * constructs are not emulated.
 */
function roleQuery(stored: unknown, subject: Subject): Query {
  let query = (typeof stored === 'string' ? JSON.parse(stored) : stored) as Query;
  const template = query.template as { source?: unknown } | undefined;
  if (template && template.source !== undefined) {
    const text = typeof template.source === 'string' ? template.source : JSON.stringify(template.source);
    const user: Record<string, string | null> = { username: subject.username, email: subject.email, full_name: subject.fullName };
    const rendered = text.replace(/\{\{\s*_user\.(username|email|full_name)\s*\}\}/g, (_, key: string) => JSON.stringify(user[key] ?? '').slice(1, -1));
    query = JSON.parse(rendered) as Query;
  }
  return query;
}

/** FieldPermissions: `grant` defaults to every field; `except` is removed from it. */
function fieldPermission(spec: { grant?: string[]; except?: string[] }): FieldPermission {
  return { grant: (spec.grant ?? ['*']).map(wildcardToRegExp), except: (spec.except ?? []).map(wildcardToRegExp) };
}

function fieldAllowed(permissions: FieldPermission[], path: string): boolean {
  return permissions.some((permission) => permission.grant.some((pattern) => pattern.test(path)) && !permission.except.some((pattern) => pattern.test(path)));
}

/** FieldSubsetReader.filter: leaves kept by their dotted path; objects kept when something inside them is. */
function filterSource(source: Source, permissions: FieldPermission[], prefix: string): Source {
  const filtered: Source = {};
  for (const [key, value] of Object.entries(source)) {
    const path = prefix + key;
    const kept = filterValue(value, permissions, path);
    if (kept !== undefined) filtered[key] = kept;
  }
  return filtered;
}

function filterValue(value: unknown, permissions: FieldPermission[], path: string): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => filterValue(item, permissions, path)).filter((item) => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (value && typeof value === 'object') {
    const inner = filterSource(value as Source, permissions, path + '.');
    return Object.keys(inner).length > 0 ? inner : undefined;
  }
  return fieldAllowed(permissions, path) ? value : undefined;
}
