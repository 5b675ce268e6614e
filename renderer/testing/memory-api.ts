import { METHOD_NAMES, type LabApi, type ServerEvent } from '../../common/contract.ts';
import { dispatchCall } from '../../common/dispatch.ts';
import { createFakeLabHandlers, type FakeLabOptions } from '../../main/web/testing/fake-lab-handlers.ts';
import { unwrapEnvelope } from '../api/api-error.ts';

/** LabApi in-process over the fake lab, through the same dispatchCall every transport uses. */
export function createMemoryApi(options: Omit<FakeLabOptions, 'emit'> = {}): LabApi {
  const listeners = new Set<(event: ServerEvent) => void>();
  const handlers = createFakeLabHandlers({ stepMs: 0, ...options, emit: (event) => listeners.forEach((listener) => listener(event)) });
  const methods = Object.fromEntries(METHOD_NAMES.map((method) => [method, async (input: unknown) => unwrapEnvelope(await dispatchCall(handlers, method, input))]));
  return {
    ...methods,
    onEvent(listener: (event: ServerEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as unknown as LabApi;
}
