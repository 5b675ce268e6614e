import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { SecureVersion } from 'node:tls';
import type { KibanaConfig } from '../config';
import type { Authenticator } from '../authentication';
import type { SessionCookies } from '../session-cookie';
import type { Logger } from '../logger';
import { HttpError, sendBoom } from './respond';
import { isApiPath, type Router } from './router';

export interface PipelineDeps {
  config: KibanaConfig;
  router: Router;
  authenticator: Authenticator;
  sessions: SessionCookies;
  isReady(): boolean;
  logger: Logger;
}

const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

/**
 * One request through Kibana's lifecycle: not-ready gate → route lookup → authentication (onPreAuth/auth)
 * → XSRF (an onPostAuth handler in core http, so unauthenticated writes get 401 before 400) → handler.
 */
export async function handleRequest(deps: PipelineDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://kibana.local');
  const method = req.method ?? 'GET';

  // Until core has connected to Elasticsearch only the status API answers; everything else gets the
  // "not ready" server's plain 503 (src/core/packages/http/server-internal: http_server notReady handler).
  if (!deps.isReady() && url.pathname !== '/api/status') {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '30' });
    res.end('Kibana server is not ready yet');
    return;
  }

  const matched = deps.router.match(method, url.pathname);
  if (!matched) {
    sendBoom(res, 404, 'Not Found');
    return;
  }
  const { route, params } = matched;
  const cookies: string[] = [];
  let user;
  let authorization: string | undefined;

  if (route.auth !== 'none') {
    const result = await deps.authenticator.authenticate(req);
    if (result.kind === 'authenticated') {
      user = result.user;
      authorization = result.authorization;
      if (result.refreshedSession) cookies.push(deps.sessions.setCookieHeader(result.refreshedSession));
    } else if (result.kind === 'failed' || route.auth === 'required') {
      if (result.kind === 'failed' && result.clearSession) cookies.push(deps.sessions.clearCookieHeader());
      if (!isApiPath(url.pathname) && (method === 'GET' || method === 'HEAD')) {
        const next = encodeURIComponent(url.pathname + url.search);
        res.writeHead(302, { location: `/login?next=${next}`, ...(cookies.length ? { 'set-cookie': cookies } : {}) });
        res.end();
        return;
      }
      sendBoom(res, 401, 'Unauthorized', cookies.length ? ({ 'set-cookie': cookies } as unknown as Record<string, string>) : {});
      return;
    }
  }

  const xsrf = deps.config.server.xsrf;
  if (!SAFE_METHODS.includes(method) && !xsrf.disableProtection && !xsrf.allowlist.includes(url.pathname) && req.headers['kbn-xsrf'] === undefined && req.headers['kbn-version'] === undefined) {
    // src/core/packages/http/server-internal/src/lifecycle_handlers.ts (xsrf.test.ts)
    sendBoom(res, 400, 'Request must contain a kbn-xsrf header.');
    return;
  }

  if (cookies.length) res.setHeader('set-cookie', cookies);
  await route.handler({ req, res, url, params, user, authorization, cookies });
}

export function createKibanaHttpServer(deps: PipelineDeps): Server {
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(deps, req, res).catch((error: unknown) => {
      if (res.headersSent) return res.end();
      if (error instanceof HttpError) return sendBoom(res, error.statusCode, error.message);
      deps.logger.error(`${req.method} ${req.url}: ${error instanceof Error ? error.message : String(error)}`);
      sendBoom(res, 500, 'An internal server error occurred.');
    });
  };
  const ssl = deps.config.server.ssl;
  if (!ssl.enabled) return createHttpServer(listener);
  const protocols = ssl.supportedProtocols as SecureVersion[];
  const order: SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
  const sorted = order.filter((p) => protocols.includes(p));
  return createHttpsServer(
    {
      cert: readFileSync(ssl.certificate as string),
      key: readFileSync(ssl.key as string),
      passphrase: ssl.keyPassphrase,
      ca: ssl.certificateAuthorities.length ? ssl.certificateAuthorities.map((p) => readFileSync(p)) : undefined,
      minVersion: sorted[0],
      maxVersion: sorted[sorted.length - 1],
      requestCert: ssl.clientAuthentication !== 'none',
      rejectUnauthorized: ssl.clientAuthentication === 'required',
    },
    listener,
  );
}
