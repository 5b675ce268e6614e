/** Where a tab keeps the page key across reloads: per origin (so per port) and per tab, never in a cookie. */
const STORAGE_ITEM = 'seclab.pageKey';

/**
 * The `seclab ui` link carries the page key in its fragment (`#key=…`), which browsers never
 * send to a server. Taken once into sessionStorage, then wiped from the address bar so it is
 * not left in history or shown on screen.
 */
export function takePageKey(global: Pick<Window, 'location' | 'history' | 'sessionStorage'> = window): string | undefined {
  const fromFragment = new URLSearchParams(global.location.hash.slice(1)).get('key');
  if (fromFragment) {
    global.sessionStorage.setItem(STORAGE_ITEM, fromFragment);
    global.history.replaceState(null, '', global.location.pathname + global.location.search);
  }
  return global.sessionStorage.getItem(STORAGE_ITEM) ?? undefined;
}
