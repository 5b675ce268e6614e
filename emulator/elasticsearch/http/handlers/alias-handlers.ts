import type { Route, RouteContext } from '../rest-request.js';
import { jsonBody, ok } from '../rest-request.js';
import { guardIndexExpressions, guardIndices } from '../guard.js';
import { ElasticsearchError, indexNotFound, validationFailed } from '../rest-errors.js';
import { accessDenied, indexActionAllowed } from '../../security/authorization.js';
import { matchesPattern } from '../../security/privileges.js';
import type { AliasAction } from '../../data/index-state-commands.js';
import { readAccess } from '../../security/document-field-security.js';

/**
 * Aliases (indices.put_alias, delete_alias, get_alias, update_aliases), open/close (indices.close, indices.open) and
 * _mget. Alias writes need `manage` on the indices and on the alias names (RBACEngine authorizes IndicesAliasesRequest
 * against both); reads through an alias are authorized against the alias name.
 */
const WRITE_TIMEOUT = 30000;

function splitNames(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

function concreteIndices(context: RouteContext, expressions: string[]): string[] {
  const indices = Object.keys(context.node.metadata().indices);
  return [
    ...new Set(
      expressions.flatMap((expression) => {
        if (expression.includes('*') || expression === '_all') return indices.filter((name) => !name.startsWith('.') && matchesPattern(expression === '_all' ? '*' : expression, name));
        if (!context.node.metadata().indices[expression]) throw indexNotFound(expression);
        return [expression];
      }),
    ),
  ];
}

function guardAliasNames(context: RouteContext, aliases: string[]): void {
  const denied = aliases.filter((alias) => !indexActionAllowed(context.subject, alias, 'indices:admin/aliases'));
  if (denied.length > 0) throw accessDenied(context.subject, 'indices:admin/aliases', 'index', denied);
}

function asList(single: unknown, plural: unknown): string[] {
  if (Array.isArray(plural)) return plural.map(String);
  if (typeof plural === 'string') return [plural];
  if (typeof single === 'string') return [single];
  return [];
}

async function updateAliases(context: RouteContext) {
  const body = jsonBody<{ actions?: Array<Record<string, Record<string, unknown>>> }>(context.request, true)!;
  if (!Array.isArray(body.actions) || body.actions.length === 0) throw validationFailed('no action specified');
  const actions: AliasAction[] = [];
  const touchedIndices: string[] = [];
  const touchedAliases: string[] = [];
  for (const entry of body.actions) {
    const [type, spec] = Object.entries(entry)[0] ?? [];
    if (type !== 'add' && type !== 'remove' && type !== 'remove_index') throw new ElasticsearchError(400, 'x_content_parse_exception', `[1:1] [aliases] unknown field [${type}]`);
    const indexExpressions = asList(spec!.index, spec!.indices);
    if (indexExpressions.length === 0) throw validationFailed('One of [index/indices] is required');
    const aliases = asList(spec!.alias, spec!.aliases);
    if (type !== 'remove_index' && aliases.length === 0) throw validationFailed('One of [alias/aliases] is required');
    for (const index of concreteIndices(context, indexExpressions)) {
      touchedIndices.push(index);
      if (type === 'remove_index') actions.push({ type, index });
      for (const alias of type === 'remove_index' ? [] : aliases) {
        touchedAliases.push(alias);
        if (type === 'add') actions.push({ type, index, alias, isWriteIndex: spec!.is_write_index as boolean | undefined, filter: spec!.filter, routing: spec!.routing as string | undefined });
        else actions.push({ type, index, alias, mustExist: spec!.must_exist as boolean | undefined });
      }
    }
  }
  guardIndices(context, 'indices:admin/aliases', [...new Set(touchedIndices)]);
  guardAliasNames(context, [...new Set(touchedAliases)]);
  return context.node.submit({ kind: 'update_aliases', actions, response: 'aliases' }, WRITE_TIMEOUT);
}

async function putAlias(context: RouteContext) {
  const body = jsonBody<Record<string, unknown>>(context.request) ?? {};
  const indices = concreteIndices(context, splitNames(context.params.index));
  guardIndices(context, 'indices:admin/aliases', indices);
  const aliases = splitNames(context.params.name);
  guardAliasNames(context, aliases);
  const actions: AliasAction[] = indices.flatMap((index) =>
    aliases.map((alias) => ({ type: 'add' as const, index, alias, isWriteIndex: body.is_write_index as boolean | undefined, filter: body.filter, routing: body.routing as string | undefined })),
  );
  return context.node.submit({ kind: 'update_aliases', actions, response: 'acknowledged' }, WRITE_TIMEOUT);
}

async function deleteAlias(context: RouteContext) {
  const indices = concreteIndices(context, splitNames(context.params.index));
  guardIndices(context, 'indices:admin/aliases', indices);
  const aliases = splitNames(context.params.name);
  guardAliasNames(context, aliases);
  const metadata = context.node.metadata();
  const actions: AliasAction[] = indices.flatMap((index) =>
    aliases.flatMap((pattern) =>
      Object.keys(metadata.indices[index]!.aliases)
        .filter((alias) => matchesPattern(pattern, alias))
        .map((alias) => ({ type: 'remove' as const, index, alias })),
    ),
  );
  // MetadataIndexAliasesService: nothing matched → aliases_not_found_exception for the names asked.
  if (actions.length === 0) throw new ElasticsearchError(404, 'aliases_not_found_exception', `aliases [${aliases.join(',')}] missing`, { 'resource.type': 'aliases', 'resource.id': aliases.join(',') });
  return context.node.submit({ kind: 'update_aliases', actions, response: 'acknowledged' }, WRITE_TIMEOUT);
}

/** GET /_alias[/{name}], /{index}/_alias[/{name}]: indices the user may see, with the aliases asked for. */
function getAliases(context: RouteContext) {
  const resolved = guardIndexExpressions(context, 'indices:admin/aliases/get', splitNames(context.params.index));
  const metadata = context.node.metadata();
  const missingIndex = resolved.concrete.find((name) => !metadata.indices[name]);
  if (missingIndex) throw indexNotFound(missingIndex);
  const patterns = splitNames(context.params.name);
  const body: Record<string, { aliases: Record<string, unknown> }> = {};
  const seen = new Set<string>();
  for (const index of resolved.authorized) {
    const aliases = Object.entries(metadata.indices[index]!.aliases).filter(([alias]) => patterns.length === 0 || patterns.some((pattern) => matchesPattern(pattern, alias)));
    aliases.forEach(([alias]) => seen.add(alias));
    if (patterns.length > 0 && aliases.length === 0) continue;
    body[index] = { aliases: Object.fromEntries(aliases) };
  }
  // RestGetAliasesAction: named aliases that matched nothing → 404 with "alias [x] missing" beside what was found.
  const missing = patterns.filter((pattern) => !pattern.includes('*') && !seen.has(pattern));
  if (missing.length > 0) {
    return ok({ error: `alias${missing.length > 1 ? 'es' : ''} [${missing.join(',')}] missing`, status: 404, ...body }, 404);
  }
  return ok(body);
}

function closeOrOpen(closed: boolean) {
  return async (context: RouteContext) => {
    const action = closed ? 'indices:admin/close' : 'indices:admin/open';
    const resolved = guardIndexExpressions(context, action, splitNames(context.params.index));
    const metadata = context.node.metadata();
    const missing = resolved.concrete.find((name) => !metadata.indices[name]);
    if (missing) throw indexNotFound(missing);
    return context.node.submit({ kind: 'set_indices_closed', indices: resolved.authorized, closed }, WRITE_TIMEOUT);
  };
}

/** MultiGetRequest: `docs` with _index/_id, or `ids` against the path's index; failures stay inline per document. */
function multiGet(context: RouteContext) {
  const body = jsonBody<{ docs?: Array<{ _index?: string; _id?: string }>; ids?: string[] }>(context.request, true)!;
  const defaultIndex = context.params.index;
  const items = body.docs ?? (body.ids ?? []).map((id) => ({ _index: defaultIndex, _id: id }));
  const problems: string[] = [];
  if (items.length === 0) problems.push('no documents to get');
  items.forEach((item, position) => {
    if (!item._index && !defaultIndex) problems.push(`index is missing for doc ${position}`);
    if (item._id === undefined) problems.push(`id is missing for doc ${position}`);
  });
  if (problems.length > 0) throw validationFailed(...problems);
  const metadata = context.node.metadata();
  const docs = items.map((item) => {
    const name = item._index ?? defaultIndex!;
    const id = String(item._id);
    const failure = (error: ElasticsearchError) => ({ _index: name, _id: id, error: error.toBody().error });
    const target = resolveReadTarget(metadata.indices, name);
    if (!indexActionAllowed(context.subject, name, 'indices:data/read/mget[shard]')) return failure(accessDenied(context.subject, 'indices:data/read/mget[shard]', 'index', [name]));
    if (!target) return failure(indexNotFound(name));
    const index = metadata.indices[target]!;
    if (index.closed) return failure(indexClosed(target, index.uuid));
    const document = index.documents[id];
    // DLS hides the document (found: false), FLS filters its source, as for get (document-field-security.ts).
    const access = readAccess(context.subject, 'indices:data/read/mget[shard]', [...new Set([target, name])]);
    if (!document || (access && !access.visible(id, document.source))) return { _index: target, _id: id, found: false };
    const source = access ? access.source(document.source) : document.source;
    return { _index: target, _id: id, _version: document.version, _seq_no: document.seqNo, _primary_term: document.primaryTerm, found: true, _source: source };
  });
  return ok({ docs });
}

/** An index name, or an alias with exactly one index (or a write index) behind it. */
function resolveReadTarget(indices: ReturnType<RouteContext['node']['metadata']>['indices'], name: string): string | undefined {
  if (indices[name]) return name;
  const behind = Object.entries(indices)
    .filter(([, index]) => name in index.aliases)
    .map(([index]) => index);
  return behind.length === 1 ? behind[0] : undefined;
}

export function indexClosed(index: string, uuid: string): ElasticsearchError {
  return new ElasticsearchError(400, 'index_closed_exception', 'closed', { index_uuid: uuid, index });
}

export const aliasRoutes: Route[] = [
  { methods: ['POST'], pattern: '/_aliases', handler: updateAliases },
  { methods: ['GET'], pattern: '/_alias', handler: getAliases },
  { methods: ['GET'], pattern: '/_alias/{name}', handler: getAliases },
  { methods: ['GET'], pattern: '/{index}/_alias', handler: getAliases },
  { methods: ['GET'], pattern: '/{index}/_alias/{name}', handler: getAliases },
  { methods: ['PUT', 'POST'], pattern: '/{index}/_alias/{name}', handler: putAlias },
  { methods: ['PUT', 'POST'], pattern: '/{index}/_aliases/{name}', handler: putAlias },
  { methods: ['DELETE'], pattern: '/{index}/_alias/{name}', handler: deleteAlias },
  { methods: ['DELETE'], pattern: '/{index}/_aliases/{name}', handler: deleteAlias },
  { methods: ['POST'], pattern: '/{index}/_close', handler: closeOrOpen(true) },
  { methods: ['POST'], pattern: '/{index}/_open', handler: closeOrOpen(false) },
  { methods: ['GET', 'POST'], pattern: '/_mget', handler: multiGet },
  { methods: ['GET', 'POST'], pattern: '/{index}/_mget', handler: multiGet },
];
