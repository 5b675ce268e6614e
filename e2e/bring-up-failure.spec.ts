import { expect, test } from './fixtures.ts';
import { LabApp } from './support/lab-app.ts';

test.use({ appEnv: { SECLAB_E2E_FAIL_AT: 'elasticsearch:es02' } });

/** A failed bring-up says which component failed, shows its last log lines and the fix, in words. */
test('a component that fails during bring-up is named, with its log tail and the fix', async ({ appPage: page, shoot, handlers }) => {
  test.skip(handlers === 'real', 'the failure is injected into the in-memory lab');
  const app = new LabApp(page);
  await app.fillStartOptions({ name: 'broken', emulated: true });
  await app.startButton.click();
  const failure = page.getByRole('alert').filter({ hasText: 'es02 failed during elasticsearch' });
  await expect(failure).toBeVisible();
  await expect(failure).toContainText('its certificate is signed by another CA. Regenerate the lab');
  await expect(failure.locator('pre.evidence')).toContainText('PKIX path validation failed');
  await expect(app.phase('elasticsearch')).toContainText('Failed');
  // What comes after a failure did not run in this attempt: it is not waiting for anything.
  for (const later of ['kibana', 'fleet', 'agents', 'verification']) await expect(app.phase(later)).toContainText('Not run');
  await expect(page.locator('[data-component="es02"]')).toContainText('failed');
  await shoot('bring-up-failed');
  await page.getByRole('button', { name: 'Back to Start', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Start a secured lab' })).toBeVisible();
});
