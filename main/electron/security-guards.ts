import { app, session, shell, type Session, type WebContents } from 'electron';
import { APP_ORIGIN, isAppUrl, isOpenableExternally } from './app-origin.ts';
import { CONTENT_SECURITY_POLICY } from '../web/security-headers.ts';

/**
 * Deny by default (Electron security checklist 5, 7, 12–15): no permissions, no navigation
 * away from the app, no new windows, no webviews; links to the lab's own HTTPS endpoints go
 * to the system browser.
 */
export function installSecurityGuards(): void {
  applySessionPolicy(session.defaultSession);
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents));
}

function applySessionPolicy(target: Session): void {
  // The one permission granted: the app's own page may write to the clipboard (Copy buttons).
  target.setPermissionRequestHandler((contents, permission, callback) => callback(permission === 'clipboard-sanitized-write' && isAppUrl(contents.getURL())));
  target.setPermissionCheckHandler((_contents, permission, requestingOrigin) => permission === 'clipboard-sanitized-write' && isAppUrl(requestingOrigin));
  target.setDevicePermissionHandler(() => false);
  target.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    // CONTENT_SECURITY_POLICY is the literal policy of renderer/index.html (main/web/security-headers.ts); the scanner cannot parse a constant.
    if (isAppUrl(details.url)) headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY]; /* eng-disable CSP_GLOBAL_CHECK */
    callback({ responseHeaders: headers });
  });
}

function guardWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // Only https URLs on localhost/127.0.0.1 without credentials (isOpenableExternally): the lab's own Kibana, ES and Fleet endpoints.
    if (isOpenableExternally(url)) void shell.openExternal(new URL(url).toString()); /* eng-disable OPEN_EXTERNAL_JS_CHECK */
    return { action: 'deny' };
  });
}

export { APP_ORIGIN };
