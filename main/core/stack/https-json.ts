import { request } from 'node:https';

/**
 * JSON over HTTPS to Kibana and Fleet Server (Elasticsearch goes through the official client),
 * always verifying the lab CA.
 */
export interface HttpsJsonResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  text: string;
}

export interface HttpsJsonRequest {
  method?: string;
  url: string;
  caPem: string;
  headers?: Record<string, string>;
  body?: unknown;
  basicAuth?: { username: string; password: string };
  timeoutMs?: number;
}

export function httpsJson<T = unknown>(options: HttpsJsonRequest): Promise<HttpsJsonResponse<T>> {
  const url = new URL(options.url);
  const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(payload.length);
  }
  if (options.basicAuth) {
    headers.authorization = `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString('base64')}`;
  }
  return new Promise((resolve, reject) => {
    const req = request(
      // No keep-alive: a pooled socket would hold a CLI process open for seconds after its last request.
      {
        method: options.method ?? 'GET',
        hostname: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        headers,
        ca: options.caPem,
        rejectUnauthorized: true,
        timeout: options.timeoutMs ?? 15_000,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = text;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: body as T, text });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url.host} within ${(options.timeoutMs ?? 15_000) / 1000}s`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}
