import { _electron, test as base, type Page } from '@playwright/test';
import { findElectronBinary } from './support/electron-binary.ts';
import { e2eHandlers, e2eTarget, REPO_ROOT, type E2eHandlers, type E2eTarget } from './support/paths.ts';
import { startUiServer } from './support/ui-server.ts';

interface AppFixtures {
  /** Extra environment for the app under test (e.g. SECLAB_E2E_FAIL_AT for the fake lab). */
  appEnv: Record<string, string>;
  target: E2eTarget;
  handlers: E2eHandlers;
  /** The app's window: an Electron BrowserWindow or a Chromium tab on `seclab ui`; loaded and hydrated. */
  appPage: Page;
  /** Screenshot of the current screen, kept as a numbered test artefact. */
  shoot: (name: string) => Promise<void>;
}

export const test = base.extend<AppFixtures>({
  appEnv: [{}, { option: true }],
  target: async ({}, use) => use(e2eTarget()),
  handlers: async ({}, use) => use(e2eHandlers()),

  appPage: async ({ browser, target, handlers, appEnv }, use, testInfo) => {
    // Real labs live in a private SECLAB_HOME per test, so a run never touches a person's own labs.
    // Official images come from a closed loopback port: the Start screen's preflight asks nothing of the internet.
    const env = { SECLAB_HOME: testInfo.outputPath('seclab-home'), SECLAB_E2E_STEP_MS: '150', SECLAB_OFFICIAL_REGISTRY: '127.0.0.1:9', ...appEnv };
    if (target === 'electron') {
      const app = await _electron.launch({
        executablePath: findElectronBinary(),
        args: [REPO_ROOT],
        env: { ...process.env, ...env, SECLAB_HANDLERS: handlers },
      });
      const page = await app.firstWindow();
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.locator('[data-app-state="loaded"]').waitFor();
      await use(page);
      await app.close();
      return;
    }
    const server = await startUiServer(handlers, env);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
    const page = await context.newPage();
    await page.goto(server.url);
    await page.locator('[data-app-state="loaded"]').waitFor();
    await use(page);
    await context.close();
    await server.stop();
  },

  shoot: async ({ appPage }, use, testInfo) => {
    let count = 0;
    await use(async (name) => {
      count += 1;
      await testInfo.attach(`${String(count).padStart(2, '0')}-${name}`, { body: await appPage.screenshot(), contentType: 'image/png' });
    });
  },
});

export { expect } from '@playwright/test';
