import type { StoredApiKey } from '../cluster/cluster-state.js';
import { badRequest } from '../http/rest-errors.js';
import { matchesPattern } from './privileges.js';

/**
 * The query DSL subset of POST /_security/_query/api_key, over the stored keys instead of the security index:
 * query types FieldNameTranslators.translateQueryBuilderFields accepts, the user-facing field names
 * of API_KEY_FIELD_NAME_TRANSLATORS, sort, search_after and ApiKeyAggregationsBuilder's aggregations.
 */

type Json = Record<string, unknown>;
type Value = string | number | boolean;

/** Query-level field names (FieldNameTranslators.API_KEY_FIELD_NAME_TRANSLATORS); metadata.* is flattened. */
const FIELDS = ['username', 'realm_name', 'name', 'type', 'creation', 'expiration', 'invalidated', 'invalidation'];
const DATE_FIELDS = new Set(['creation', 'expiration', 'invalidation']);

function checkField(field: string): void {
  if (field.includes('*')) throw badRequest(`Field name pattern [${field}] is not allowed for querying or aggregation`);
  if (!FIELDS.includes(field) && field !== 'metadata' && !field.startsWith('metadata.')) {
    throw badRequest(`Field [${field}] is not allowed for querying or aggregation`);
  }
}

function flatten(value: unknown): Value[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap(flatten);
  if (typeof value === 'object') return Object.values(value as Json).flatMap(flatten);
  // A flattened field indexes its leaves as keywords.
  return [String(value)];
}

export function fieldValues(key: StoredApiKey, field: string): Value[] {
  switch (field) {
    case 'username':
      return [key.username];
    case 'realm_name':
      return [key.realm];
    case 'name':
      return [key.name];
    case 'type':
      return ['rest'];
    case 'creation':
      return [key.creation];
    case 'expiration':
      return key.expiration === undefined ? [] : [key.expiration];
    case 'invalidated':
      return [key.invalidated];
    case 'invalidation':
      return key.invalidation === undefined ? [] : [key.invalidation];
  }
  let value: unknown = key.metadata;
  if (field !== 'metadata') {
    for (const part of field.slice('metadata.'.length).split('.')) value = value && typeof value === 'object' ? (value as Json)[part] : undefined;
  }
  return flatten(value);
}

/** Date math the range query accepts here: epoch millis, ISO dates, `now` with ±N(s|m|h|d). */
function dateValue(value: unknown, now: number): number {
  if (typeof value === 'number') return value;
  const text = String(value);
  const math = /^now(?:([+-])(\d+)([smhdwMy]))?(?:\/[smhdwMy])?$/.exec(text);
  if (math) {
    const unit: Record<string, number> = { s: 1e3, m: 6e4, h: 3.6e6, d: 8.64e7, w: 6.048e8, M: 2.592e9, y: 3.1536e10 };
    return math[1] ? now + (math[1] === '-' ? -1 : 1) * Number(math[2]) * unit[math[3]!]! : now;
  }
  if (/^\d+$/.test(text)) return Number(text);
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed)) throw badRequest(`failed to parse date field [${text}] with format [strict_date_optional_time||epoch_millis]`, 'parse_exception');
  return parsed;
}

function sameTerm(field: string, actual: Value, expected: unknown, caseInsensitive: boolean, now: number): boolean {
  if (DATE_FIELDS.has(field)) return actual === dateValue(expected, now);
  if (typeof actual === 'boolean') return String(actual) === String(expected);
  return caseInsensitive ? String(actual).toLowerCase() === String(expected).toLowerCase() : String(actual) === String(expected);
}

/** The single `{field: spec}` entry of a leaf query. */
function leaf(body: unknown, type: string): [string, unknown] {
  const entries = Object.entries((body ?? {}) as Json).filter(([key]) => key !== 'boost' && key !== '_name');
  if (entries.length !== 1) throw badRequest(`[${type}] query doesn't support multiple fields, found [${entries.map(([key]) => key).join('] and [')}]`, 'parsing_exception');
  checkField(entries[0]![0]);
  return entries[0]! as [string, unknown];
}

function specValue(spec: unknown, name: string): { value: unknown; caseInsensitive: boolean } {
  if (spec && typeof spec === 'object' && !Array.isArray(spec)) {
    const object = spec as Json;
    return { value: object[name] ?? object.value, caseInsensitive: object.case_insensitive === true };
  }
  return { value: spec, caseInsensitive: false };
}

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export type Matcher = (key: StoredApiKey) => boolean;

