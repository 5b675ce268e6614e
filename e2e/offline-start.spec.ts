import { expect, test } from './fixtures.ts';
import { LabApp } from './support/lab-app.ts';

// The demo lab plays an offline machine; the real one has its official registry on a closed loopback port (fixtures.ts).
test.use({ appEnv: { SECLAB_E2E_OFFLINE: '1' } });

const upTimeout = (handlers: string) => (handlers === 'fake' ? 60_000 : 10 * 60_000);

/** Offline with the defaults (official images): preflight warns, and one button in that line starts the same lab emulated. */
test('an unreachable registry is a warning at Start with one button that starts the same lab on emulated images; the form keeps the choices after teardown', async ({ appPage: page, shoot, handlers }) => {
  const app = new LabApp(page);
  const lab = `off${Date.now() % 100000}`;
  await test.info().attach('lab', { body: lab, contentType: 'text/plain' });
  let removed = false;
  try {
    await page.getByLabel('Lab name').fill(lab);
    const registry = page.locator('.preflight-item', { hasText: 'Registry unreachable' });
    await expect(registry).toBeVisible({ timeout: 60_000 });
    await expect(registry).toContainText(/could not reach (docker\.elastic\.co|127\.0\.0\.1:9)/);
    await expect(registry.locator('[data-status]').first()).toHaveAttribute('data-status', 'warn');
    await expect(registry).toContainText('Warning');
    // The one way to emulated images, in the line that says why.
    await expect(page.getByRole('button', { name: 'Start on emulated images' })).toHaveCount(1);
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
    await app.waitForLabHome(lab, upTimeout(handlers));
    await shoot('offline-started-emulated');

    await page.getByRole('button', { name: 'Tear down…' }).click();
    await app.dialog().getByRole('button', { name: 'Tear down lab' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Lab ${lab} torn down` })).toBeVisible({ timeout: upTimeout(handlers) });
    removed = true;
    await expect(page.getByRole('heading', { name: 'Start a secured lab' })).toBeVisible();
    await expect(page.getByRole('textbox', { name: 'Lab name' })).toHaveValue(lab);
    await expect(page.getByRole('radio', { name: 'Emulated (offline)' })).toBeChecked();
    await shoot('form-after-teardown');
  } finally {
    if (!removed && handlers === 'real') await app.removeLabQuietly(lab);
  }
});

/** Starting on official images anyway fails at the images, says why once, and the phases after it did not run. */
test('a start on unreachable official images fails in words, once, and marks the later phases "Not run"', async ({ appPage: page, shoot, handlers }) => {
  const app = new LabApp(page);
  const lab = `off${Date.now() % 100000}`;
  try {
    await page.getByLabel('Lab name').fill(lab);
    // One node: a multi-node official cluster also needs engine limits this machine may not grant (a separate preflight failure).
    await page.getByLabel('Elasticsearch nodes').fill('1');
    await expect(page.locator('.preflight-item', { hasText: 'Registry unreachable' })).toBeVisible({ timeout: 60_000 });
    await expect(app.startButton).toBeEnabled({ timeout: 60_000 });
    await app.startButton.click();
    await expect(page.getByRole('heading', { level: 1, name: `Lab ${lab} did not come up` })).toBeVisible({ timeout: upTimeout(handlers) });
    const failure = page.getByRole('alert');
    await expect(failure).toContainText(/could not pull \S+: the Docker engine could not reach \S+ \(.*connection refused\)\. Start the lab on emulated images/);
    await expect(failure).not.toContainText(/HTTP code|server error/);
    await expect(page.getByText(/could not pull/)).toHaveCount(1);
    await expect(app.phase('images')).toContainText('Failed');
    for (const later of ['certificates', 'elasticsearch', 'kibana', 'verification']) await expect(app.phase(later)).toContainText('Not run');
    await expect(page.locator('.timeline')).not.toContainText('Waiting');
    await shoot('official-start-failed');
    await page.getByRole('button', { name: 'Back to Start', exact: true }).click();
    await expect(page.getByRole('textbox', { name: 'Lab name' })).toHaveValue(lab);
    await expect(page.getByLabel('Elasticsearch nodes')).toHaveValue('1');
    // Start checks the form again: its engine probe's one-shot containers are named for this lab, so the
    // lab is removed once that check has ended, not while it makes them (the next check would be left).
    await expect(page.locator('.preflight-list[aria-busy="false"] .preflight-item', { hasText: 'Registry unreachable' })).toBeVisible({ timeout: 60_000 });
  } finally {
    if (handlers === 'real') await app.removeLabQuietly(lab);
  }
});
