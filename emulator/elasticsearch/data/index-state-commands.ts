import type { ClusterMetadata, RestResult } from '../cluster/cluster-state.js';
import { ElasticsearchError, indexNotFound } from '../http/rest-errors.js';

/** Alias actions of POST /_aliases (IndicesAliasesRequest.AliasActions), already resolved to concrete index names. */
export type AliasAction =
  | { type: 'add'; index: string; alias: string; isWriteIndex?: boolean; filter?: unknown; routing?: string }
  | { type: 'remove'; index: string; alias: string; mustExist?: boolean }
  | { type: 'remove_index'; index: string };

export type IndexStateCommand = { kind: 'update_aliases'; actions: AliasAction[]; response: 'aliases' | 'acknowledged' } | { kind: 'set_indices_closed'; indices: string[]; closed: boolean };

export const INDEX_STATE_COMMAND_KINDS = new Set(['update_aliases', 'set_indices_closed']);

export function aliasesMissing(names: string[]): ElasticsearchError {
  return new ElasticsearchError(404, 'aliases_not_found_exception', `aliases [${names.join(',')}] missing`, { 'resource.type': 'aliases', 'resource.id': names.join(',') });
}

/** MetadataIndexAliasesService: apply every action, then check each alias has at most one write index. */
function updateAliases(metadata: ClusterMetadata, actions: AliasAction[]): void {
  for (const action of actions) {
    const index = metadata.indices[action.index];
    if (!index) throw indexNotFound(action.index);
    if (action.type === 'remove_index') {
      delete metadata.indices[action.index];
      continue;
    }
    if (action.type === 'remove') {
      if (!(action.alias in index.aliases)) {
        if (action.mustExist === false) continue;
        throw aliasesMissing([action.alias]);
      }
      delete index.aliases[action.alias];
      continue;
    }
    if (metadata.indices[action.alias]) {
      throw new ElasticsearchError(400, 'invalid_alias_name_exception', `Invalid alias name [${action.alias}]: an index or data stream exists with the same name as the alias`, {
        index_uuid: '_na_',
        index: action.alias,
      });
    }
    index.aliases[action.alias] = {
      ...(action.filter !== undefined ? { filter: action.filter } : {}),
      ...(action.routing !== undefined ? { index_routing: action.routing, search_routing: action.routing } : {}),
      ...(action.isWriteIndex !== undefined ? { is_write_index: action.isWriteIndex } : {}),
    };
  }
  const writeIndices = new Map<string, string[]>();
  for (const [name, index] of Object.entries(metadata.indices)) {
    for (const [alias, definition] of Object.entries(index.aliases)) {
      if ((definition as { is_write_index?: boolean }).is_write_index === true) writeIndices.set(alias, [...(writeIndices.get(alias) ?? []), name]);
    }
  }
  for (const [alias, indices] of writeIndices) {
    if (indices.length > 1) throw new ElasticsearchError(400, 'illegal_state_exception', `alias [${alias}] has more than one write index [${indices.sort().join(',')}]`);
  }
}

export function applyIndexStateCommand(metadata: ClusterMetadata, command: IndexStateCommand): RestResult {
  switch (command.kind) {
    case 'update_aliases':
      updateAliases(metadata, command.actions);
      return { status: 200, body: command.response === 'aliases' ? { acknowledged: true, errors: false } : { acknowledged: true } };
    case 'set_indices_closed': {
      for (const name of command.indices) if (!metadata.indices[name]) throw indexNotFound(name);
      for (const name of command.indices) {
        if (command.closed) metadata.indices[name]!.closed = true;
        else delete metadata.indices[name]!.closed;
      }
      // CloseIndexResponse lists each index; OpenIndexResponse does not.
      const body = command.closed
        ? { acknowledged: true, shards_acknowledged: true, indices: Object.fromEntries(command.indices.map((name) => [name, { closed: true }])) }
        : { acknowledged: true, shards_acknowledged: true };
      return { status: 200, body };
    }
  }
}
