import { Client, errors } from '@elastic/elasticsearch';

/** The only module that imports the official Elasticsearch client. */
export type ElasticsearchClient = Client;
export const ElasticsearchResponseError = errors.ResponseError;

export interface ElasticsearchConnection {
  url: string;
  caPem: string;
  auth: { username: string; password: string } | { apiKey: string } | { bearer: string };
  requestTimeoutMs?: number;
}

export function connectElasticsearch(connection: ElasticsearchConnection): Client {
  return new Client({
    node: connection.url,
    auth: connection.auth,
    tls: { ca: connection.caPem, rejectUnauthorized: true },
    requestTimeout: connection.requestTimeoutMs ?? 15_000,
    maxRetries: 0,
  });
}

export { responseStatusOf } from './elasticsearch-errors.ts';
