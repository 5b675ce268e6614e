import type { ClusterMetadata, RestResult, StoredIndex } from '../cluster/cluster-state.js';
import { ElasticsearchError, indexNotFound } from '../http/rest-errors.js';

export interface NewIndex {
  uuid: string;
  creationDate: number;
  settings?: Record<string, unknown>;
  mappings?: Record<string, unknown>;
  aliases?: Record<string, unknown>;
}

export type BulkOperation =
  | { op: 'index' | 'create'; index: string; id: string; source: Record<string, unknown>; autoCreate?: NewIndex }
  | { op: 'delete'; index: string; id: string }
  | { op: 'update'; index: string; id: string; doc: Record<string, unknown> }
  /** Items the receiving node already rejected (e.g. 403), kept so the response lines up with the request. */
  | { op: 'failed'; action: 'index' | 'create' | 'delete' | 'update'; index: string; id?: string; status: number; error: Record<string, unknown> };

export type DocumentCommand =
  | { kind: 'create_index'; index: string; definition: NewIndex }
  | { kind: 'delete_indices'; indices: string[] }
  | { kind: 'index_document'; index: string; id: string; source: Record<string, unknown>; opType: 'index' | 'create'; autoCreate?: NewIndex }
  | { kind: 'update_document'; index: string; id: string; doc: Record<string, unknown> }
  | { kind: 'delete_document'; index: string; id: string }
  | { kind: 'bulk'; operations: BulkOperation[]; took: number };

export interface ApplyContext {
  dataNodeCount: number;
}

const INVALID_INDEX_CHARACTERS = ['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':'];

/** MetadataCreateIndexService.validateIndexOrAliasName wording. */
export function validateIndexName(index: string): void {
  const invalid = (why: string) => new ElasticsearchError(400, 'invalid_index_name_exception', `Invalid index name [${index}], ${why}`, { index_uuid: '_na_', index });
  if (index !== index.toLowerCase()) throw invalid('must be lowercase');
  if (index.startsWith('_') || index.startsWith('-') || index.startsWith('+')) throw invalid("must not start with '_', '-', or '+'");
  const bad = INVALID_INDEX_CHARACTERS.find((character) => index.includes(character));
  if (bad) throw invalid(`must not contain the following characters [${INVALID_INDEX_CHARACTERS.join(', ')}]`);
}

function shards(index: StoredIndex, context: ApplyContext) {
  const total = 1 + index.settings.number_of_replicas;
  return { total, successful: Math.max(1, Math.min(total, context.dataNodeCount)), failed: 0 };
}

function createIndex(metadata: ClusterMetadata, name: string, definition: NewIndex): StoredIndex {
  validateIndexName(name);
  const existing = metadata.indices[name];
  if (existing) {
    throw new ElasticsearchError(400, 'resource_already_exists_exception', `index [${name}/${existing.uuid}] already exists`, { index_uuid: existing.uuid, index: name });
  }
  const flat = flattenIndexSettings(definition.settings ?? {});
  const index: StoredIndex = {
    uuid: definition.uuid,
    creationDate: definition.creationDate,
    settings: {
      ...flat,
      number_of_shards: Number(flat.number_of_shards ?? 1),
      number_of_replicas: Number(flat.number_of_replicas ?? (name.startsWith('.') ? 0 : 1)),
    },
    mappings: definition.mappings ?? {},
    aliases: definition.aliases ?? {},
    documents: {},
    nextSeqNo: 0,
  };
  metadata.indices[name] = index;
  return index;
}

/** Index settings may come as {index:{number_of_replicas}} or {"index.number_of_replicas"} or {number_of_replicas}. */
function flattenIndexSettings(settings: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const visit = (value: unknown, prefix: string) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, child] of Object.entries(value as Record<string, unknown>)) visit(child, prefix ? `${prefix}.${key}` : key);
    } else out[prefix.replace(/^index\./, '')] = value;
  };
  visit(settings, '');
  return out;
}

function writeResult(name: string, index: StoredIndex, id: string, result: string, context: ApplyContext, version: number, seqNo: number) {
  return { _index: name, _id: id, _version: version, result, _shards: shards(index, context), _seq_no: seqNo, _primary_term: 1 };
}

