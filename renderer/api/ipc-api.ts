import { METHOD_NAMES, type Envelope, type LabApi, type MethodName } from '../../common/contract.ts';
import type { SeclabBridge } from '../../common/seclab-bridge.ts';
import { unwrapEnvelope } from './api-error.ts';

/** LabApi over the Electron preload's `window.seclab`. */
export function createIpcApi(bridge: SeclabBridge): LabApi {
  const methods = Object.fromEntries(
    METHOD_NAMES.map((method: MethodName) => {
      const send = bridge[method] as unknown as (input: unknown) => Promise<Envelope<unknown>>;
      return [method, async (input: unknown) => unwrapEnvelope(await send(input))];
    }),
  );
  return { ...methods, onEvent: (listener) => bridge.onEvent(listener) } as LabApi;
}
