import { expect, test } from './fixtures.ts';
import { LabApp } from './support/lab-app.ts';

test.use({ appEnv: { SECLAB_E2E_OFFLINE: '1' } });

/** Offline with the defaults (official images): preflight says so and one button starts the same lab emulated. */
test('an unreachable registry is named at Start and offers the same lab on emulated images', async ({ appPage: page, shoot, handlers }) => {
  test.skip(handlers === 'real', 'the offline machine is simulated by the in-memory lab (integration tests cover the real engine)');
  const app = new LabApp(page);
  const registry = page.locator('.preflight-item', { hasText: 'Registry unreachable' });
  await expect(registry).toBeVisible();
  await expect(registry).toContainText('could not reach docker.elastic.co');
  await expect(app.startButton).toBeDisabled();
  await registry.scrollIntoViewIfNeeded();
  await shoot('offline-start');
  const presenter = page.locator('.presenter-toggle');
  await presenter.click();
  await expect(presenter).toHaveAttribute('aria-pressed', 'true');
  await registry.scrollIntoViewIfNeeded();
  await shoot('offline-start-presenter');
  await presenter.click();
  await registry.getByRole('button', { name: 'Start on emulated images' }).click();
  await expect(page.locator('header .badge-emulated')).toBeVisible();
  await app.waitForLabHome('default', 60_000);
  await shoot('offline-started-emulated');
});
