import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { ClusterMetadata, RestResult, StoredToken } from '../cluster/cluster-state.js';

/**
 * The token service's writes (x-pack security TokenService), run on the master so every node agrees:
 * creation, the single-use refresh (with its 30 s window for concurrent refreshes) and invalidation.
 */

/** ExpiredTokenRemover.MAXIMUM_TOKEN_LIFETIME_HOURS: a refresh token is good for 24 h after creation. */
export const MAXIMUM_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;
/** TokenService.checkMultipleRefreshes: a refreshed token may be refreshed again for 30 s (same superseding tokens). */
export const REFRESH_REUSE_WINDOW_MS = 30 * 1000;

export function hashToken(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Opaque token strings: a version prefix and random bytes, base64 as ES prints them. */
export function newTokenString(): string {
  return Buffer.concat([Buffer.from([0x00, 0x8d, 0xb5, 0x43]), randomBytes(32)]).toString('base64');
}

/** ES encrypts the superseding tokens with a key derived from the superseded refresh token; so does the emulator. */
function supersedingKey(refreshToken: string): Buffer {
  return createHash('sha256').update(`superseding:${refreshToken}`).digest();
}

export function encryptSuperseding(refreshToken: string, tokens: { access: string; refresh: string }): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', supersedingKey(refreshToken), iv);
  const data = Buffer.concat([cipher.update(`${tokens.access}|${tokens.refresh}`, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
}

function decryptSuperseding(refreshToken: string, value: string): { access: string; refresh: string } {
  const raw = Buffer.from(value, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', supersedingKey(refreshToken), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  const [access, refresh] = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()])
    .toString('utf8')
    .split('|') as [string, string];
  return { access, refresh };
}

/** RestGetTokenAction.sendTokenErrorResponse: RFC 6749 §5.2 body, 400. */
export function tokenRequestError(error: string, description: string): RestResult {
  return { status: 400, body: { error, error_description: description } };
}

export type TokenCommand =
  | { kind: 'create_token'; id: string; token: StoredToken; response: Record<string, unknown> }
  | {
      kind: 'refresh_token';
      refreshToken: string;
      client: { username: string; realm: string };
      now: number;
      /** The tokens this refresh mints if it is the first one. */
      next: { id: string; access: string; refresh: string; expiration: number };
      expiresInSeconds: number;
    }
  | { kind: 'invalidate_tokens'; accessToken?: string; refreshToken?: string; realm?: string; username?: string; now: number };

export function authenticationView(user: StoredToken['user']): Record<string, unknown> {
  return {
    username: user.username,
    roles: user.roles,
    full_name: user.full_name,
    email: user.email,
    metadata: user.metadata,
    enabled: true,
    authentication_realm: user.realm,
    lookup_realm: user.realm,
    authentication_type: 'realm',
  };
}

function findByRefreshToken(tokens: Record<string, StoredToken>, refreshToken: string): [string, StoredToken] | undefined {
  const hash = hashToken(refreshToken);
  return Object.entries(tokens).find(([, token]) => token.refreshTokenHash === hash);
}

function refresh(tokens: Record<string, StoredToken>, command: Extract<TokenCommand, { kind: 'refresh_token' }>): RestResult {
  const found = findByRefreshToken(tokens, command.refreshToken);
  if (!found) return tokenRequestError('invalid_grant', 'could not refresh the requested token');
  const [, token] = found;
  // TokenService.checkTokenDocumentForRefresh, in its order.
  if (command.now > token.creation + MAXIMUM_TOKEN_LIFETIME_MS) return tokenRequestError('invalid_grant', 'token document has expired');
  if (token.refreshInvalidated) return tokenRequestError('invalid_grant', 'token has been invalidated');
  if (token.client.username !== command.client.username || token.client.realm !== command.client.realm) {
    return tokenRequestError('invalid_grant', 'tokens must be refreshed by the creating client');
  }
  const body = (access: string, refreshValue: string) => ({
    access_token: access,
    type: 'Bearer',
    expires_in: command.expiresInSeconds,
    refresh_token: refreshValue,
    authentication: authenticationView(token.user),
  });
  if (token.refreshed) {
    if (command.now > token.refreshed.at + REFRESH_REUSE_WINDOW_MS) {
      return tokenRequestError('invalid_grant', 'token has already been refreshed more than 30 seconds in the past');
    }
    const superseding = decryptSuperseding(command.refreshToken, token.refreshed.supersedingTokens);
    return { status: 200, body: body(superseding.access, superseding.refresh) };
  }
  const { next } = command;
  token.refreshed = { at: command.now, supersedingTokens: encryptSuperseding(command.refreshToken, { access: next.access, refresh: next.refresh }) };
  tokens[next.id] = {
    accessTokenHash: hashToken(next.access),
    refreshTokenHash: hashToken(next.refresh),
    creation: command.now,
    expiration: next.expiration,
    invalidated: false,
    refreshInvalidated: false,
    user: token.user,
    client: token.client,
  };
  return { status: 200, body: body(next.access, next.refresh) };
}

/** TokensInvalidationResult.toXContent. */
function invalidationResult(invalidated: number, previously: number, status = 200): RestResult {
  return { status, body: { invalidated_tokens: invalidated, previously_invalidated_tokens: previously, error_count: 0 } };
}

function invalidate(tokens: Record<string, StoredToken>, command: Extract<TokenCommand, { kind: 'invalidate_tokens' }>): RestResult {
  if (command.accessToken !== undefined) {
    const hash = hashToken(command.accessToken);
    const token = Object.values(tokens).find((candidate) => candidate.accessTokenHash === hash);
    // TokenService.invalidateAccessToken: an unknown token is taken for one already expired and deleted.
    if (!token) return invalidationResult(0, 0, 404);
    if (token.invalidated) return invalidationResult(0, 1);
    token.invalidated = true;
    return invalidationResult(1, 0);
  }
  if (command.refreshToken !== undefined) {
    const found = findByRefreshToken(tokens, command.refreshToken);
    if (!found) return invalidationResult(0, 0, 404);
    if (found[1].refreshInvalidated) return invalidationResult(0, 1);
    found[1].refreshInvalidated = true;
    return invalidationResult(1, 0);
  }
  // invalidateActiveTokensForRealmAndUser: active (not invalidated, not expired) tokens; refresh tokens first, then access.
  let invalidated = 0;
  for (const token of Object.values(tokens)) {
    if (command.realm && token.user.realm.name !== command.realm) continue;
    if (command.username && token.user.username !== command.username) continue;
    const accessActive = !token.invalidated && token.expiration > command.now;
    const refreshActive = token.refreshTokenHash !== undefined && !token.refreshInvalidated && command.now <= token.creation + MAXIMUM_TOKEN_LIFETIME_MS;
    if (!accessActive && !refreshActive) continue;
    if (token.refreshTokenHash !== undefined && !token.refreshInvalidated) {
      token.refreshInvalidated = true;
      invalidated++;
    }
    if (!token.invalidated) {
      token.invalidated = true;
      invalidated++;
    }
  }
  return invalidationResult(invalidated, 0);
}

export function applyTokenCommand(metadata: ClusterMetadata, command: TokenCommand): RestResult {
  const tokens = (metadata.tokens ??= {});
  switch (command.kind) {
    case 'create_token':
      tokens[command.id] = command.token;
      return { status: 200, body: command.response };
    case 'refresh_token':
      return refresh(tokens, command);
    case 'invalidate_tokens':
      return invalidate(tokens, command);
  }
}
