import { badRequest } from '../http/rest-errors.js';
import { matches } from '../data/search.js';

type Json = Record<string, unknown>;

/**
 * The query DSL of /_security/_query/{user,role} (FieldNameTranslators, UserBoolQueryBuilder, RoleBoolQueryBuilder):
 * a fixed set of query types over a fixed set of fields; anything else is refused with ES's reasons.
 */
export interface QueryableFields {
  /** Query-level field names; `metadata` also admits its sub-fields (flattened). */
  fields: string[];
  flattened?: string;
  /** Fields whose mapping has no doc values: querying works, sorting does not. */
  unsortable?: string[];
}

export const USER_QUERY_FIELDS: QueryableFields = { fields: ['username', 'roles', 'enabled', 'full_name', 'email'], unsortable: ['full_name', 'email'] };
export const ROLE_QUERY_FIELDS: QueryableFields = {
  fields: ['name', 'description', 'applications.application', 'applications.resources', 'applications.privileges'],
  flattened: 'metadata',
};

const FIELD_QUERIES = new Set(['term', 'terms', 'prefix', 'wildcard', 'match', 'range', 'exists']);
const isPattern = (field: string) => field.includes('*');

function checkField(allowed: QueryableFields, field: string, sorting = false): void {
  if (isPattern(field)) throw badRequest(`Field name pattern [${field}] is not allowed for querying or aggregation`);
  const flattened = allowed.flattened !== undefined && (field === allowed.flattened || field.startsWith(`${allowed.flattened}.`));
  if (!allowed.fields.includes(field) && !flattened) throw badRequest(`Field [${field}] is not allowed for querying or aggregation`);
  if (sorting && allowed.unsortable?.includes(field)) throw badRequest(`sorting is not supported for field [${field}]`);
}

/** FieldNameTranslators.translateQueryBuilderFields: walks the query the way ES rebuilds it. */
export function checkSecurityQuery(query: unknown, allowed: QueryableFields): void {
  if (query === undefined || query === null) return;
  const [type, body] = Object.entries(query as Json)[0] ?? [];
  if (!type) return;
  if (type === 'bool') {
    for (const clause of ['must', 'should', 'must_not', 'filter']) {
      const value = (body as Json)[clause];
      for (const item of Array.isArray(value) ? value : value ? [value] : []) checkSecurityQuery(item, allowed);
    }
    return;
  }
  if (type === 'match_all' || type === 'ids') return;
  if (type === 'simple_query_string') return;
  if (!FIELD_QUERIES.has(type)) throw badRequest(`Query type [${type}] is not currently supported in this context`);
  if (type === 'exists') return checkField(allowed, String((body as Json).field));
  const fields = Object.entries(body as Json).filter(([key]) => key !== 'boost' && key !== '_name');
  for (const [field, value] of fields) {
    if (type === 'terms' && value && typeof value === 'object' && !Array.isArray(value)) throw badRequest('terms query with terms lookup is not currently supported in this context');
    if (type === 'range' && value && typeof value === 'object' && 'relation' in (value as Json)) throw badRequest('range query with relation is not currently supported in this context');
    checkField(allowed, field);
  }
}

export interface SortSpec {
  field: string;
  order: 'asc' | 'desc';
}

export function parseSecuritySort(sort: unknown, allowed: QueryableFields): SortSpec[] {
  const entries = Array.isArray(sort) ? sort : sort === undefined ? [] : [sort];
  return entries.map((entry) => {
    let spec: SortSpec;
    if (typeof entry === 'string') spec = { field: entry, order: 'asc' };
    else {
      const [field, value] = Object.entries(entry as Json)[0]!;
      const order = typeof value === 'string' ? value : ((value as Json)?.order as string | undefined);
      spec = { field, order: order === 'desc' ? 'desc' : 'asc' };
    }
    if (spec.field !== '_doc') checkField(allowed, spec.field, true);
    return spec;
  });
}

function sortValue(document: Json, field: string): unknown {
  let value: unknown = document;
  for (const part of field.split('.')) value = value && typeof value === 'object' ? (value as Json)[part] : undefined;
  return Array.isArray(value) ? value[0] : value;
}

function compareValues(left: unknown, right: unknown): number {
  if (left === right) return 0;
  if (left === undefined || left === null) return 1;
  if (right === undefined || right === null) return -1;
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  if (typeof left === 'boolean' || typeof right === 'boolean') return Number(left) - Number(right);
  return String(left) < String(right) ? -1 : 1;
}

export interface SecurityQueryRequest {
  query?: unknown;
  from?: number;
  size?: number;
  sort?: unknown;
  search_after?: unknown[];
}

/** Matches, sorts, applies search_after then from/size; `_sort` values come back only when a sort was asked. */
export function runSecurityQuery<T extends Json>(documents: Array<{ id: string; doc: T }>, request: SecurityQueryRequest, allowed: QueryableFields, defaultSortField: string) {
  checkSecurityQuery(request.query, allowed);
  const sort = parseSecuritySort(request.sort, allowed);
  const effectiveSort = sort.length > 0 ? sort : [{ field: defaultSortField, order: 'asc' as const }];
  const compare = (left: Json, right: Json) => {
    for (const spec of effectiveSort) {
      const order = compareValues(sortValue(left, spec.field), sortValue(right, spec.field));
      if (order !== 0) return spec.order === 'asc' ? order : -order;
    }
    return 0;
  };
  let hits = documents
    .filter(({ id, doc }) => matches(request.query as Json | undefined, id, doc))
    .map(({ doc }) => doc)
    .sort(compare);
  const total = hits.length;
  if (Array.isArray(request.search_after)) {
    const after = Object.fromEntries(effectiveSort.map((spec, index) => [spec.field, request.search_after![index]]));
    hits = hits.filter((doc) => compare(doc, expand(after)) > 0);
  }
  const from = Number(request.from ?? 0);
  const size = Number(request.size ?? 10);
  const page = hits.slice(from, from + size).map((doc) => (sort.length > 0 ? { doc, sortValues: sort.map((spec) => sortValue(doc, spec.field) ?? null) } : { doc }));
  return { total, page };
}

/** {"a.b": 1} → {a: {b: 1}}, so search_after values compare like documents. */
function expand(flat: Json): Json {
  const out: Json = {};
  for (const [path, value] of Object.entries(flat)) {
    const parts = path.split('.');
    let target = out;
    for (const part of parts.slice(0, -1)) target = (target[part] ??= {}) as Json;
    target[parts.at(-1)!] = value;
  }
  return out;
}