function indexDocument(metadata: ClusterMetadata, name: string, id: string, source: Record<string, unknown>, opType: 'index' | 'create', autoCreate: NewIndex | undefined, context: ApplyContext): RestResult {
  let index = metadata.indices[name];
  if (!index) {
    if (!autoCreate) throw indexNotFound(name);
    index = createIndex(metadata, name, autoCreate);
  }
  const existing = index.documents[id];
  if (existing && opType === 'create') {
    throw new ElasticsearchError(409, 'version_conflict_engine_exception', `[${id}]: version conflict, document already exists (current version [${existing.version}])`, {
      index_uuid: index.uuid,
      shard: '0',
      index: name,
    });
  }
  const seqNo = index.nextSeqNo++;
  const version = existing ? existing.version + 1 : 1;
  index.documents[id] = { source, version, seqNo, primaryTerm: 1 };
  const body = writeResult(name, index, id, existing ? 'updated' : 'created', context, version, seqNo);
  // DocWriteResponse.getLocation URL-encodes the index and the id (a raw non-ASCII header value cannot be sent).
  return { status: existing ? 200 : 201, body, headers: existing ? undefined : { Location: `/${encodeURIComponent(name)}/_doc/${encodeURIComponent(id)}` } };
}

function deepMerge(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' && !Array.isArray(current)
        ? deepMerge(current as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

function updateDocument(metadata: ClusterMetadata, name: string, id: string, doc: Record<string, unknown>, context: ApplyContext): RestResult {
  const index = metadata.indices[name];
  if (!index) throw indexNotFound(name);
  const existing = index.documents[id];
  if (!existing) {
    throw new ElasticsearchError(404, 'document_missing_exception', `[${id}]: document missing`, { index_uuid: index.uuid, shard: '0', index: name });
  }
  const merged = deepMerge(existing.source, doc);
  if (JSON.stringify(merged) === JSON.stringify(existing.source)) {
    return { status: 200, body: { _index: name, _id: id, _version: existing.version, result: 'noop', _shards: { total: 0, successful: 0, failed: 0 }, _seq_no: existing.seqNo, _primary_term: 1 } };
  }
  const seqNo = index.nextSeqNo++;
  const version = existing.version + 1;
  index.documents[id] = { source: merged, version, seqNo, primaryTerm: 1 };
  return { status: 200, body: writeResult(name, index, id, 'updated', context, version, seqNo) };
}

function deleteDocument(metadata: ClusterMetadata, name: string, id: string, context: ApplyContext): RestResult {
  const index = metadata.indices[name];
  if (!index) throw indexNotFound(name);
  const existing = index.documents[id];
  const seqNo = index.nextSeqNo++;
  if (!existing) return { status: 404, body: writeResult(name, index, id, 'not_found', context, 1, seqNo) };
  delete index.documents[id];
  return { status: 200, body: writeResult(name, index, id, 'deleted', context, existing.version + 1, seqNo) };
}

function bulk(metadata: ClusterMetadata, operations: BulkOperation[], took: number, context: ApplyContext): RestResult {
  const items: Array<Record<string, unknown>> = [];
  let errors = false;
  for (const operation of operations) {
    if (operation.op === 'failed') {
      errors = true;
      items.push({ [operation.action]: { _index: operation.index, _id: operation.id ?? null, status: operation.status, error: operation.error } });
      continue;
    }
    try {
      let result: RestResult;
      if (operation.op === 'delete') result = deleteDocument(metadata, operation.index, operation.id, context);
      else if (operation.op === 'update') result = updateDocument(metadata, operation.index, operation.id, operation.doc, context);
      else result = indexDocument(metadata, operation.index, operation.id, operation.source, operation.op, operation.autoCreate, context);
      items.push({ [operation.op]: { ...(result.body as Record<string, unknown>), status: result.status } });
    } catch (error) {
      if (!(error instanceof ElasticsearchError)) throw error;
      errors = true;
      items.push({ [operation.op]: { _index: operation.index, _id: operation.id, status: error.status, error: { type: error.type, reason: error.reason, ...error.extra } } });
    }
  }
  return { status: 200, body: { errors, took, items } };
}

export function applyDocumentCommand(metadata: ClusterMetadata, command: DocumentCommand, context: ApplyContext): RestResult {
  switch (command.kind) {
    case 'create_index':
      createIndex(metadata, command.index, command.definition);
      return { status: 200, body: { acknowledged: true, shards_acknowledged: true, index: command.index } };
    case 'delete_indices':
      for (const index of command.indices) if (!metadata.indices[index]) throw indexNotFound(index);
      for (const index of command.indices) delete metadata.indices[index];
      return { status: 200, body: { acknowledged: true } };
    case 'index_document':
      return indexDocument(metadata, command.index, command.id, command.source, command.opType, command.autoCreate, context);
    case 'update_document':
      return updateDocument(metadata, command.index, command.id, command.doc, context);
    case 'delete_document':
      return deleteDocument(metadata, command.index, command.id, context);
    case 'bulk':
      return bulk(metadata, command.operations, command.took, context);
  }
}
