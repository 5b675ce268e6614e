import { expect, test } from '@playwright/test';
import { startUiServer, type UiServer } from './support/ui-server.ts';

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

    // With the session cookie, but from another origin (or none): refused.
    const evil = await context.request.post(`${server.origin}/api/labs.list`, { headers: { Origin: 'http://127.0.0.1:1' }, data: {} });
    expect(evil.status()).toBe(403);
    expect(await evil.json()).toMatchObject({ ok: false, error: { code: 'WRONG_ORIGIN' } });
    const own = await context.request.post(`${server.origin}/api/labs.list`, { headers: { Origin: server.origin }, data: {} });
    expect(await own.json()).toEqual({ ok: true, value: [] });

    const headers = (await context.request.get(`${server.origin}/`)).headers();
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['cache-control']).toBe('no-store');
    await context.close();
  });
});
