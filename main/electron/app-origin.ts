/**
 * The renderer is served from a privileged custom scheme, so its origin means something:
 * IPC senders and navigations are checked against it.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'lab';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export function isAppUrl(url: string): boolean {
  try {
    // Node's URL gives custom schemes an opaque origin ("null"), so compare scheme and host.
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}

/** Links the renderer may open in the system browser: only the lab's own loopback HTTPS endpoints. */
export function isOpenableExternally(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname) && parsed.username === '' && parsed.password === '';
  } catch {
    return false;
  }
}
