import { defineConfig } from '@playwright/test';

/**
 * One suite, two targets: Debian's Chromium against a `seclab ui` server (default), or the
 * Electron app when SECLAB_E2E_TARGET=electron and its binary exists. Specs never know which.
 * SECLAB_E2E_HANDLERS=fake|real picks the lab behind the UI (default: real when
 * main/core/lab-handlers.ts exists).
 */
export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
  globalSetup: './e2e/global-setup.ts',
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  workers: 1,
  timeout: 15 * 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    viewport: { width: 1280, height: 800 },
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
});
