import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Envelope, Handlers } from '../../common/contract.ts';
import { dispatchCall } from '../../common/dispatch.ts';

const MAX_BODY_BYTES = 1024 * 1024;

/** POST /api/<method>: JSON body in, Envelope JSON out. Handler errors travel inside the envelope. */
export async function handleApiCall(handlers: Handlers, method: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) {
    sendEnvelope(response, 415, refusal('UNSUPPORTED_MEDIA_TYPE', 'Send the argument as application/json.'));
    return;
  }
  let body: unknown;
  try {
    const text = await readBody(request);
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    sendEnvelope(response, 400, refusal('INVALID_JSON', (error as Error).message === 'too large' ? 'The request body is larger than 1 MiB.' : 'The request body is not valid JSON.'));
    return;
  }
  const envelope = await dispatchCall(handlers, method, body);
  const status = envelope.ok ? 200 : envelope.error.code === 'UNKNOWN_METHOD' ? 404 : envelope.error.code === 'INVALID_INPUT' ? 400 : 200;
  sendEnvelope(response, status, envelope);
}

export function refusal(code: string, message: string): Envelope<never> {
  return { ok: false, error: { code, message, context: {} } };
}

export function sendEnvelope(response: ServerResponse, status: number, envelope: Envelope<unknown>): void {
  const json = JSON.stringify(envelope);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(json) }).end(json);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('too large'));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
