import type { StoredApiKey } from '../cluster/cluster-state.js';

/** The API key info ES returns from get and query (ApiKey.toXContent). */
export function apiKeyInfo(key: StoredApiKey, withLimitedBy: boolean): Record<string, unknown> {
  return {
    id: key.id,
    name: key.name,
    type: 'rest',
    creation: key.creation,
    ...(key.expiration !== undefined ? { expiration: key.expiration } : {}),
    invalidated: key.invalidated,
    ...(key.invalidation !== undefined ? { invalidation: key.invalidation } : {}),
    username: key.username,
    realm: key.realm,
    realm_type: key.realm_type,
    metadata: key.metadata,
    role_descriptors: key.role_descriptors,
    ...(withLimitedBy ? { limited_by: [key.limited_by] } : {}),
  };
}
