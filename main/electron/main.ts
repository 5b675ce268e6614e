// First: points esbuild at its binary outside app.asar before anything loads esbuild.
import './unpacked-esbuild.ts';
import { app, BrowserWindow, ipcMain } from 'electron';
import { join } from 'node:path';
import type { Handlers } from '../../common/contract.ts';
import { defaultEnvironment } from '../core/environment.ts';
import { createEventHub } from '../web/event-hub.ts';
import { createFakeLabHandlers } from '../web/testing/fake-lab-handlers.ts';
import { APP_ENTRY_URL } from './app-origin.ts';
import { registerAppScheme, serveRenderer } from './app-protocol.ts';
import { forwardEvents, registerLabIpc } from './ipc-adapter.ts';
import { createLabHandlers } from '../core/lab-handlers.ts';
import { useAppResources } from '../core/emulator-images/linux-node-source.ts';
import { installSecurityGuards } from './security-guards.ts';
import { mainWindowOptions } from './window-options.ts';

// Bundled to out/electron/main.cjs; the preload and the renderer sit beside it in out/.
const OUT_DIR = join(__dirname, '..');

registerAppScheme();
// The Linux Node the lab images and probes are built from ships in the app's resources (electron-builder.yml).
useAppResources(process.resourcesPath);
if (!app.requestSingleInstanceLock()) app.quit();

function labHandlers(emit: Parameters<typeof createFakeLabHandlers>[0]['emit']): Handlers {
  const demo = process.env.SECLAB_HANDLERS === 'fake' || process.argv.includes('--demo');
  return demo ? createFakeLabHandlers({ emit }) : createLabHandlers(defaultEnvironment(), emit);
}

async function openMainWindow(): Promise<void> {
  installSecurityGuards();
  serveRenderer(join(OUT_DIR, 'renderer'));
  const hub = createEventHub();
  const handlers = labHandlers(hub.emit);
  registerLabIpc(ipcMain, handlers);
  // Before the app quits: a lesson it holds broken is restored (the journal covers a killed app at the next
  // start), then the real handlers let go of their log followers and lab watchers and remove any one-shot
  // container still in flight (an engine measurement the Start screen began).
  let shutDown = false;
  app.on('before-quit', (event) => {
    if (shutDown) return;
    event.preventDefault();
    shutDown = true;
    const { restoreHeldLessons, close } = handlers as { restoreHeldLessons?: () => Promise<string[]>; close?: () => Promise<void> };
    void (restoreHeldLessons?.() ?? Promise.resolve([]))
      .catch(() => [])
      .then(() => close?.())
      .catch(() => undefined)
      .finally(() => app.quit());
  });

  // The scanner cannot see through mainWindowOptions(): it sets contextIsolation, sandbox and disableBlinkFeatures 'Auxclick' (window-options.ts; asserted in electron-shell.test.ts).
  const windowOptions = mainWindowOptions(join(OUT_DIR, 'electron', 'preload.cjs'), join(OUT_DIR, '..', 'resources', 'icon.png'));
  const window = new BrowserWindow(windowOptions); /* eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK */
  const stopForwarding = forwardEvents(window.webContents, hub.subscribe);
  window.on('closed', stopForwarding);
  window.once('ready-to-show', () => window.show());
  await window.loadURL(APP_ENTRY_URL);
}

app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
app.on('window-all-closed', () => app.quit());
app.whenReady().then(openMainWindow, (error: unknown) => {
  process.stderr.write(`seclab: the app could not start: ${String(error)}\n`);
  app.exit(1);
});
