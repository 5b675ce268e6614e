// Stands in for the 'electron' module so the bundled main process can be booted by plain Node in a test.
// Records what main.cjs asks of Electron and prints it as one JSON line once the window has loaded.
const Module = require('node:module');

const record = { schemes: [], protocols: [], webPreferences: [], loaded: [], channels: [], exit: null };
const webContents = { send() {}, isDestroyed: () => false, on() {}, setWindowOpenHandler() {}, getURL: () => 'app://lab/index.html' };

class BrowserWindow {
  constructor(options) {
    record.webPreferences.push(options.webPreferences);
    this.webContents = webContents;
  }
  on() {}
  once() {}
  show() {}
  async loadURL(url) {
    record.loaded.push(url);
    setImmediate(() => {
      process.stdout.write(`${JSON.stringify(record)}\n`);
      process.exit(0);
    });
  }
  static getAllWindows() {
    return [];
  }
}

const electron = {
  app: {
    requestSingleInstanceLock: () => true,
    quit() {},
    exit(code) {
      record.exit = code;
    },
    on() {},
    whenReady: () => Promise.resolve(),
  },
  BrowserWindow,
  ipcMain: { handle: (channel) => record.channels.push(channel), removeHandler() {} },
  protocol: { registerSchemesAsPrivileged: (schemes) => record.schemes.push(...schemes), handle: (scheme) => record.protocols.push(scheme) },
  net: { fetch: async () => new Response('') },
  session: {
    defaultSession: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {}, setDevicePermissionHandler() {}, webRequest: { onHeadersReceived() {} } },
  },
  shell: { openExternal() {} },
};

const load = Module._load;
Module._load = function loadWithFakeElectron(request, ...rest) {
  return request === 'electron' ? electron : load.call(this, request, ...rest);
};
