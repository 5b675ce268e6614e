import type { StoredIndex } from '../cluster/cluster-state.js';
import { ElasticsearchError } from '../http/rest-errors.js';

type Source = Record<string, unknown>;
type Query = Record<string, unknown>;

/** Field values by dotted path; `.keyword` sub-fields resolve to the field itself (dynamic mapping's text+keyword). */
function fieldValues(source: Source, field: string): unknown[] {
  const path = field.endsWith('.keyword') ? field.slice(0, -'.keyword'.length) : field;
  if (path in source) return toArray(source[path]);
  let current: unknown[] = [source];
  for (const part of path.split('.')) {
    current = current.flatMap((value) => (value && typeof value === 'object' && !Array.isArray(value) ? toArray((value as Source)[part]) : []));
  }
  return current;
}

function toArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function equalsTerm(value: unknown, term: unknown): boolean {
  if (typeof value === 'string' && typeof term === 'string') return value === term;
  return String(value) === String(term);
}

function compare(value: unknown, bound: unknown): number {
  if (typeof value === 'number' && (typeof bound === 'number' || !Number.isNaN(Number(bound)))) return value - Number(bound);
  const left = Date.parse(String(value));
  const right = Date.parse(String(bound).replace(/^now$/, new Date().toISOString()));
  if (!Number.isNaN(left) && !Number.isNaN(right)) return left - right;
  return String(value).localeCompare(String(bound));
}

function parseLeaf(query: Query, kind: string): [string, Query] {
  const entries = Object.entries(query[kind] as Query);
  if (entries.length !== 1) throw new ElasticsearchError(400, 'parsing_exception', `[${kind}] query doesn't support multiple fields, found [${entries.map(([k]) => k).join('] and [')}]`);
  const [field, spec] = entries[0]!;
  return [field, spec && typeof spec === 'object' && !Array.isArray(spec) ? (spec as Query) : { value: spec, query: spec }];
}

function clauses(value: unknown): Query[] {
  return toArray(value) as Query[];
}

/** Query DSL subset: match_all, match_none, term, terms, match, match_phrase, range, exists, ids, prefix, wildcard, bool. */
export function matches(query: Query | undefined, id: string, source: Source): boolean {
  if (!query || Object.keys(query).length === 0) return true;
  const kind = Object.keys(query)[0]!;
  switch (kind) {
    case 'match_all':
      return true;
    case 'match_none':
      return false;
    case 'ids':
      return toArray((query.ids as Query).values)
        .map(String)
        .includes(id);
    case 'term': {
      const [field, spec] = parseLeaf(query, kind);
      return fieldValues(source, field).some((value) => equalsTerm(value, spec.value));
    }
    case 'terms': {
      const [field, values] = Object.entries(query.terms as Query).find(([key]) => key !== 'boost')!;
      return fieldValues(source, field).some((value) => toArray(values).some((term) => equalsTerm(value, term)));
    }
    case 'match':
    case 'match_phrase': {
      const [field, spec] = parseLeaf(query, kind);
      const wanted = String(spec.query).toLowerCase();
      const tokens = kind === 'match' ? wanted.split(/\s+/).filter(Boolean) : [wanted];
      return fieldValues(source, field).some((value) => {
        const text = String(value).toLowerCase();
        return tokens.some((token) => text === token || text.split(/[^\p{L}\p{N}_]+/u).includes(token) || (kind === 'match_phrase' && text.includes(token)));
      });
    }
    case 'prefix': {
      const [field, spec] = parseLeaf(query, kind);
      return fieldValues(source, field).some((value) => String(value).startsWith(String(spec.value)));
    }
    case 'wildcard': {
      const [field, spec] = parseLeaf(query, kind);
      const pattern = new RegExp(
        '^' +
          String(spec.value)
            .split('*')
            .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('.*') +
          '$',
      );
      return fieldValues(source, field).some((value) => pattern.test(String(value)));
    }
    case 'exists':
      return fieldValues(source, String((query.exists as Query).field)).length > 0;
    case 'range': {
      const [field, spec] = parseLeaf(query, kind);
      return fieldValues(source, field).some(
        (value) =>
          (spec.gt === undefined || compare(value, spec.gt) > 0) &&
          (spec.gte === undefined || compare(value, spec.gte) >= 0) &&
          (spec.lt === undefined || compare(value, spec.lt) < 0) &&
          (spec.lte === undefined || compare(value, spec.lte) <= 0),
      );
    }
    case 'bool': {
      const bool = query.bool as Query;
      const must = [...clauses(bool.must), ...clauses(bool.filter)];
      const should = clauses(bool.should);
      if (!must.every((clause) => matches(clause, id, source))) return false;
      if (clauses(bool.must_not).some((clause) => matches(clause, id, source))) return false;
      const minimumShould = Number(bool.minimum_should_match ?? (must.length === 0 && should.length > 0 ? 1 : 0));
      return should.filter((clause) => matches(clause, id, source)).length >= minimumShould;
    }
    default:
      throw new ElasticsearchError(400, 'parsing_exception', `unknown query [${kind}]`, { line: 1, col: 1 });
  }
}

