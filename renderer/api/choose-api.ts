import type { LabApi } from '../../common/contract.ts';
import { BRIDGE_GLOBAL, type SeclabBridge } from '../../common/seclab-bridge.ts';
import { createHttpApi } from './http-api.ts';
import { createIpcApi } from './ipc-api.ts';
import { takePageKey } from './page-key.ts';

/** Electron's preload when it is there, otherwise the `seclab ui` server this page came from. */
export function chooseApi(global: Window = window): LabApi {
  const bridge = (global as unknown as Record<string, SeclabBridge | undefined>)[BRIDGE_GLOBAL];
  return bridge ? createIpcApi(bridge) : createHttpApi({ pageKey: takePageKey(global) });
}
