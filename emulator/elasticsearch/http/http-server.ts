import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { NodeServices } from '../node-services.js';
import type { RestResult } from '../cluster/cluster-state.js';
import { Router } from './router.js';
import type { RestRequest, Route } from './rest-request.js';
import { ElasticsearchError } from './rest-errors.js';
import { authenticate, type Subject } from '../security/authentication.js';
import { BUILTIN_ROLES } from '../security/builtin-roles.js';
import { applyRunAs, RUN_AS_USER_HEADER } from '../security/run-as.js';
import { clusterRoutes } from './handlers/cluster-handlers.js';
import { securityRoutes } from './handlers/security-handlers.js';
import { documentRoutes } from './handlers/document-handlers.js';
import { applicationPrivilegeRoutes } from './handlers/application-privilege-handlers.js';
import { tokenRoutes } from './handlers/token-handlers.js';
import { apiKeyRoutes } from './handlers/api-key-handlers.js';
import { roleMappingRoutes } from './handlers/role-mapping-handlers.js';
import { securityQueryRoutes } from './handlers/security-query-handlers.js';
import { profileRoutes } from './handlers/profile-handlers.js';
import { aliasRoutes } from './handlers/alias-handlers.js';
import { serviceAccountRoutes } from './handlers/service-account-handlers.js';
import { Loggers } from '../logging.js';
import { applyFilterPath } from './filter-path.js';

const MAX_CONTENT_LENGTH = 100 * 1024 * 1024;

export const allRoutes: Route[] = [
  ...clusterRoutes,
  ...securityRoutes,
  ...documentRoutes,
  ...roleMappingRoutes,
  ...securityQueryRoutes,
  ...profileRoutes,
  ...aliasRoutes,
  ...applicationPrivilegeRoutes,
  ...tokenRoutes,
  ...apiKeyRoutes,
  ...serviceAccountRoutes,
];

/** With xpack.security.enabled: false every request runs unauthenticated with full rights, as in ES. */
function anonymousSuperuser(): Subject {
  return {
    kind: 'user',
    username: '_anonymous',
    assignedRoles: [],
    effectiveRoles: [],
    missingRoles: [],
    fullName: null,
    email: null,
    metadata: {},
    realm: { name: '__anonymous', type: '__anonymous' },
    authenticationType: 'realm',
    roleSets: [[BUILTIN_ROLES.superuser!()]],
  };
}

export interface ConnectionFilter {
  /** Returns false to drop the connection before any byte (and before TLS), as ES's IP filter does. */
  accept(socket: Socket): boolean;
}

function channelName(socket: Socket): string {
  return `Netty4HttpChannel{localAddress=/${socket.localAddress}:${socket.localPort}, remoteAddress=/${socket.remoteAddress}:${socket.remotePort}}`;
}

export class HttpServerTransport {
  private readonly router = new Router(allRoutes);
  private readonly listener: NetServer;
  private readonly server: HttpServer;

  constructor(
    private readonly node: NodeServices,
    private readonly filter: ConnectionFilter,
  ) {
    // A client that resets mid-request must not take the node down.
    const handler = (request: IncomingMessage, response: ServerResponse) => this.handle(request, response).catch(() => response.destroy());
    const material = node.ssl.http;
    if (material) {
      const clientAuthentication = material.settings.clientAuthentication;
      const https = createHttpsServer(
        {
          key: material.keyPem,
          passphrase: material.settings.keyPassphrase,
          cert: material.certificatePem,
          ca: material.trustedPem.length > 0 ? material.trustedPem : undefined,
          requestCert: clientAuthentication !== 'none',
          rejectUnauthorized: clientAuthentication === 'required',
          minVersion: 'TLSv1.2',
        },
        handler,
      );
      // SecurityHttpExceptionHandler's messages for the common client mistakes.
      https.on('tlsClientError', (error: NodeJS.ErrnoException, socket) => {
        const code = error.code ?? '';
        if (code === 'ERR_SSL_HTTP_REQUEST' || /wrong version number|http request/i.test(error.message)) {
          node.logger.warn(Loggers.securityHttp, `received plaintext http traffic on an https channel, closing connection ${channelName(socket)}`);
        } else if (/CERTIFICATE_UNKNOWN|UNKNOWN_CA|BAD_CERTIFICATE/.test(code)) {
          node.logger.warn(Loggers.securityHttp, `http client did not trust this server's certificate, closing connection ${channelName(socket)}`);
        }
      });
      this.server = https;
    } else {
      this.server = createHttpServer(handler);
    }
    this.server.keepAliveTimeout = 60000;
    this.listener = createNetServer((socket) => {
      if (!this.filter.accept(socket)) {
        socket.destroy();
        return;
      }
      this.server.emit('connection', socket);
    });
  }