export function compileQuery(query: unknown, now: number): Matcher {
  if (query === undefined || query === null) return () => true;
  const entries = Object.entries(query as Json);
  if (entries.length !== 1) throw badRequest('[_na] query malformed, must start with start_object', 'parsing_exception');
  const [type, body] = entries[0]!;
  switch (type) {
    case 'match_all':
      return () => true;
    case 'bool': {
      const clause = (name: string) => asList((body as Json)[name]).map((inner) => compileQuery(inner, now));
      const must = [...clause('must'), ...clause('filter')];
      const should = clause('should');
      const mustNot = clause('must_not');
      const minimum = (body as Json).minimum_should_match;
      const required = minimum !== undefined ? Number(minimum) : must.length === 0 && should.length > 0 ? 1 : 0;
      return (key) => must.every((matcher) => matcher(key)) && !mustNot.some((matcher) => matcher(key)) && should.filter((matcher) => matcher(key)).length >= required;
    }
    case 'ids': {
      const ids = asList((body as Json).values).map(String);
      return (key) => ids.includes(key.id);
    }
    case 'term': {
      const [field, spec] = leaf(body, type);
      const { value, caseInsensitive } = specValue(spec, 'value');
      return (key) => fieldValues(key, field).some((actual) => sameTerm(field, actual, value, caseInsensitive, now));
    }
    case 'match': {
      // Every API key field is a keyword (or date/boolean), so a match query is an exact term match.
      const [field, spec] = leaf(body, type);
      const { value } = specValue(spec, 'query');
      return (key) => fieldValues(key, field).some((actual) => sameTerm(field, actual, value, false, now));
    }
    case 'terms': {
      const entry = Object.entries(body as Json).filter(([name]) => name !== 'boost' && name !== '_name');
      const [field, values] = entry[0] ?? ['', []];
      if (values && typeof values === 'object' && !Array.isArray(values)) throw badRequest('terms query with terms lookup is not currently supported in this context');
      checkField(field);
      return (key) => fieldValues(key, field).some((actual) => asList(values).some((value) => sameTerm(field, actual, value, false, now)));
    }
    case 'prefix': {
      const [field, spec] = leaf(body, type);
      const { value, caseInsensitive } = specValue(spec, 'value');
      const prefix = caseInsensitive ? String(value).toLowerCase() : String(value);
      return (key) => fieldValues(key, field).some((actual) => (caseInsensitive ? String(actual).toLowerCase() : String(actual)).startsWith(prefix));
    }
    case 'wildcard': {
      const [field, spec] = leaf(body, type);
      const { value, caseInsensitive } = specValue(spec, 'value');
      const pattern = String(value).replace(/\?/g, '*');
      return (key) => fieldValues(key, field).some((actual) => (caseInsensitive ? matchesPattern(pattern.toLowerCase(), String(actual).toLowerCase()) : matchesPattern(pattern, String(actual))));
    }
    case 'exists': {
      const field = String((body as Json).field);
      checkField(field);
      return (key) => fieldValues(key, field).length > 0;
    }
    case 'range': {
      const [field, spec] = leaf(body, type);
      const bounds = spec as Json;
      if (bounds.relation !== undefined) throw badRequest('range query with relation is not currently supported in this context');
      const toComparable = (value: unknown) => (DATE_FIELDS.has(field) ? dateValue(value, now) : value);
      const checks: Array<(actual: Value) => boolean> = [];
      const compare = (actual: Value, bound: unknown) => {
        const left = DATE_FIELDS.has(field) ? (actual as number) : String(actual);
        const right = toComparable(bound) as number | string;
        return left < right ? -1 : left > right ? 1 : 0;
      };
      if (bounds.gt !== undefined) checks.push((actual) => compare(actual, bounds.gt) > 0);
      if (bounds.gte !== undefined) checks.push((actual) => compare(actual, bounds.gte) >= 0);
      if (bounds.lt !== undefined) checks.push((actual) => compare(actual, bounds.lt) < 0);
      if (bounds.lte !== undefined) checks.push((actual) => compare(actual, bounds.lte) <= 0);
      return (key) => fieldValues(key, field).some((actual) => checks.every((check) => check(actual)));
    }
    case 'simple_query_string': {
      // Terms (OR by default) over the named fields, or all allowed fields; `term*` is a prefix; unknown fields are ignored.
      const spec = body as Json;
      const requested = asList(spec.fields).map(String);
      const fields = requested.length === 0 ? [...FIELDS, 'metadata'] : [...FIELDS, 'metadata'].filter((field) => requested.some((pattern) => matchesPattern(pattern.split('^')[0]!, field)));
      const terms = String(spec.query ?? '')
        .split(/\s+/)
        .filter(Boolean);
      const all = String(spec.default_operator ?? 'or').toLowerCase() === 'and';
      const termMatches = (key: StoredApiKey, term: string) =>
        fields.some((field) => fieldValues(key, field).some((actual) => (term.endsWith('*') ? String(actual).startsWith(term.slice(0, -1)) : String(actual) === term)));
      if (fields.length === 0) return () => false;
      return (key) => (all ? terms.every((term) => termMatches(key, term)) : terms.some((term) => termMatches(key, term)));
    }
    default:
      throw badRequest(`Query type [${type}] is not currently supported in this context`);
  }
}