/** `q=field:value` or a bare term searched in all fields (the query_string subset scripts use). */
export function queryFromQueryString(q: string): Query {
  const colon = q.indexOf(':');
  if (colon > 0) return { match: { [q.slice(0, colon)]: q.slice(colon + 1).replace(/^"|"$/g, '') } };
  return { bool: { should: [{ multi_match_all_fields: q }] } };
}

interface SortSpec {
  field: string;
  order: 'asc' | 'desc';
}

function parseSort(sort: unknown): SortSpec[] {
  return toArray(sort).flatMap((entry): SortSpec[] => {
    if (typeof entry === 'string') {
      const [field, order] = entry.split(':');
      return [{ field: field!, order: order === 'desc' ? 'desc' : entry === '_score' ? 'desc' : 'asc' }];
    }
    return Object.entries(entry as Query).map(([field, spec]) => ({
      field,
      order: (typeof spec === 'string' ? spec : (spec as Query).order) === 'desc' ? 'desc' : 'asc',
    }));
  });
}

export interface SearchRequest {
  query?: Query;
  size?: number;
  from?: number;
  sort?: unknown;
  _source?: unknown;
}

export interface SearchHit {
  _index: string;
  _id: string;
  _score: number | null;
  _source: Source;
  sort?: unknown[];
}

export function search(indices: Array<[string, StoredIndex]>, request: SearchRequest, took: number) {
  const candidates: Array<{ index: string; id: string; source: Source }> = [];
  for (const [name, index] of indices) {
    for (const [id, document] of Object.entries(index.documents)) {
      if (matchesAllFields(request.query, id, document.source)) candidates.push({ index: name, id, source: document.source });
    }
  }
  const sort = parseSort(request.sort).filter((spec) => spec.field !== '_score');
  if (sort.length > 0) {
    candidates.sort((left, right) => {
      for (const spec of sort) {
        const a = fieldValues(left.source, spec.field)[0];
        const b = fieldValues(right.source, spec.field)[0];
        if (a === b) continue;
        if (a === undefined) return 1;
        if (b === undefined) return -1;
        const order = compare(a, b);
        if (order !== 0) return spec.order === 'asc' ? order : -order;
      }
      return 0;
    });
  }
  const from = Number(request.from ?? 0);
  const size = Number(request.size ?? 10);
  const hits: SearchHit[] = candidates.slice(from, from + size).map((candidate) => ({
    _index: candidate.index,
    _id: candidate.id,
    _score: sort.length > 0 ? null : 1.0,
    _source: candidate.source,
    ...(sort.length > 0 ? { sort: sort.map((spec) => fieldValues(candidate.source, spec.field)[0] ?? null) } : {}),
  }));
  return {
    took,
    timed_out: false,
    _shards: { total: indices.length, successful: indices.length, skipped: 0, failed: 0 },
    hits: { total: { value: candidates.length, relation: 'eq' }, max_score: sort.length > 0 || hits.length === 0 ? null : 1.0, hits },
  };
}

function matchesAllFields(query: Query | undefined, id: string, source: Source): boolean {
  const text = (query?.bool as Query | undefined)?.should;
  if (Array.isArray(text) && text.length === 1 && (text[0] as Query).multi_match_all_fields !== undefined) {
    const wanted = String((text[0] as Query).multi_match_all_fields).toLowerCase();
    return JSON.stringify(source).toLowerCase().includes(wanted);
  }
  return matches(query, id, source);
}

export function count(indices: Array<[string, StoredIndex]>, query: Query | undefined): number {
  let total = 0;
  for (const [, index] of indices) for (const [id, document] of Object.entries(index.documents)) if (matchesAllFields(query, id, document.source)) total++;
  return total;
}
