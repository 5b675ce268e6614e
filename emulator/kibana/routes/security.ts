import type { Route } from '../http/router';
import { readJsonBody, sendBoom, sendJson } from '../http/respond';
import type { Authenticator } from '../authentication';
import type { SessionCookies } from '../session-cookie';

const LOGIN_PAGE =
  '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Elastic</title>' +
  '<meta name="kbn-injected-metadata" data="{}"></head><body><div id="kibana-body" data-emulated="true">Log in to Elastic</div></body></html>';

interface LoginBody {
  providerType?: unknown;
  providerName?: unknown;
  currentURL?: unknown;
  params?: { username?: unknown; password?: unknown };
}

/** Where to go after login: the `next` parameter of `currentURL`, kept on this origin. */
function redirectTarget(currentURL: string): string {
  try {
    const next = new URL(currentURL).searchParams.get('next');
    if (next && next.startsWith('/') && !next.startsWith('//')) return next;
  } catch {
    /* fall through */
  }
  return '/';
}

/**
 * Login/logout of the basic provider (x-pack/plugins/security/server/routes/authentication/common.ts):
 * `POST /internal/security/login` → 200 `{"location":"/"}` + session cookie; bad credentials → 401.
 */
export function securityRoutes(deps: { authenticator: Authenticator; sessions: SessionCookies; providerName: string }): Route[] {
  return [
    {
      method: 'POST',
      path: '/internal/security/login',
      auth: 'none',
      handler: async ({ req, res }) => {
        const body = (await readJsonBody(req)) as LoginBody | undefined;
        if (!body || typeof body !== 'object') return sendBoom(res, 400, '[request body]: expected a plain object value, but found [null] instead.');
        if (body.providerType !== 'basic' || body.providerName !== deps.providerName) {
          return sendBoom(res, 401, 'Unauthorized');
        }
        const username = body.params?.username;
        const password = body.params?.password;
        if (typeof username !== 'string' || typeof password !== 'string') {
          return sendBoom(res, 400, '[request body.params.username]: expected value of type [string] but got [undefined]');
        }
        const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
        const result = await deps.authenticator.checkAtElasticsearch(authorization);
        if (result.kind !== 'authenticated') return sendBoom(res, 401, result.kind === 'failed' ? result.message : 'Unauthorized');
        const session = deps.sessions.create(result.user.username, authorization, deps.providerName);
        sendJson(res, 200, { location: redirectTarget(String(body.currentURL ?? '')) }, { 'set-cookie': [deps.sessions.setCookieHeader(session)] });
      },
    },
    ...(['GET', 'POST'] as const).map((method): Route => ({
      method,
      path: '/api/security/logout',
      auth: 'optional',
      handler: ({ res }) => {
        res.writeHead(302, { location: '/login?msg=LOGGED_OUT', 'set-cookie': [deps.sessions.clearCookieHeader()] });
        res.end();
      },
    })),
    {
      method: 'GET',
      path: '/internal/security/me',
      auth: 'required',
      handler: ({ res, user }) => sendJson(res, 200, { ...user, authentication_provider: { type: 'basic', name: deps.providerName } }),
    },
    {
      method: 'GET',
      path: '/login',
      auth: 'none',
      handler: ({ res }) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(LOGIN_PAGE);
      },
    },
    {
      method: 'GET',
      path: '/',
      auth: 'required',
      handler: ({ res }) => {
        res.writeHead(302, { location: '/app/home' });
        res.end();
      },
    },
    {
      method: 'GET',
      path: '/app/{app}',
      auth: 'required',
      handler: ({ res }) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!DOCTYPE html><html><body data-emulated="true">Kibana</body></html>');
      },
    },
  ];
}
