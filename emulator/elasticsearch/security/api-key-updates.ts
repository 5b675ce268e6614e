import { isDeepStrictEqual } from 'node:util';
import type { ClusterMetadata, RestResult, RoleDescriptor } from '../cluster/cluster-state.js';

/**
 * Update and bulk update of API keys (ApiKeyService.updateApiKeys / BulkUpdateApiKeyResponse): only the caller's own
 * keys, each refreshed with the owner's current permissions (limited_by); a key whose stored document does not
 * change is a noop.
 */
export interface ApiKeyUpdateCommand {
  kind: 'update_api_keys';
  ids: string[];
  owner: { username: string; realm: string };
  role_descriptors?: Record<string, RoleDescriptor>;
  metadata?: Record<string, unknown>;
  expiration?: number;
  limited_by: Record<string, RoleDescriptor>;
  now: number;
}

type ErrorDetail = { type: string; reason: string };

export function applyApiKeyUpdateCommand(metadata: ClusterMetadata, command: ApiKeyUpdateCommand): RestResult {
  const updated: string[] = [];
  const noops: string[] = [];
  const errors: Record<string, ErrorDetail> = {};
  for (const id of command.ids) {
    const key = metadata.apiKeys[id];
    if (!key || key.username !== command.owner.username || key.realm !== command.owner.realm) {
      errors[id] = { type: 'resource_not_found_exception', reason: `no API key owned by requesting user found for ID [${id}]` };
      continue;
    }
    if (key.invalidated) {
      errors[id] = { type: 'illegal_argument_exception', reason: `cannot update invalidated API key [${id}]` };
      continue;
    }
    if (key.expiration !== undefined && key.expiration <= command.now) {
      errors[id] = { type: 'illegal_argument_exception', reason: `cannot update expired API key [${id}]` };
      continue;
    }
    const next = {
      ...key,
      ...(command.role_descriptors !== undefined ? { role_descriptors: command.role_descriptors } : {}),
      ...(command.metadata !== undefined ? { metadata: command.metadata } : {}),
      ...(command.expiration !== undefined ? { expiration: command.expiration } : {}),
      limited_by: command.limited_by,
    };
    if (isDeepStrictEqual(next, key)) noops.push(id);
    else {
      metadata.apiKeys[id] = next;
      updated.push(id);
    }
  }
  const body: Record<string, unknown> = { updated, noops };
  if (Object.keys(errors).length > 0) body.errors = { count: Object.keys(errors).length, details: errors };
  return { status: 200, body };
}
