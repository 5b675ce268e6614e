import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Client, errors } from '@elastic/elasticsearch';
import type { KibanaConfig } from './config';

/**
 * Kibana's two ways of talking to Elasticsearch, as in the real product:
 * - the internal user (`elasticsearch.username`/`password` or `elasticsearch.serviceAccountToken`),
 * - a client scoped to the end user's own `Authorization` header (Kibana forwards the credentials).
 * Both verify the server per `elasticsearch.ssl.verificationMode` with `elasticsearch.ssl.certificateAuthorities`.
 */
export interface ElasticsearchClients {
  internal: Client;
  asScoped(authorization: string): Client;
  close(): Promise<void>;
}

export function tlsOptionsFor(config: KibanaConfig['elasticsearch']): ConnectionOptions {
  const ca = config.ssl.certificateAuthorities.map((path) => readFileSync(path, 'utf8'));
  const tls: ConnectionOptions = ca.length > 0 ? { ca } : {};
  if (config.ssl.verificationMode === 'none') tls.rejectUnauthorized = false;
  else {
    tls.rejectUnauthorized = true;
    // `certificate` checks the chain but not the host name (elasticsearch_config.ts → getServerIdentity skipped)
    if (config.ssl.verificationMode === 'certificate') tls.checkServerIdentity = () => undefined;
  }
  return tls;
}

export function createElasticsearchClients(config: KibanaConfig['elasticsearch']): ElasticsearchClients {
  const tls = tlsOptionsFor(config);
  // Kibana sets no maxRetries (client_config.ts parseClientOptions), so the client's default applies:
  // a connection or TLS error on one of several hosts is retried on the next one.
  const common = { nodes: config.hosts, tls, requestTimeout: config.requestTimeoutMs };
  const internal = new Client({
    ...common,
    auth: config.serviceAccountToken ? { bearer: config.serviceAccountToken } : config.username !== undefined ? { username: config.username, password: config.password ?? '' } : undefined,
  });
  const unauthenticated = new Client(common);
  return {
    internal,
    asScoped: (authorization) => unauthenticated.child({ headers: { authorization } }),
    close: async () => {
      await Promise.allSettled([internal.close(), unauthenticated.close()]);
    },
  };
}

export function isResponseError(error: unknown): error is errors.ResponseError {
  return error instanceof errors.ResponseError;
}

/** The status code of an Elasticsearch error response, or undefined for connection/TLS errors. */
export function statusCodeOf(error: unknown): number | undefined {
  return isResponseError(error) ? error.meta.statusCode : undefined;
}
