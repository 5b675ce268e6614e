import { contract, type Envelope, type Handlers, type MethodName } from './contract.ts';
import { serializeError } from './errors.ts';

/**
 * The one place a call crosses from a transport (Electron IPC, HTTP, in-memory) into the
 * handlers: the method must exist, its argument must pass the method's zod schema, and
 * whatever happens comes back as an Envelope, never as a thrown error or a stack trace.
 */

export const IPC_EVENT_CHANNEL = 'seclab:event';

export function ipcChannelOf(method: MethodName): `seclab:${MethodName}` {
  return `seclab:${method}`;
}

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

export async function dispatchCall(handlers: Handlers, method: string, rawInput: unknown): Promise<Envelope<unknown>> {
  if (!isMethodName(method)) {
    return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `There is no method "${method}" in the seclab API.`, context: {} } };
  }
  const parsed = contract[method].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`);
    return {
      ok: false,
      error: { code: 'INVALID_INPUT', message: `${method} was called with a bad argument: ${problems.join('; ')}`, context: { method } },
    };
  }
  try {
    const handler = handlers[method] as (input: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    const { code, message, context } = serializeError(error);
    return { ok: false, error: { code, message, context: { ...context } } };
  }
}
