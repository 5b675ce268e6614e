import { httpsJson, type HttpsJsonResponse } from '../../stack/https-json.ts';
import type { VerificationContext } from '../verification-context.ts';

export type Credentials = { username: string; password: string };

/**
 * An Elasticsearch API call of a check, over HTTPS verifying the lab CA, through the published port.
 * Plain HTTPS rather than the official client: a check makes a handful of requests, and loading the
 * client would cost `seclab status` about half a second of CPU at every start.
 */
export function elasticsearchRequest<T>(ctx: VerificationContext, request: { method?: 'GET' | 'POST'; path: string; auth: Credentials; body?: unknown }): Promise<HttpsJsonResponse<T>> {
  return httpsJson<T>({ method: request.method, url: `${ctx.connections.elasticsearchUrl}${request.path}`, caPem: ctx.caPem, basicAuth: request.auth, body: request.body, timeoutMs: 5000 });
}

/** A 2xx answer's body; any other answer throws (as the official client's ResponseError does), so the check is `error`. */
export async function elasticsearchBody<T>(ctx: VerificationContext, request: { method?: 'GET' | 'POST'; path: string; auth: Credentials; body?: unknown }): Promise<T> {
  const response = await elasticsearchRequest<T & { error?: { type?: string; reason?: string } }>(ctx, request);
  if (response.status < 200 || response.status > 299) {
    throw new Error(`${request.method ?? 'GET'} ${request.path} → HTTP ${response.status}: ${response.body?.error?.reason ?? response.body?.error?.type ?? response.text.slice(0, 200)}`);
  }
  return response.body;
}

/** The reason Elasticsearch gives in an error body. */
export function errorReasonOf(response: HttpsJsonResponse<unknown>): string | undefined {
  return (response.body as { error?: { reason?: string } } | undefined)?.error?.reason;
}
