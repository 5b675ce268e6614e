import { METHOD_NAMES, type Envelope, type LabApi, type MethodName, type ServerEvent } from '../../common/contract.ts';
import { LabApiError, unwrapEnvelope } from './api-error.ts';

/**
 * LabApi over `seclab ui`: POST /api/<method> and one EventSource on /api/events, both
 * same-origin, so the session cookie and CSP connect-src 'self' cover them.
 */
export function createHttpApi(fetchImpl: typeof fetch = (...args) => fetch(...args), openEvents: () => EventSource = () => new EventSource('/api/events')): LabApi {
  const listeners = new Set<(event: ServerEvent) => void>();
  let source: EventSource | undefined;

  async function call(method: MethodName, input: unknown): Promise<unknown> {
    const response = await fetchImpl(`/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(input ?? {}),
      credentials: 'same-origin',
    });
    let envelope: Envelope<unknown>;
    try {
      envelope = (await response.json()) as Envelope<unknown>;
    } catch {
      throw new LabApiError({ code: 'HTTP_' + response.status, message: `The seclab ui server answered ${response.status} without a result.`, context: {} });
    }
    return unwrapEnvelope(envelope);
  }

  function ensureEventSource(): void {
    if (source) return;
    source = openEvents();
    source.onmessage = (message) => {
      const event = JSON.parse(String(message.data)) as ServerEvent;
      for (const listener of [...listeners]) listener(event);
    };
  }

  const methods = Object.fromEntries(METHOD_NAMES.map((method) => [method, (input: unknown) => call(method, input)]));
  return {
    ...methods,
    onEvent(listener) {
      listeners.add(listener);
      ensureEventSource();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          source?.close();
          source = undefined;
        }
      };
    },
  } as LabApi;
}
