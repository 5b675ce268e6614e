import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { METHOD_NAMES, type Envelope, type Handlers, type ServerEvent } from '../../common/contract.ts';
import { dispatchCall, IPC_EVENT_CHANNEL, ipcChannelOf } from '../../common/dispatch.ts';
import { isAppUrl } from './app-origin.ts';

/**
 * One `ipcMain.handle('seclab:<method>')` per contract method, generated from the table: the
 * sender must be a frame of the app's own origin, the argument must pass the method's zod
 * schema (dispatchCall), and the answer is always an Envelope.
 */
export function registerLabIpc(ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>, handlers: Handlers): () => void {
  for (const method of METHOD_NAMES) {
    ipcMain.handle(ipcChannelOf(method), async (event: IpcMainInvokeEvent, input: unknown): Promise<Envelope<unknown>> => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { code: 'UNTRUSTED_SENDER', message: 'This window is not the app: the call was refused.', context: {} } };
      }
      return dispatchCall(handlers, method, input);
    });
  }
  return () => METHOD_NAMES.forEach((method) => ipcMain.removeHandler(ipcChannelOf(method)));
}

export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  const frame = event.senderFrame;
  // Only the top frame of our own page; a frame that navigated away or an iframe gets nothing.
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

/** Pushes every server event to the window, while it lives. */
export function forwardEvents(webContents: Pick<WebContents, 'send' | 'isDestroyed'>, subscribe: (listener: (event: ServerEvent) => void) => () => void): () => void {
  return subscribe((event) => {
    if (!webContents.isDestroyed()) webContents.send(IPC_EVENT_CHANNEL, event);
  });
}
