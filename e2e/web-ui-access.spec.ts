import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { LabApp } from './support/lab-app.ts';
import { startUiServer, type UiServer } from './support/ui-server.ts';

/** Another program on 127.0.0.1: it records the Cookie header of every request the browser sends it. */
async function startCookieCatcher(): Promise<{ url: string; cookies: string[]; close(): Promise<void> }> {
  const cookies: string[] = [];
  const server: Server = createServer((request, response) => {
    cookies.push(request.headers.cookie ?? '');
    response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>another local program</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    cookies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** `seclab ui` serves nothing without the one-time link's session, and no API call from another origin. */
test.describe('seclab ui refuses strangers', () => {
  let server: UiServer;
  test.beforeAll(async () => {
    server = await startUiServer('fake');
  });
  test.afterAll(async () => server.stop());

  test('no token, no cookie: the page, the assets, the API and the event stream are refused', async ({ request }) => {
    const page = await request.get(`${server.origin}/`);
    expect(page.status()).toBe(401);
    expect(await page.text()).toContain('Open the link that `seclab ui` printed');
    expect((await request.get(`${server.origin}/shield.svg`)).status()).toBe(401);
    expect((await request.get(`${server.origin}/api/events`)).status()).toBe(401);
    const api = await request.post(`${server.origin}/api/labs.list`, { headers: { Origin: server.origin }, data: {} });
    expect(api.status()).toBe(401);
    expect(await api.json()).toMatchObject({ ok: false, error: { code: 'NO_SESSION' } });
  });

  test('the token opens one session, once; another origin is refused even with the cookie', async ({ browser, playwright }, testInfo) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(server.url);
    await expect(page).toHaveURL(`${server.origin}/`);
    await page.locator('[data-app-state="loaded"]').waitFor();
    await testInfo.attach('session-opened', { body: await page.screenshot(), contentType: 'image/png' });
    const cookie = (await context.cookies()).find((entry) => entry.name === 'seclab_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });

    // The same link in another browser: already spent.
    const stranger = await playwright.request.newContext();
    const reuse = await stranger.get(server.url, { maxRedirects: 0 });
    expect(reuse.status()).toBe(403);
    expect(await reuse.text()).toContain('already used');
    await stranger.dispose();

    // With the session cookie and the page key, but from another origin (or none): refused.
    const pageKey = await page.evaluate(() => sessionStorage.getItem('seclab.pageKey'));
    const evil = await context.request.post(`${server.origin}/api/labs.list`, { headers: { Origin: 'http://127.0.0.1:1', 'X-Seclab-Key': pageKey! }, data: {} });
    expect(evil.status()).toBe(403);
    expect(await evil.json()).toMatchObject({ ok: false, error: { code: 'WRONG_ORIGIN' } });
    const own = await context.request.post(`${server.origin}/api/labs.list`, { headers: { Origin: server.origin, 'X-Seclab-Key': pageKey! }, data: {} });
    expect(await own.json()).toEqual({ ok: true, value: [] });

    const headers = (await context.request.get(`${server.origin}/`)).headers();
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['cache-control']).toBe('no-store');
    await context.close();
  });

  test('another program on 127.0.0.1 receives the cookie, but the cookie alone opens nothing; the app works with its page key', async ({ browser, playwright }, testInfo) => {
    // A server of its own: the shared server's one-time link is spent by the test above.
    const server = await startUiServer('fake');
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      const app = new LabApp(page);
      await page.goto(server.url);
      await page.locator('[data-app-state="loaded"]').waitFor();
      // The key left the address bar for sessionStorage.
      await expect(page).toHaveURL(`${server.origin}/`);
      expect(await page.evaluate(() => sessionStorage.getItem('seclab.pageKey'))).toMatch(/^[0-9a-f]{64}$/);

      // A lab to hold a secret, brought up through the UI: its timeline moves on the event stream (fetch with the key).
      await app.fillStartOptions({ name: 'keyed', emulated: true });
      await app.startButton.click();
      await expect(app.phase('network')).toContainText('Done');
      await app.waitForLabHome('keyed', 30_000);

      // Browsers send cookies to every port of a host: a local listener gets the session cookie.
      const catcher = await startCookieCatcher();
      try {
        const other = await context.newPage();
        await other.goto(catcher.url);
        const stolen = catcher.cookies.find((header) => header.includes('seclab_session='));
        expect(stolen, 'the browser sends the session cookie to another port of 127.0.0.1').toBeTruthy();
        await testInfo.attach('cookie-seen-by-another-port', { body: stolen!.replace(/=([0-9a-f]{8})[0-9a-f]+/, '=$1…'), contentType: 'text/plain' });

        // With that cookie and hand-set Host and Origin, the API and the event stream stay shut.
        const thief = await playwright.request.newContext();
        const headers = { Cookie: stolen!, Origin: server.origin, Host: new URL(server.origin).host, 'Content-Type': 'application/json' };
        const reveal = await thief.post(`${server.origin}/api/labs.revealSecret`, { headers, data: { lab: 'keyed', username: 'elastic' } });
        expect(reveal.status()).toBe(401);
        expect(await reveal.json()).toMatchObject({ ok: false, error: { code: 'NO_PAGE_KEY' } });
        expect((await thief.get(`${server.origin}/api/events`, { headers: { Cookie: stolen! } })).status()).toBe(401);
        await thief.dispose();
      } finally {
        await catcher.close();
      }

      // The app itself, which holds the key, still reveals the password.
      await app.tab('Access').click();
      await page.getByRole('button', { name: 'Reveal elastic password', exact: true }).click();
      await expect(page.getByTestId('password-elastic')).not.toContainText('•');
      const revealed = await page.evaluate(async () => {
        const response = await fetch('/api/labs.revealSecret', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Seclab-Key': sessionStorage.getItem('seclab.pageKey') ?? '' },
          body: JSON.stringify({ lab: 'keyed', username: 'elastic' }),
        });
        return response.json();
      });
      expect(revealed).toMatchObject({ ok: true, value: { username: 'elastic', password: await page.getByTestId('password-elastic').textContent() } });
      await testInfo.attach('app-with-key', { body: await page.screenshot(), contentType: 'image/png' });
      await context.close();
    } finally {
      await server.stop();
    }
  });
});
