import type { Envelope } from '../../common/contract.ts';

type ErrorBody = Extract<Envelope<unknown>, { ok: false }>['error'];

/** A refused call, as the renderer sees it: a code, a sentence to show, and where it happened. */
export class LabApiError extends Error {
  readonly code: string;
  readonly context: ErrorBody['context'];

  constructor(body: ErrorBody) {
    super(body.message);
    this.name = 'LabApiError';
    this.code = body.code;
    this.context = body.context ?? {};
  }

  get logTail(): string[] {
    const tail = this.context.logTail;
    return Array.isArray(tail) ? tail.map(String) : [];
  }
}

export function unwrapEnvelope<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value;
  throw new LabApiError(envelope.error);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
