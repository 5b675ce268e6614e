import type { Route, RouteContext } from '../rest-request.js';
import { jsonBody, ok, queryFlag } from '../rest-request.js';
import { guardIndexExpressions, guardIndices } from '../guard.js';
import { ElasticsearchError, indexNotFound, parsingError } from '../rest-errors.js';
import { randomId } from '../../security/passwords.js';
import { indexActionAllowed, accessDenied } from '../../security/authorization.js';
import { count, queryFromQueryString, search, type SearchRequest } from '../../data/search.js';
import { validateIndexName, type BulkOperation, type NewIndex } from '../../data/document-commands.js';
import type { StoredIndex } from '../../cluster/cluster-state.js';
import { indexClosed } from './alias-handlers.js';
import { readAccess, restrictIndex } from '../../security/document-field-security.js';

const WRITE_TIMEOUT = 60000;

/** A node that never joined a formed cluster has ES's STATE_NOT_RECOVERED block: reads fail with 503 too. */
function requireRecoveredState(context: RouteContext): void {
  if (!context.node.appliedState()) {
    throw new ElasticsearchError(503, 'cluster_block_exception', 'blocked by: [SERVICE_UNAVAILABLE/1/state not recovered / initialized];');
  }
}

function newIndexDefinition(context: RouteContext, body?: Record<string, unknown>): NewIndex {
  return {
    uuid: randomId(22),
    creationDate: context.node.now(),
    settings: (body?.settings as Record<string, unknown> | undefined) ?? {},
    mappings: (body?.mappings as Record<string, unknown> | undefined) ?? {},
    aliases: (body?.aliases as Record<string, unknown> | undefined) ?? {},
  };
}

