import { METHOD_NAMES, READ_ONLY_METHODS, type Envelope, type LabApi, type MethodName, type ServerEvent } from '../../common/contract.ts';
import { LabApiError, unwrapEnvelope } from './api-error.ts';

/** The header `seclab ui` wants on every /api call and on the event stream (main/web/session-gate.ts). */
export const PAGE_KEY_HEADER = 'X-Seclab-Key';

export interface HttpApiOptions {
  /** From the link's fragment (see page-key.ts); without it the server refuses every call. */
  pageKey?: string;
  fetchImpl?: typeof fetch;
  /** Pause before the event stream is opened again after it ends or fails. */
  reconnectMs?: number;
  /** Pause before a read-only call whose request failed on the way is sent again. */
  retryMs?: number;
}

const READ_ATTEMPTS = 3;

/**
 * LabApi over `seclab ui`: POST /api/<method> and one streamed GET /api/events (one JSON line
 * per event), both same-origin with the session cookie and the page-key header. The stream is
 * read with fetch, not EventSource, because EventSource cannot send a header.
 */
export function createHttpApi(options: HttpApiOptions = {}): LabApi {
  const fetchImpl = options.fetchImpl ?? ((...args) => fetch(...args));
  const reconnectMs = options.reconnectMs ?? 2000;
  const retryMs = options.retryMs ?? 200;
  const keyHeaders: Record<string, string> = options.pageKey ? { [PAGE_KEY_HEADER]: options.pageKey } : {};
  const listeners = new Set<(event: ServerEvent) => void>();
  let stream: AbortController | undefined;

  /**
   * Chromium drops every request in flight when this machine's addresses change ("net::ERR_NETWORK_CHANGED"),
   * and Docker changes them at each lab's network: a page that opens mid-bring-up lost its first
   * labs.operations so, and showed Start instead of the bring-up. A call that only reads is sent again;
   * a call that changes something is not (it may have arrived), and its error says what happened.
   */
  async function post(method: MethodName, input: unknown): Promise<Response> {
    const send = () =>
      fetchImpl(`/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...keyHeaders },
        body: JSON.stringify(input ?? {}),
        credentials: 'same-origin',
      });
    for (let attempt = 1; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        if (!READ_ONLY_METHODS.has(method) || attempt >= READ_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, retryMs));
      }
    }
  }

  async function call(method: MethodName, input: unknown): Promise<unknown> {
    const response = await post(method, input);
    let envelope: Envelope<unknown>;
    try {
      envelope = (await response.json()) as Envelope<unknown>;
    } catch {
      throw new LabApiError({ code: 'HTTP_' + response.status, message: `The seclab ui server answered ${response.status} without a result.`, context: {} });
    }
    return unwrapEnvelope(envelope);
  }

  function deliver(line: string): void {
    if (line.trim() === '') return; // keep-alive
    const event = JSON.parse(line) as ServerEvent;
    for (const listener of [...listeners]) listener(event);
  }

  async function readEvents(controller: AbortController): Promise<void> {
    while (!controller.signal.aborted) {
      let refused = false;
      try {
        const response = await fetchImpl('/api/events', { headers: keyHeaders, credentials: 'same-origin', signal: controller.signal });
        refused = response.status === 401 || response.status === 403;
        if (response.ok && response.body) {
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffered = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            const lines = (buffered + value).split('\n');
            buffered = lines.pop() ?? '';
            lines.forEach(deliver);
          }
        }
      } catch {
        // A dropped stream (server restart, sleep) is opened again below.
      }
      // Without a session or key, asking again cannot help; the calls' own errors say why.
      if (refused || controller.signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, reconnectMs));
    }
  }

  const methods = Object.fromEntries(METHOD_NAMES.map((method) => [method, (input: unknown) => call(method, input)]));
  return {
    ...methods,
    onEvent(listener) {
      listeners.add(listener);
      if (!stream) {
        stream = new AbortController();
        void readEvents(stream);
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
          stream?.abort();
          stream = undefined;
        }
      };
    },
  } as LabApi;
}
