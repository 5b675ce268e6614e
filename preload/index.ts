import { contextBridge, ipcRenderer } from 'electron';
import { METHOD_NAMES, type ServerEvent } from '../common/contract.ts';
import { IPC_EVENT_CHANNEL, ipcChannelOf } from '../common/dispatch.ts';
import { BRIDGE_GLOBAL, type SeclabBridge } from '../common/seclab-bridge.ts';

/**
 * One named function per contract method, generated from METHOD_NAMES, plus onEvent. No
 * generic invoke(channel): the renderer can reach nothing the contract does not list.
 */
const methods = Object.fromEntries(METHOD_NAMES.map((method) => [method, (input: unknown) => ipcRenderer.invoke(ipcChannelOf(method), input)]));

const bridge = {
  ...methods,
  onEvent(listener: (event: ServerEvent) => void): () => void {
    // The IpcRendererEvent (with its sender) stays here; the page gets the payload only.
    const forward = (_event: unknown, payload: ServerEvent) => listener(payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
  },
} as SeclabBridge;

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