export interface SortSpec {
  field: string;
  order: 'asc' | 'desc';
}

export function parseSort(sort: unknown): SortSpec[] {
  return asList(sort)
    .map((entry) => {
      if (typeof entry === 'string') return { field: entry, order: entry === '_score' ? 'desc' : 'asc' };
      const [field, spec] = Object.entries(entry as Json)[0]!;
      const order = typeof spec === 'string' ? spec : String((spec as Json).order ?? 'asc');
      return { field, order: order === 'desc' ? 'desc' : 'asc' };
    })
    .map((spec) => {
      if (spec.field !== '_doc') checkField(spec.field);
      return spec as SortSpec;
    });
}

/** The `_sort` values a hit carries: dates as epoch millis, keywords as strings. */
export function sortValues(key: StoredApiKey, specs: SortSpec[], position: number): Value[] {
  return specs.map((spec) => (spec.field === '_doc' ? position : ((fieldValues(key, spec.field)[0] ?? null) as Value)));
}

export function compareSortValues(left: Value[], right: unknown[], specs: SortSpec[]): number {
  for (let index = 0; index < specs.length; index++) {
    const a = left[index];
    const b = right[index] as Value | null;
    if (a === b) continue;
    // Missing values sort last in both orders (_last).
    if (a === null || a === undefined) return 1;
    if (b === null || b === undefined) return -1;
    const diff = a < b ? -1 : 1;
    return specs[index]!.order === 'desc' ? -diff : diff;
  }
  return 0;
}

function bucketKey(field: string, value: Value): Record<string, unknown> {
  if (typeof value === 'boolean') return { key: value ? 1 : 0, key_as_string: String(value) };
  if (DATE_FIELDS.has(field)) return { key: value, key_as_string: new Date(value as number).toISOString() };
  return { key: value };
}

