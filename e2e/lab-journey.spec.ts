import { expect, test } from './fixtures.ts';
import { LabApp } from './support/lab-app.ts';
import { readLabRecord } from '../main/core/lab-store/lab-records.ts';

const BANDS = ['network', 'cluster', 'users', 'kibana', 'secrets', 'runtime', 'fleet', 'audit'];

/**
 * Every band passes, except that on an engine that caps open files below Elasticsearch's 65535 (this
 * CI's does) the runtime band warns: runtime.limits names the cap and what it means for Elastic's images.
 */
function expectedBandStatus(band: string, home: string, lab: string): string {
  const capped = readLabRecord(home, lab)?.allocation.raiseFileLimit === false;
  return band === 'runtime' && capped ? 'warn' : 'pass';
}

/**
 * The one-click promise, end to end: Start → bring-up progress → every layer green → reveal and
 * copy the password → es02's logs → reset → teardown. Runs against the real lab services with
 * emulated images, or the in-memory lab (SECLAB_E2E_HANDLERS=fake).
 */
test('start an emulated lab, prove every layer, use it, reset it and tear it down', async ({ appPage: page, shoot, handlers, target }, testInfo) => {
  const app = new LabApp(page);
  const home = testInfo.outputPath('seclab-home');
  const lab = handlers === 'fake' ? 'default' : `e2e${Date.now() % 100000}`;
  const upTimeout = handlers === 'fake' ? 30_000 : 10 * 60_000;
  const verifyTimeout = handlers === 'fake' ? 15_000 : 3 * 60_000;
  let removed = false;
  await test.info().attach('lab', { body: lab, contentType: 'text/plain' });
  try {
    await test.step('Start: defaults filled in, preflight shown, one primary button', async () => {
      await expect(page.getByRole('heading', { name: 'Start a secured lab' })).toBeVisible();
      await expect(page.getByLabel('Elasticsearch nodes')).toHaveValue('3');
      await expect(page.getByRole('figure', { name: "Preview of the lab's topology" })).toBeVisible();
      await expect(page.locator('.react-flow__node', { hasText: 'es03' })).toBeVisible();
      await expect(page.locator('.preflight-item').first()).toBeVisible();
      await app.fillStartOptions({ name: lab, emulated: true });
      await page.getByLabel('Elasticsearch nodes').fill('4');
      await expect(page.locator('.react-flow__node', { hasText: 'es04' })).toBeVisible();
      await page.getByLabel('Elasticsearch nodes').fill('3');
      await expect(page.locator('.react-flow__node', { hasText: 'es04' })).toHaveCount(0);
      await expect(app.startButton).toBeEnabled();
      await shoot('start');
    });

    await test.step('Bring-up: a timeline of phases with progress, EMULATED in the header', async () => {
      await app.startButton.click();
      await expect(page.getByRole('heading', { level: 1, name: new RegExp(`Starting lab ${lab}|Lab ${lab}`) })).toBeVisible();
      await expect(page.locator('.badge-emulated').first()).toBeVisible();
      if (await app.phase('preflight').isVisible()) {
        await expect(app.phase('verification')).toBeVisible();
        await shoot('bring-up');
      }
      await app.waitForLabHome(lab, upTimeout);
      await expect(page.locator('header .badge-emulated')).toHaveText('EMULATED');
      await shoot('lab-home');
    });

    await test.step('Security layers: every band green, evidence one click away', async () => {
      for (const band of BANDS) await expect(app.band(band)).toHaveAttribute('data-status', expectedBandStatus(band, home, lab), { timeout: verifyTimeout });
      await app.band('cluster').click();
      await expect(page.getByRole('heading', { level: 2, name: 'Cluster communication' })).toBeVisible();
      const mutualAuth = page.locator('[data-check="transport.mutual-auth"]');
      await expect(mutualAuth).toContainText('Pass');
      await expect(mutualAuth.locator('pre.evidence')).not.toBeEmpty();
      await shoot('layers-cluster');
    });

    await test.step('Topology: links labelled with their protection; a node shows its facts', async () => {
      await app.tab('Topology').click();
      await expect(page.locator('.topo-edge-label', { hasText: 'mutual TLS' }).first()).toBeVisible();
      await expect(page.locator('.topo-edge-label.link-pass', { hasText: 'HTTPS · kibana_system' })).toBeVisible();
      await page.getByRole('button', { name: 'es02' }).click();
      await expect(page.getByRole('heading', { level: 2, name: 'es02' })).toBeVisible();
      await expect(page.locator('.facts', { hasText: 'Runs as' })).toContainText('1000');
      await shoot('topology-es02');
    });

    await test.step('Access: the elastic password stays hidden until revealed, then copies', async () => {
      await app.tab('Access').click();
      const password = page.getByTestId('password-elastic');
      await expect(password).toHaveText(/^•+$/);
      await page.getByRole('button', { name: 'Reveal elastic password' }).click();
      await expect(password).not.toHaveText(/•/);
      const revealed = (await password.textContent()) ?? '';
      expect(revealed.length).toBeGreaterThanOrEqual(20);
      await page.getByRole('button', { name: 'Copy elastic password' }).click();
      await expect(page.getByRole('button', { name: 'Copy elastic password' })).toHaveText(/Copied/);
      if (target === 'web') expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(revealed);
      await expect(page.locator('.fingerprint-value')).toHaveText(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      await expect(page.locator('[data-user="analyst"]')).toContainText('read lab-*');
      await shoot('access');
    });

    await test.step("Logs: es02's lines, searchable", async () => {
      await app.tab('Logs').click();
      await page.getByLabel('Component').selectOption('es02');
      const view = page.locator('.log-view[data-component="es02"]');
      await expect(view.locator('.log-lines')).not.toBeEmpty();
      await shoot('logs-es02');
    });

    await test.step('Reset: the dialog names what goes, then the lab comes back', async () => {
      await page.getByRole('button', { name: 'Reset…' }).click();
      await expect(app.dialog()).toContainText(`seclab-${lab}-es02`);
      await expect(app.dialog()).toContainText(`Kept for the new lab: the network seclab-${lab} (same subnet).`);
      await expect(app.dialog().getByRole('button', { name: 'Cancel' })).toBeFocused();
      await shoot('reset-dialog');
      await app.dialog().getByRole('button', { name: 'Reset lab' }).click();
      await expect(page.getByRole('heading', { level: 1, name: new RegExp(`Resetting lab ${lab}|Lab ${lab}`) })).toBeVisible();
      await app.waitForLabHome(lab, upTimeout);
      for (const band of BANDS) await expect(app.band(band)).toHaveAttribute('data-status', expectedBandStatus(band, home, lab), { timeout: verifyTimeout });
      await shoot('after-reset');
    });

    await test.step('Teardown: Escape cancels; confirming removes containers, volumes and network', async () => {
      await page.getByRole('button', { name: 'Tear down…' }).click();
      await expect(app.dialog()).toContainText(`seclab-${lab}`);
      await page.keyboard.press('Escape');
      await expect(app.dialog()).toHaveCount(0);
      await page.getByRole('button', { name: 'Tear down…' }).click();
      await expect(app.dialog()).toContainText('volumes');
      await expect(app.dialog()).toContainText('1 network');
      await shoot('teardown-dialog');
      await app.dialog().getByRole('button', { name: 'Tear down lab' }).click();
      await expect(page.getByRole('status').filter({ hasText: `Lab ${lab} torn down` })).toBeVisible({ timeout: upTimeout });
      await expect(page.getByRole('heading', { name: 'Start a secured lab' })).toBeVisible();
      await expect(page.getByRole('alert')).toHaveCount(0);
      await shoot('torn-down');
      removed = true;
    });
  } finally {
    // A run that stopped half-way must not leave a real lab's containers behind.
    if (!removed && handlers === 'real') await app.removeLabQuietly(lab);
  }
});
