import { createHash } from 'node:crypto';
import type { ClusterMetadata, RestResult, RoleDescriptor, StoredApiKey, StoredServiceToken, StoredUser } from '../cluster/cluster-state.js';
import { ElasticsearchError, badRequest } from '../http/rest-errors.js';
import { RESERVED_USERS, BUILTIN_ROLES } from './builtin-roles.js';

export type SecurityCommand =
  | { kind: 'put_user'; username: string; user: Omit<StoredUser, 'passwordHash'>; passwordHash?: string }
  | { kind: 'delete_user'; username: string }
  | { kind: 'change_password'; username: string; passwordHash: string }
  | { kind: 'set_user_enabled'; username: string; enabled: boolean }
  | { kind: 'put_role'; name: string; role: RoleDescriptor }
  | { kind: 'delete_role'; name: string }
  | { kind: 'create_api_key'; key: StoredApiKey; response: Record<string, unknown> }
  | { kind: 'invalidate_api_keys'; ids?: string[]; name?: string; owner?: string; realm?: string; now: number }
  | { kind: 'create_service_token'; token: StoredServiceToken; value: string }
  | { kind: 'delete_service_token'; namespace: string; service: string; name: string };

const ok = (body: unknown, status = 200): RestResult => ({ status, body });

export function applySecurityCommand(metadata: ClusterMetadata, command: SecurityCommand): RestResult {
  switch (command.kind) {
    case 'put_user': {
      if (RESERVED_USERS[command.username]) {
        throw badRequest(`user [${command.username}] is reserved and only the password can be changed`);
      }
      const existing = metadata.users[command.username];
      if (!existing && !command.passwordHash) {
        throw new ElasticsearchError(400, 'action_request_validation_exception', 'Validation Failed: 1: password must be specified unless you are updating an existing user;');
      }
      metadata.users[command.username] = { ...command.user, passwordHash: command.passwordHash ?? existing?.passwordHash };
      return ok({ created: !existing });
    }
    case 'delete_user': {
      if (RESERVED_USERS[command.username]) throw badRequest(`user [${command.username}] is reserved and cannot be deleted`);
      const found = Boolean(metadata.users[command.username]);
      delete metadata.users[command.username];
      return ok({ found }, found ? 200 : 404);
    }
    case 'change_password': {
      if (RESERVED_USERS[command.username]) {
        const state = metadata.reservedUsers[command.username] ?? { enabled: true };
        metadata.reservedUsers[command.username] = { ...state, passwordHash: command.passwordHash };
        return ok({});
      }
      const user = metadata.users[command.username];
      if (!user) {
        throw new ElasticsearchError(404, 'resource_not_found_exception', `user [${command.username}] does not exist`);
      }
      user.passwordHash = command.passwordHash;
      return ok({});
    }
    case 'set_user_enabled': {
      if (RESERVED_USERS[command.username]) {
        const state = metadata.reservedUsers[command.username] ?? { enabled: true };
        metadata.reservedUsers[command.username] = { ...state, enabled: command.enabled };
        return ok({});
      }
      const user = metadata.users[command.username];
      if (!user) throw new ElasticsearchError(404, 'resource_not_found_exception', `user [${command.username}] does not exist`);
      user.enabled = command.enabled;
      return ok({});
    }
    case 'put_role': {
      if (BUILTIN_ROLES[command.name]) throw badRequest(`Role [${command.name}] is reserved and may not be used.`);
      const created = !metadata.roles[command.name];
      metadata.roles[command.name] = command.role;
      return ok({ role: { created } });
    }
    case 'delete_role': {
      if (BUILTIN_ROLES[command.name]) throw badRequest(`role [${command.name}] is reserved and cannot be deleted`);
      const found = Boolean(metadata.roles[command.name]);
      delete metadata.roles[command.name];
      return ok({ found }, found ? 200 : 404);
    }
    case 'create_api_key':
      metadata.apiKeys[command.key.id] = command.key;
      return ok(command.response);
    case 'invalidate_api_keys': {
      const invalidated: string[] = [];
      const previously: string[] = [];
      for (const key of Object.values(metadata.apiKeys)) {
        if (command.ids && !command.ids.includes(key.id)) continue;
        if (command.name && key.name !== command.name) continue;
        if (command.owner && key.username !== command.owner) continue;
        if (command.realm && key.realm !== command.realm) continue;
        if (key.invalidated) previously.push(key.id);
        else {
          key.invalidated = true;
          key.invalidation = command.now;
          invalidated.push(key.id);
        }
      }
      return ok({ invalidated_api_keys: invalidated, previously_invalidated_api_keys: previously, error_count: 0 });
    }
    case 'create_service_token': {
      const id = `${command.token.namespace}/${command.token.service}/${command.token.name}`;
      if (metadata.serviceTokens[id]) {
        // IndexServiceAccountTokenStore.createToken indexes with OpType.CREATE into .security-7: the engine's conflict,
        // with its shard. The index UUID is a stand-in (the emulator keeps no .security index).
        throw new ElasticsearchError(409, 'version_conflict_engine_exception', `[service_account_token-${id}]: version conflict, document already exists (current version [1])`, {
          index_uuid: createHash('sha256').update(`${metadata.clusterUuid}/.security-7`).digest('base64url').slice(0, 22),
          shard: '0',
          index: '.security-7',
        });
      }
      metadata.serviceTokens[id] = command.token;
      return ok({ created: true, token: { name: command.token.name, value: command.value } });
    }
    case 'delete_service_token': {
      const id = `${command.namespace}/${command.service}/${command.name}`;
      const found = Boolean(metadata.serviceTokens[id]);
      delete metadata.serviceTokens[id];
      return ok({ found }, found ? 200 : 404);
    }
  }
}
