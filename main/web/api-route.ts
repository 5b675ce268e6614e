import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Envelope, Handlers } from '../../common/contract.ts';
import { dispatchCall } from '../../common/dispatch.ts';

export const MAX_BODY_BYTES = 1024 * 1024;
/** Past the limit the rest of a body is read and dropped (so the client gets the 413, not a reset), up to this much. */
const MAX_DISCARDED_BYTES = 64 * 1024 * 1024;

class BodyTooLarge extends Error {}

/** The caller's mistake, told as 400: an argument the contract refuses, or a lab spec the spec's rules refuse. */
const BAD_INPUT_CODES = new Set(['INVALID_INPUT', 'LAB_SPEC_INVALID']);

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
    if (error instanceof BodyTooLarge) {
      response.setHeader('Connection', 'close');
      sendEnvelope(response, 413, refusal('BODY_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES / 1024 / 1024} MiB, the most an API call may send.`));
      discardRest(request);
      return;
    }
    sendEnvelope(response, 400, refusal('INVALID_JSON', 'The request body is not valid JSON.'));
    return;
  }
  const envelope = await dispatchCall(handlers, method, body);
  const status = envelope.ok ? 200 : envelope.error.code === 'UNKNOWN_METHOD' ? 404 : BAD_INPUT_CODES.has(envelope.error.code) ? 400 : 200;
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
  if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.off('data', onData);
        reject(new BodyTooLarge());
      } else chunks.push(chunk);
    };
    request.on('data', onData);
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** Closing with unread bytes makes the kernel send a reset the client may see before the 413: drain, within reason. */
function discardRest(request: IncomingMessage): void {
  let discarded = 0;
  request.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > MAX_DISCARDED_BYTES) request.destroy();
  });
  request.on('error', () => {});
  request.resume();
}
