import type { IpcMainInvokeEvent } from 'electron';
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES, type Envelope } from '../../common/contract.ts';
import { createFakeLabHandlers } from '../web/testing/fake-lab-handlers.ts';
import { isAppUrl, isOpenableExternally } from './app-origin.ts';
import { forwardEvents, registerLabIpc } from './ipc-adapter.ts';
import { secureWebPreferences } from './window-options.ts';

type Listener = (event: IpcMainInvokeEvent, input: unknown) => Promise<Envelope<unknown>>;

function fakeIpcMain() {
  const channels = new Map<string, Listener>();
  return {
    channels,
    handle: (channel: string, listener: Listener) => void channels.set(channel, listener),
    removeHandler: (channel: string) => void channels.delete(channel),
  };
}

const fromFrame = (url: string, parent: unknown = null) => ({ senderFrame: { url, parent } }) as unknown as IpcMainInvokeEvent;

describe('secureWebPreferences', () => {
  it('isolates, sandboxes and keeps web security on', () => {
    expect(secureWebPreferences('/x/preload.cjs')).toMatchObject({
      preload: '/x/preload.cjs',
      contextIsolation: true,
      nodeIntegration: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    });
  });
});

describe('registerLabIpc', () => {
  it('registers one channel per contract method and nothing else', () => {
    const ipc = fakeIpcMain();
    registerLabIpc(ipc, createFakeLabHandlers({ emit: () => {}, stepMs: 0 }));
    expect([...ipc.channels.keys()].sort()).toEqual(METHOD_NAMES.map((method) => `seclab:${method}`).sort());
  });

  it('answers the app and refuses other senders and bad arguments', async () => {
    const ipc = fakeIpcMain();
    const dispose = registerLabIpc(ipc, createFakeLabHandlers({ emit: () => {}, stepMs: 0 }));
    const list = ipc.channels.get('seclab:labs.list')!;
    expect(await list(fromFrame('app://lab/index.html'), {})).toEqual({ ok: true, value: [] });
    expect(await list(fromFrame('https://evil.example/'), {})).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_SENDER' } });
    expect(await list(fromFrame('app://lab/index.html', { url: 'app://lab/' }), {})).toMatchObject({ ok: false, error: { code: 'UNTRUSTED_SENDER' } });
    expect(await list({ senderFrame: null } as unknown as IpcMainInvokeEvent, {})).toMatchObject({ ok: false });
    const logs = ipc.channels.get('seclab:labs.logs')!;
    expect(await logs(fromFrame('app://lab/index.html'), { lab: 'default', component: 'es01', tail: 999999 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    dispose();
    expect(ipc.channels.size).toBe(0);
  });

  it('forwards events to a live window only', () => {
    const sent: unknown[] = [];
    let destroyed = false;
    const listeners = new Set<(event: never) => void>();
    forwardEvents({ send: (_channel: string, event: unknown) => void sent.push(event), isDestroyed: () => destroyed }, (listener) => {
      listeners.add(listener as never);
      return () => listeners.delete(listener as never);
    });
    for (const listener of listeners) listener({ type: 'log-line', subscription: 's', line: 'a' } as never);
    destroyed = true;
    for (const listener of listeners) listener({ type: 'log-line', subscription: 's', line: 'b' } as never);
    expect(sent).toEqual([{ type: 'log-line', subscription: 's', line: 'a' }]);
  });
});

describe('app origin', () => {
  it('recognises only app://lab', () => {
    expect(isAppUrl('app://lab/index.html')).toBe(true);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });
  it('opens only the lab’s loopback HTTPS endpoints externally', () => {
    expect(isOpenableExternally('https://localhost:5601/app/home')).toBe(true);
    expect(isOpenableExternally('http://localhost:5601')).toBe(false);
    expect(isOpenableExternally('https://evil.example')).toBe(false);
    expect(isOpenableExternally('https://user:pw@localhost:9200')).toBe(false);
    expect(isOpenableExternally('file:///etc/passwd')).toBe(false);
  });
});
