import type { IncomingMessage, ServerResponse } from 'node:http';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Kibana's error envelope (hapi Boom): `{"statusCode":400,"error":"Bad Request","message":"…"}`. */
export function sendBoom(res: ServerResponse, statusCode: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, statusCode, { statusCode, error: REASONS[statusCode] ?? 'Error', message }, headers);
}

export function sendJson(res: ServerResponse, statusCode: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(statusCode, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'private, no-cache, no-store, must-revalidate',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'Invalid request payload JSON format');
  }
}