  listen(host: string, port: number): Promise<{ address: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(port, host, () => {
        const address = this.listener.address();
        if (address && typeof address === 'object') resolve({ address: address.address, port: address.port });
      });
    });
  }

  close(): void {
    this.listener.close();
    this.server.closeAllConnections?.();
  }

  private async handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of incoming) {
      size += (chunk as Buffer).length;
      if (size > MAX_CONTENT_LENGTH) {
        this.send(response, incoming, new ElasticsearchError(413, 'content_too_long', `entity content is too long [${size}] for the configured buffer limit [${MAX_CONTENT_LENGTH}]`).toResult());
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const uri = incoming.url ?? '/';
    const url = new URL(uri, 'http://localhost');
    const request: RestRequest = {
      method: (incoming.method ?? 'GET').toUpperCase(),
      uri,
      path: url.pathname,
      query: url.searchParams,
      headers: incoming.headers,
      body: Buffer.concat(chunks),
      remoteAddress: incoming.socket.remoteAddress ?? '',
      remotePort: incoming.socket.remotePort ?? 0,
    };
    let result: RestResult;
    try {
      result = await this.dispatch(request);
    } catch (error) {
      if (error instanceof ElasticsearchError) result = error.toResult();
      else {
        this.node.logger.warn(Loggers.http, `caught exception while handling client http traffic, closing connection: ${(error as Error).stack ?? error}`);
        result = new ElasticsearchError(500, 'exception', (error as Error).message).toResult();
      }
    }
    this.send(response, incoming, result, error401Headers(result));
  }

  private async dispatch(request: RestRequest): Promise<RestResult> {
    const node = this.node;
    let subject: Subject;
    if (node.config.securityEnabled) {
      const outcome = authenticate({
        authorization: request.headers.authorization,
        uri: request.uri,
        metadata: node.metadata(),
        bootstrapPassword: node.config.bootstrapPassword,
        fileServiceTokens: node.fileServiceTokens(),
        now: node.now(),
        anonymous: node.config.anonymous,
      });
      if (!outcome.ok) {
        node.audit.record('rest', outcome.attemptedUser === undefined && !request.headers.authorization ? 'anonymous_access_denied' : 'authentication_failed', {
          ...(outcome.attemptedUser !== undefined ? { 'user.name': outcome.attemptedUser } : {}),
          ...(outcome.attemptedApiKeyId !== undefined ? { 'apikey.id': outcome.attemptedApiKeyId } : {}),
          'origin.type': 'rest',
          'origin.address': `${request.remoteAddress}:${request.remotePort}`,
          'url.path': request.path,
          ...(request.query.toString() ? { 'url.query': request.query.toString() } : {}),
          'request.method': request.method,
        });
        throw outcome.error;
      }
      const runAs = applyRunAs(outcome.subject, request.headers[RUN_AS_USER_HEADER], { uri: request.uri, metadata: node.metadata(), anonymous: node.config.anonymous });
      if (!runAs.ok) {
        node.audit.record('rest', runAs.audit, { ...runAs.fields, 'origin.type': 'rest', 'origin.address': `${request.remoteAddress}:${request.remotePort}`, 'url.path': request.path, 'request.method': request.method });
        throw runAs.error;
      }
      subject = runAs.subject;
    } else subject = anonymousSuperuser();

    const match = this.router.match(request.method, request.path);
    if (match.kind === 'none') {
      return { status: 400, body: { error: `no handler found for uri [${request.uri}] and method [${request.method}]`, status: 400 } };
    }
    if (match.kind === 'wrong-method') {
      return {
        status: 405,
        body: { error: `Incorrect HTTP method for uri [${request.uri}] and method [${request.method}], allowed: [${match.allowed.join(', ')}]`, status: 405 },
        headers: { Allow: match.allowed.join(',') },
      };
    }
    return match.route.handler({ request, params: match.params, subject, node });
  }

  private send(response: ServerResponse, incoming: IncomingMessage, result: RestResult, extraHeaders: Record<string, string | string[]> = {}): void {
    const query = new URL(incoming.url ?? '/', 'http://localhost').searchParams;
    const pretty = query.has('pretty');
    const filterPath = query.get('filter_path');
    // ES disables filtering for error bodies (AbstractRestChannel.newErrorBuilder).
    const body = filterPath && result.status < 400 && typeof result.body === 'object' && result.body !== null ? applyFilterPath(result.body, filterPath) : result.body;
    const headers: Record<string, string | string[]> = {
      'X-elastic-product': 'Elasticsearch',
      'content-type': 'application/json',
      ...extraHeaders,
      ...(result.headers ?? {}),
    };
    const text = typeof body === 'string' ? body : JSON.stringify(body, null, pretty ? 2 : undefined) + (pretty ? '\n' : '');
    const payload = Buffer.from(incoming.method === 'HEAD' ? '' : text);
    headers['content-length'] = String(incoming.method === 'HEAD' ? Buffer.byteLength(text) : payload.length);
    response.writeHead(result.status, headers);
    response.end(payload);
  }
}

/** The WWW-Authenticate challenges ride on the error body's `header` field; repeat them as real headers. */
function error401Headers(result: RestResult): Record<string, string | string[]> {
  if (result.status !== 401) return {};
  const body = result.body as { error?: { header?: Record<string, string | string[]> } };
  return body.error?.header ?? {};
}
