import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Handlers } from '../../common/contract.ts';
import { handleApiCall, refusal, sendEnvelope } from './api-route.ts';
import { openInBrowser, type RedirectFile } from './browser-opener.ts';
import type { SubscribeToEvents } from './event-hub.ts';
import { openEventStream } from './event-stream.ts';
import { ensureRendererBuilt } from './renderer-build.ts';
import { applySecurityHeaders } from './security-headers.ts';
import { createSessionGate, PAGE_KEY_HEADER, type SessionGate } from './session-gate.ts';
import { serveRendererFile } from './static-files.ts';

export interface WebUiOptions {
  handlers: Handlers;
  subscribe: SubscribeToEvents;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Only loopback addresses are accepted: the lab's secrets must not be served to the network. */
  host?: '127.0.0.1' | '::1' | 'localhost';
  openBrowser?: boolean;
  /** Built renderer to serve; default: out/renderer, built on demand. */
  rendererDir?: string;
  log?: (line: string) => void;
  /** A lesson to open on (`seclab ui --lesson ID`): the link carries it, and the token exchange keeps it. */
  lesson?: string;
}

export interface WebUi {
  /** The one-time URL to open: the token in its query, the page key in its fragment. */
  url: string;
  origin: string;
  port: number;
  close(): Promise<void>;
}

export async function startWebUi(options: WebUiOptions): Promise<WebUi> {
  const host = options.host ?? '127.0.0.1';
  if (!['127.0.0.1', '::1', 'localhost'].includes(host)) throw new Error(`seclab ui binds loopback only, not ${host}`);
  if (options.lesson !== undefined && !LESSON_ID.test(options.lesson)) throw new Error(`"${options.lesson}" is not a lesson id: use one such as http-tls (seclab lesson list)`);
  const rendererDir = options.rendererDir ?? (await ensureRendererBuilt(options.log));
  const gate = createSessionGate();
  const closers = new Set<() => void>();
  let origin = '';
  let hostHeader = '';

  const server = createServer((request, response) => {
    applySecurityHeaders(response);
    route(request, response).catch(() => {
      if (!response.headersSent) sendEnvelope(response, 500, refusal('INTERNAL', 'The web UI server failed to answer this request.'));
      else response.end();
    });
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin);
    const isApi = url.pathname.startsWith('/api/');
    const refuse = (status: number, code: string, message: string): void => {
      if (isApi) sendEnvelope(response, status, refusal(code, message));
      else response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(message);
    };

    // A page on another site may resolve its own name to 127.0.0.1 (DNS rebinding): only our host name is served.
    if (request.headers.host !== hostHeader) return refuse(403, 'WRONG_HOST', 'This server only answers requests addressed to ' + hostHeader + '.');

    if (!isApi && url.searchParams.has('token') && request.method === 'GET' && !gate.isValidSession(request.headers.cookie)) {
      return redeemToken(gate, url.searchParams.get('token') ?? '', response, landingOf(url));
    }
    if (!gate.isValidSession(request.headers.cookie)) {
      return refuse(401, 'NO_SESSION', 'Open the link that `seclab ui` printed (it carries a one-time token); this browser has no session.');
    }
    if (url.searchParams.has('token')) {
      response.writeHead(303, { Location: landingOf(url) }).end();
      return;
    }
    // Browsers label requests a page on another site makes; none of those may reach the API or the event stream.
    if (isApi && request.headers['sec-fetch-site'] === 'cross-site') return refuse(403, 'CROSS_SITE', 'Requests from other sites are refused.');
    // Every program on 127.0.0.1 a browser talks to receives the cookie: the API also wants the page key.
    if (isApi && !gate.isValidPageKey(request.headers[PAGE_KEY_HEADER])) {
      return refuse(401, 'NO_PAGE_KEY', 'This tab has no page key: use the tab the `seclab ui` link opened, or restart `seclab ui` for a new link.');
    }
    if (url.pathname === '/api/events') {
      if (request.method !== 'GET') return refuse(405, 'METHOD_NOT_ALLOWED', 'Use GET for the event stream.');
      const close = openEventStream(options.subscribe, response);
      closers.add(close);
      response.on('close', () => closers.delete(close));
      return;
    }
    if (isApi) {
      if (request.method !== 'POST') return refuse(405, 'METHOD_NOT_ALLOWED', 'Call API methods with POST.');
      if (request.headers.origin !== origin) return refuse(403, 'WRONG_ORIGIN', `API calls are accepted only from ${origin}.`);
      return handleApiCall(options.handlers, url.pathname.slice('/api/'.length), request, response);
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'METHOD_NOT_ALLOWED', 'Only GET is served here.');
    return serveRendererFile(rendererDir, url.pathname, response);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostForUrl = host === '::1' ? '[::1]' : host;
  hostHeader = `${hostForUrl}:${port}`;
  origin = `http://${hostHeader}`;
  const url = `${origin}/?token=${gate.token}${options.lesson ? `&lesson=${options.lesson}` : ''}#key=${gate.pageKey}`;
  const redirectFile: RedirectFile | undefined = options.openBrowser ? openInBrowser(url) : undefined;

  return {
    url,
    origin,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const close of [...closers]) close();
        redirectFile?.remove();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const LESSON_ID = /^[a-z][a-z0-9-]{0,40}$/;

/** Where the token exchange lands: the app's root, with the lesson the link named (the key stays in the fragment). */
function landingOf(url: URL): string {
  const lesson = url.searchParams.get('lesson');
  return lesson && LESSON_ID.test(lesson) ? `/?lesson=${lesson}` : '/';
}

function redeemToken(gate: SessionGate, candidate: string, response: ServerResponse, landing: string): void {
  const result = gate.redeem(candidate);
  if ('refused' in result) {
    const message =
      result.refused === 'used'
        ? 'This link was already used. Each `seclab ui` link opens one browser session; restart `seclab ui` for a new link.'
        : 'This link\u2019s token is wrong. Copy the whole URL that `seclab ui` printed.';
    response.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end(message);
    return;
  }
  response.writeHead(303, { 'Set-Cookie': gate.cookieFor(result.session), Location: landing }).end();
}