/** ApiKeyAggregationsBuilder.verifyRequested plus the aggregation results, over the matching keys. */
export function runAggregations(aggs: unknown, keys: StoredApiKey[], now: number): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries((aggs ?? {}) as Json)) {
    const definition = spec as Json;
    const subAggs = definition.aggs ?? definition.aggregations;
    const types = Object.keys(definition).filter((key) => key !== 'aggs' && key !== 'aggregations' && key !== 'meta');
    const type = types[0] ?? '';
    const body = (definition[type] ?? {}) as Json;
    const withSub = (subset: StoredApiKey[], bucket: Record<string, unknown>) => (subAggs ? { ...bucket, ...runAggregations(subAggs, subset, now) } : bucket);
    if (body.script !== undefined) throw badRequest(`Unsupported script value source for [${name}] agg`);
    switch (type) {
      case 'terms': {
        const field = String(body.field);
        checkField(field);
        const counts = new Map<Value, StoredApiKey[]>();
        for (const key of keys) for (const value of new Set(fieldValues(key, field))) counts.set(value, [...(counts.get(value) ?? []), key]);
        const sorted = [...counts.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
        const size = Number(body.size ?? 10);
        result[name] = {
          doc_count_error_upper_bound: 0,
          sum_other_doc_count: sorted.slice(size).reduce((sum, [, subset]) => sum + subset.length, 0),
          buckets: sorted.slice(0, size).map(([value, subset]) => withSub(subset, { ...bucketKey(field, value), doc_count: subset.length })),
        };
        break;
      }
      case 'range':
      case 'date_range': {
        const field = String(body.field);
        checkField(field);
        const toNumber = (value: unknown) => (type === 'date_range' || DATE_FIELDS.has(field) ? dateValue(value, now) : Number(value));
        result[name] = {
          buckets: asList(body.ranges).map((range) => {
            const bounds = range as Json;
            const from = bounds.from === undefined ? undefined : toNumber(bounds.from);
            const to = bounds.to === undefined ? undefined : toNumber(bounds.to);
            const subset = keys.filter((key) => fieldValues(key, field).some((value) => (from === undefined || Number(value) >= from) && (to === undefined || Number(value) < to)));
            const label = (value: number | undefined) => (value === undefined ? '*' : type === 'date_range' ? new Date(value).toISOString() : String(value));
            return withSub(subset, {
              key: bounds.key ?? `${label(from)}-${label(to)}`,
              ...(from !== undefined ? { from, ...(type === 'date_range' ? { from_as_string: label(from) } : {}) } : {}),
              ...(to !== undefined ? { to, ...(type === 'date_range' ? { to_as_string: label(to) } : {}) } : {}),
              doc_count: subset.length,
            });
          }),
        };
        break;
      }
      case 'missing': {
        const field = String(body.field);
        checkField(field);
        const subset = keys.filter((key) => fieldValues(key, field).length === 0);
        result[name] = withSub(subset, { doc_count: subset.length });
        break;
      }
      case 'cardinality':
      case 'value_count': {
        const field = String(body.field);
        checkField(field);
        const values = keys.flatMap((key) => fieldValues(key, field));
        result[name] = { value: type === 'cardinality' ? new Set(values).size : values.length };
        break;
      }
      case 'composite': {
        const sources = asList(body.sources).map((source) => {
          const [sourceName, sourceSpec] = Object.entries(source as Json)[0]!;
          const [sourceType, sourceBody] = Object.entries(sourceSpec as Json)[0]!;
          if (sourceType !== 'terms') throw badRequest(`Unsupported value source type for [${sourceName}] of composite agg [${name}].Only [terms] value sources are allowed.`);
          const field = String((sourceBody as Json).field);
          checkField(field);
          return { name: sourceName, field };
        });
        const groups = new Map<string, { key: Record<string, Value>; keys: StoredApiKey[] }>();
        for (const key of keys) {
          const combos = sources.reduce<Array<Record<string, Value>>>((acc, source) => acc.flatMap((combo) => [...new Set(fieldValues(key, source.field))].map((value) => ({ ...combo, [source.name]: value }))), [{}]);
          for (const combo of combos) {
            const id = JSON.stringify(combo);
            groups.set(id, { key: combo, keys: [...(groups.get(id)?.keys ?? []), key] });
          }
        }
        const order = (a: Record<string, Value>, b: Record<string, Value>) => {
          for (const source of sources) if (a[source.name] !== b[source.name]) return a[source.name]! < b[source.name]! ? -1 : 1;
          return 0;
        };
        const after = body.after as Record<string, Value> | undefined;
        const buckets = [...groups.values()]
          .sort((a, b) => order(a.key, b.key))
          .filter((group) => !after || order(group.key, after) > 0)
          .slice(0, Number(body.size ?? 10));
        result[name] = {
          ...(buckets.length > 0 ? { after_key: buckets[buckets.length - 1]!.key } : {}),
          buckets: buckets.map((group) => withSub(group.keys, { key: group.key, doc_count: group.keys.length })),
        };
        break;
      }
      case 'filter': {
        const subset = keys.filter(compileQuery(body, now));
        result[name] = withSub(subset, { doc_count: subset.length });
        break;
      }
      case 'filters': {
        const filters = body.filters;
        if (Array.isArray(filters)) {
          result[name] = {
            buckets: filters.map((filter) => {
              const subset = keys.filter(compileQuery(filter, now));
              return withSub(subset, { doc_count: subset.length });
            }),
          };
        } else {
          result[name] = {
            buckets: Object.fromEntries(
              Object.entries((filters ?? {}) as Json).map(([bucket, filter]) => {
                const subset = keys.filter(compileQuery(filter, now));
                return [bucket, withSub(subset, { doc_count: subset.length })];
              }),
            ),
          };
        }
        break;
      }
      default:
        throw badRequest(`Unsupported API Keys agg [${name}] of type [${type}]`);
    }
  }
  return result;
}
