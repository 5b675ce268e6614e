import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/** Electron's security checklist, items 2–4 and 6–10, in one object a unit test can read. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    sandbox: true,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    // Middle-click would open links in a new window; the app opens none.
    disableBlinkFeatures: 'Auxclick',
    devTools: process.env.SECLAB_DEVTOOLS === '1',
  };
}

export function mainWindowOptions(preloadPath: string, iconPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1360,
    height: 860,
    minWidth: 1100,
    minHeight: 700,
    title: 'Secure Cluster Lab',
    icon: iconPath,
    backgroundColor: '#eef2f7',
    show: false,
    webPreferences: secureWebPreferences(preloadPath),
  };
}