function splitNames(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

async function createIndex(context: RouteContext) {
  const index = context.params.index!;
  guardIndices(context, 'indices:admin/create', [index]);
  validateIndexName(index);
  return context.node.submit({ kind: 'create_index', index, definition: newIndexDefinition(context, jsonBody(context.request)) }, WRITE_TIMEOUT);
}

async function deleteIndex(context: RouteContext) {
  const names = splitNames(context.params.index);
  if (names.some((name) => name.includes('*') || name === '_all')) {
    // action.destructive_requires_name defaults to true in 8.x+
    throw new ElasticsearchError(400, 'illegal_argument_exception', 'Wildcard expressions or all indices are not allowed');
  }
  guardIndices(context, 'indices:admin/delete', names);
  return context.node.submit({ kind: 'delete_indices', indices: names }, WRITE_TIMEOUT);
}

function getIndex(context: RouteContext) {
  requireRecoveredState(context);
  const resolved = guardIndexExpressions(context, 'indices:admin/get', splitNames(context.params.index));
  const indices = context.node.metadata().indices;
  const missing = resolved.concrete.find((name) => !indices[name]);
  if (missing) throw indexNotFound(missing);
  if (context.request.method === 'HEAD') return ok('', 200);
  return ok(
    Object.fromEntries(
      resolved.authorized.map((name) => {
        const index = indices[name]!;
        const { number_of_shards, number_of_replicas, ...rest } = index.settings;
        return [
          name,
          {
            aliases: index.aliases,
            mappings: index.mappings,
            settings: {
              index: {
                ...rest,
                number_of_shards: String(number_of_shards),
                number_of_replicas: String(number_of_replicas),
                uuid: index.uuid,
                creation_date: String(index.creationDate),
                provided_name: name,
                version: { created: '9033000' },
              },
            },
          },
        ];
      }),
    ),
  );
}

/** A write to a missing index auto-creates it, which needs its own privilege (indices:admin/auto_create). */
function autoCreateFor(context: RouteContext, index: string): NewIndex | undefined {
  if (context.node.metadata().indices[index]) return undefined;
  validateIndexName(index);
  guardIndices(context, 'indices:admin/auto_create', [index]);
  return newIndexDefinition(context);
}

async function indexDocument(context: RouteContext, opType: 'index' | 'create', id: string | undefined) {
  const index = context.params.index!;
  const source = jsonBody<Record<string, unknown>>(context.request, true)!;
  const effectiveOpType = context.request.query.get('op_type') === 'create' ? 'create' : opType;
  const autoCreate = autoCreateFor(context, index);
  guardIndices(context, 'indices:data/write/index', [index], { opType: effectiveOpType });
  return context.node.submit({ kind: 'index_document', index, id: id ?? randomId(20), source, opType: effectiveOpType, autoCreate }, WRITE_TIMEOUT);
}

function getDocument(context: RouteContext) {
  requireRecoveredState(context);
  const { index, id } = context.params as { index: string; id: string };
  guardIndices(context, 'indices:data/read/get', [index]);
  const stored = context.node.metadata().indices[index];
  if (!stored) throw indexNotFound(index);
  if (stored.closed) throw indexClosed(index, stored.uuid);
  // A document the role query hides is not found (DocumentSubsetReader); FLS filters its source (FieldSubsetReader).
  const access = readAccess(context.subject, 'indices:data/read/get', [index]);
  const document = stored.documents[id];
  if (!document || (access && !access.visible(id, document.source))) return ok({ _index: index, _id: id, found: false }, 404);
  if (context.request.method === 'HEAD') return ok('', 200);
  const source = access ? access.source(document.source) : document.source;
  if (context.request.path.includes('/_source/')) return ok(source);
  return ok({ _index: index, _id: id, _version: document.version, _seq_no: document.seqNo, _primary_term: document.primaryTerm, found: true, _source: source });
}

async function updateDocument(context: RouteContext) {
  const { index, id } = context.params as { index: string; id: string };
  guardIndices(context, 'indices:data/write/update', [index]);
  const body = jsonBody<Record<string, unknown>>(context.request, true)!;
  if (!body.doc || typeof body.doc !== 'object') throw new ElasticsearchError(400, 'action_request_validation_exception', 'Validation Failed: 1: script or doc is missing;');
  return context.node.submit({ kind: 'update_document', index, id, doc: body.doc as Record<string, unknown> }, WRITE_TIMEOUT);
}

async function deleteDocument(context: RouteContext) {
  const { index, id } = context.params as { index: string; id: string };
  guardIndices(context, 'indices:data/write/delete', [index]);
  return context.node.submit({ kind: 'delete_document', index, id }, WRITE_TIMEOUT);
}

function searchTargets(context: RouteContext): Array<[string, StoredIndex]> {
  requireRecoveredState(context);
  const expressions = splitNames(context.params.index);
  const resolved = guardIndexExpressions(context, 'indices:data/read/search', expressions);
  const indices = context.node.metadata().indices;
  // A concrete name may be an alias: it was authorized by its own name, and reads the indices behind it.
  const behindAlias = (name: string) => Object.keys(indices).filter((index) => name in indices[index]!.aliases);
  const targets = new Set(resolved.authorized);
  for (const name of resolved.concrete) if (!indices[name]) behindAlias(name).forEach((index) => targets.add(index));
  if (!queryFlag(context.request, 'ignore_unavailable')) {
    const missing = resolved.concrete.find((name) => !indices[name] && behindAlias(name).length === 0);
    if (missing) throw indexNotFound(missing);
    const closed = resolved.concrete.find((name) => indices[name]?.closed);
    if (closed) throw indexClosed(closed, indices[closed]!.uuid);
  }
  // DLS/FLS: each index is read as the user may see it, with the groups on its own name and on the aliases it was named by.
  const readThrough = (index: string) => [index, ...resolved.concrete.filter((name) => !indices[name] && name in indices[index]!.aliases)];
  return [...targets]
    .filter((name) => indices[name] && !indices[name]!.closed)
    .sort()
    .map((name) => [name, restrictIndex(indices[name]!, readAccess(context.subject, 'indices:data/read/search', readThrough(name)))]);
}

function searchRequest(context: RouteContext): SearchRequest {
  const body = jsonBody<SearchRequest>(context.request) ?? {};
  const q = context.request.query.get('q');
  if (q) body.query = queryFromQueryString(q);
  const size = context.request.query.get('size');
  if (size !== null) body.size = Number(size);
  const from = context.request.query.get('from');
  if (from !== null) body.from = Number(from);
  const sort = context.request.query.get('sort');
  if (sort) body.sort = sort.split(',');
  return body;
}

function searchHandler(context: RouteContext) {
  const started = Date.now();
  const targets = searchTargets(context);
  const body = search(targets, searchRequest(context), Date.now() - started);
  // rest_total_hits_as_int=true: the 6.x shape, hits.total as a plain number (RestSearchAction).
  if (queryFlag(context.request, 'rest_total_hits_as_int')) return ok({ ...body, hits: { ...body.hits, total: body.hits.total.value } });
  return ok(body);
}

function countHandler(context: RouteContext) {
  const targets = searchTargets(context);
  const request = searchRequest(context);
  return ok({ count: count(targets, request.query), _shards: { total: targets.length, successful: targets.length, skipped: 0, failed: 0 } });
}

function refreshHandler(context: RouteContext) {
  const resolved = guardIndexExpressions(context, 'indices:admin/refresh', splitNames(context.params.index));
  return ok({ _shards: { total: resolved.authorized.length * 2, successful: resolved.authorized.length, failed: 0 } });
}

/** NDJSON: action line then (except delete) a source line. Per-item authorization failures become item errors. */
async function bulkHandler(context: RouteContext) {
  const started = Date.now();
  const lines = context.request.body
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  if (lines.length === 0) throw new ElasticsearchError(400, 'action_request_validation_exception', 'Validation Failed: 1: no requests added;');
  const operations: BulkOperation[] = [];
  const pendingCreates = new Map<string, NewIndex>();
  for (let position = 0; position < lines.length; position++) {
    let action: Record<string, Record<string, unknown>>;
    try {
      action = JSON.parse(lines[position]!);
    } catch {
      throw parsingError(`Malformed action/metadata line [${position + 1}], expected START_OBJECT or END_OBJECT but found [VALUE_STRING]`);
    }
    const op = Object.keys(action)[0] as 'index' | 'create' | 'delete' | 'update';
    if (!['index', 'create', 'delete', 'update'].includes(op))
      throw new ElasticsearchError(400, 'illegal_argument_exception', `Malformed action/metadata line [${position + 1}], expected one of [create, delete, index, update] but found [${op}]`);
    const meta = action[op]!;
    const index = String(meta._index ?? context.params.index ?? '');
    const id = meta._id === undefined ? undefined : String(meta._id);
    let source: Record<string, unknown> | undefined;
    if (op !== 'delete') source = JSON.parse(lines[++position] ?? '{}');
    if (!index) {
      operations.push({ op: 'failed', action: op, index, id, status: 400, error: { type: 'action_request_validation_exception', reason: 'Validation Failed: 1: index is missing;' } });
      continue;
    }
    const subject = context.subject;
    const bulkAllowed = indexActionAllowed(subject, index, 'indices:data/write/bulk[s]', { opType: 'create' }) || indexActionAllowed(subject, index, 'indices:data/write/delete');
    const itemAction = op === 'delete' ? 'indices:data/write/delete' : op === 'update' ? 'indices:data/write/update' : 'indices:data/write/index';
    const denial = !bulkAllowed
      ? accessDenied(subject, 'indices:data/write/bulk[s]', 'index', [index])
      : !indexActionAllowed(subject, index, itemAction, { opType: op === 'create' ? 'create' : 'index' })
        ? accessDenied(subject, itemAction, 'index', [index])
        : undefined;
    const exists = Boolean(context.node.metadata().indices[index]) || pendingCreates.has(index);
    const autoCreateDenied = !exists && op !== 'delete' && !indexActionAllowed(subject, index, 'indices:admin/auto_create') ? accessDenied(subject, 'indices:admin/auto_create', 'index', [index]) : undefined;
    const failure = autoCreateDenied ?? denial;
    if (failure) {
      context.node.audit.record('transport', 'access_denied', {
        'user.name': subject.username,
        action: itemAction,
        indices: [index],
        'origin.type': 'rest',
        'origin.address': `${context.request.remoteAddress}:${context.request.remotePort}`,
      });
      operations.push({ op: 'failed', action: op, index, id, status: 403, error: { type: 'security_exception', reason: failure.reason } });
      continue;
    }
    if (op === 'delete') operations.push({ op, index, id: id! });
    else if (op === 'update') operations.push({ op, index, id: id!, doc: (source!.doc as Record<string, unknown>) ?? {} });
    else {
      let autoCreate: NewIndex | undefined;
      if (!exists) {
        autoCreate = newIndexDefinition(context);
        pendingCreates.set(index, autoCreate);
      }
      operations.push({ op, index, id: id ?? randomId(20), source: source!, autoCreate });
    }
  }
  return context.node.submit({ kind: 'bulk', operations, took: Date.now() - started }, WRITE_TIMEOUT);
}

function catIndices(context: RouteContext) {
  const resolved = guardIndexExpressions(context, 'indices:monitor/stats', splitNames(context.params.index));
  const state = context.node.appliedState();
  const dataNodes = state?.nodes.filter((n) => n.roles.includes('data')).length ?? 1;
  const rows = resolved.authorized.map((name) => {
    const index = context.node.metadata().indices[name]!;
    const health = 1 + index.settings.number_of_replicas <= dataNodes ? 'green' : 'yellow';
    return {
      health,
      status: 'open',
      index: name,
      uuid: index.uuid,
      pri: String(index.settings.number_of_shards),
      rep: String(index.settings.number_of_replicas),
      'docs.count': String(Object.keys(index.documents).length),
      'docs.deleted': '0',
      'store.size': '1kb',
      'pri.store.size': '1kb',
      'dataset.size': '1kb',
    };
  });
  const columns = ['health', 'status', 'index', 'uuid', 'pri', 'rep', 'docs.count', 'docs.deleted', 'store.size', 'pri.store.size', 'dataset.size'];
  if (context.request.query.get('format') === 'json') return ok(rows);
  const text = rows.map((row) => columns.map((column) => (row as Record<string, string>)[column]).join(' ')).join('\n');
  return { status: 200, body: text ? text + '\n' : '', headers: { 'content-type': 'text/plain; charset=UTF-8' } };
}

export const documentRoutes: Route[] = [
  { methods: ['PUT'], pattern: '/{index}', handler: createIndex },
  { methods: ['DELETE'], pattern: '/{index}', handler: deleteIndex },
  { methods: ['GET'], pattern: '/{index}', handler: getIndex },
  { methods: ['PUT', 'POST'], pattern: '/{index}/_doc/{id}', handler: (c) => indexDocument(c, 'index', c.params.id) },
  { methods: ['POST'], pattern: '/{index}/_doc', handler: (c) => indexDocument(c, 'index', undefined) },
  { methods: ['PUT', 'POST'], pattern: '/{index}/_create/{id}', handler: (c) => indexDocument(c, 'create', c.params.id) },
  { methods: ['GET'], pattern: '/{index}/_doc/{id}', handler: getDocument },
  { methods: ['GET'], pattern: '/{index}/_source/{id}', handler: getDocument },
  { methods: ['DELETE'], pattern: '/{index}/_doc/{id}', handler: deleteDocument },
  { methods: ['POST'], pattern: '/{index}/_update/{id}', handler: updateDocument },
  { methods: ['GET', 'POST'], pattern: '/_search', handler: searchHandler },
  { methods: ['GET', 'POST'], pattern: '/{index}/_search', handler: searchHandler },
  { methods: ['GET', 'POST'], pattern: '/_count', handler: countHandler },
  { methods: ['GET', 'POST'], pattern: '/{index}/_count', handler: countHandler },
  { methods: ['GET', 'POST'], pattern: '/_refresh', handler: refreshHandler },
  { methods: ['GET', 'POST'], pattern: '/{index}/_refresh', handler: refreshHandler },
  { methods: ['POST', 'PUT'], pattern: '/_bulk', handler: bulkHandler },
  { methods: ['POST', 'PUT'], pattern: '/{index}/_bulk', handler: bulkHandler },
  { methods: ['GET'], pattern: '/_cat/indices', handler: catIndices },
  { methods: ['GET'], pattern: '/_cat/indices/{index}', handler: catIndices },
];
