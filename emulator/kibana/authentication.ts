import type { IncomingMessage } from 'node:http';
import type { ElasticsearchClients } from './es-client';
import { statusCodeOf } from './es-client';
import type { SessionCookies, SessionValue } from './session-cookie';

export interface AuthenticatedUser {
  username: string;
  roles: string[];
  authentication_type: string;
  authentication_realm?: { name: string; type: string };
  api_key?: { id: string; name?: string };
}

export type AuthenticationResult =
  { kind: 'authenticated'; user: AuthenticatedUser; authorization: string; refreshedSession?: SessionValue } | { kind: 'not-handled' } | { kind: 'failed'; message: string; clearSession?: boolean };

const HTTP_SCHEMES = ['basic', 'apikey', 'bearer'];

/**
 * Kibana's request authentication: an `Authorization` header with an HTTP scheme (apikey, bearer, and basic
 * because the basic provider is enabled — xpack.security.authc.http) is checked at Elasticsearch
 * (`GET /_security/_authenticate`); otherwise the session cookie, whose stored credentials are re-checked
 * at Elasticsearch on every request, as the basic provider does.
 */
export class Authenticator {
  constructor(
    private readonly clients: ElasticsearchClients,
    private readonly sessions: SessionCookies,
  ) {}

  async authenticate(req: IncomingMessage): Promise<AuthenticationResult> {
    const header = req.headers.authorization;
    if (header) {
      const scheme = header.split(' ')[0]?.toLowerCase() ?? '';
      if (HTTP_SCHEMES.includes(scheme)) return this.checkAtElasticsearch(header);
    }
    const session = this.sessions.readFromCookieHeader(req.headers.cookie);
    if (!session) return { kind: 'not-handled' };
    if (this.sessions.isExpired(session)) return { kind: 'not-handled' };
    const result = await this.checkAtElasticsearch(session.authorization);
    if (result.kind !== 'authenticated') return { kind: 'failed', message: 'Unauthorized', clearSession: true };
    return { ...result, refreshedSession: this.sessions.extend(session) };
  }

  async checkAtElasticsearch(authorization: string): Promise<AuthenticationResult> {
    try {
      const user = (await this.clients.asScoped(authorization).security.authenticate()) as unknown as AuthenticatedUser;
      return { kind: 'authenticated', user, authorization };
    } catch (error) {
      const status = statusCodeOf(error);
      if (status === 401 || status === 403) {
        return { kind: 'failed', message: error instanceof Error ? error.message : 'Unauthorized' };
      }
      throw error;
    }
  }
}
