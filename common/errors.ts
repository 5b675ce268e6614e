import type { PreflightCheck } from './lab-status.ts';

/**
 * Errors that reach a person carry a stable code, a message that says what to do, and where
 * it happened. They cross IPC and HTTP as `{ ok: false, error: { code, message, context } }`.
 */
export interface ErrorContext {
  lab?: string;
  component?: string;
  phase?: string;
  /** Last lines of the failing container's log, secrets already scrubbed. */
  logTail?: string[];
  /** A failed preflight's whole list, so every interface can show it as `seclab doctor` does. */
  preflight?: PreflightCheck[];
}

export class SeclabError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly context: ErrorContext = {},
  ) {
    super(message);
    this.name = 'SeclabError';
  }
}

export interface SerializedError {
  code: string;
  message: string;
  context: ErrorContext;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof SeclabError) return { code: error.code, message: error.message, context: error.context };
  const withCode = error as { code?: unknown; message?: unknown };
  return {
    code: typeof withCode?.code === 'string' ? withCode.code : 'INTERNAL',
    message: typeof withCode?.message === 'string' ? withCode.message : String(error),
    context: {},
  };
}
