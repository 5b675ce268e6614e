import { expect, test } from './fixtures.ts';
import { LabApp } from './support/lab-app.ts';
import { startLingeringProbe, upLabInAnotherHome } from './support/labs-elsewhere.ts';
import { DockerEngine } from '../main/core/docker/docker-engine.ts';

/** The lab's components (one node keeps this machine's load down): nothing else is ever one, whatever else carries the lab's label. */
const COMPONENTS = ['es01', 'kibana', 'fleet-server', 'agent01'];
const UP_TIMEOUT = 10 * 60_000;

/**
 * The app tells the truth at every moment (#17): verification probes are one-shot helpers, never
 * components — not in the count, the Topology list, the Logs picker, Reset's timeline or the
 * teardown's message; the audit proof shows whose login failed.
 */
test('probes are never lab components, and the audit evidence names the user', async ({ appPage: page, shoot, handlers }) => {
  test.skip(handlers !== 'real', 'probes are containers of a real lab');
  const app = new LabApp(page);
  const lab = `list${Date.now() % 100000}`;
  await test.info().attach('lab', { body: lab, contentType: 'text/plain' });
  const probes: string[] = [];
  let removed = false;
  try {
    await test.step('Start an emulated lab', async () => {
      await app.fillStartOptions({ name: lab, emulated: true });
      await page.getByLabel('Elasticsearch nodes').fill('1');
      await expect(app.startButton).toBeEnabled({ timeout: 60_000 });
      await app.startButton.click();
      await app.waitForLabHome(lab, UP_TIMEOUT);
    });

    await test.step('Audit: the evidence names the user whose login failed', async () => {
      await expect(app.band('audit')).toHaveAttribute('data-status', 'pass', { timeout: 3 * 60_000 });
      await app.band('audit').click();
      const evidence = page.locator('[data-check="audit.logging"] pre.evidence');
      await expect(evidence).toContainText(/audit event in es01's log: authentication_failed for user seclab-audit-probe-\d+/);
      await expect(evidence).toContainText(/"user\.name":"seclab-audit-probe-\d+"/);
      await evidence.scrollIntoViewIfNeeded();
      await shoot('audit-evidence');
    });

    await test.step('A probe lingers: the count, Topology and Logs still show the components only', async () => {
      probes.push(await startLingeringProbe(lab, 'e2e1'));
      // A fresh window reads everything from the engine again, probe included.
      await page.reload();
      await page.locator('[data-app-state="loaded"]').waitFor();
      await app.waitForLabHome(lab, 60_000);
      await expect(page.locator('main')).toContainText(`${COMPONENTS.length} containers`);
      await app.tab('Topology').click();
      await expect(page.locator('.component-picker li .mono')).toHaveText(COMPONENTS);
      await shoot('topology-components');
      await app.tab('Logs').click();
      const options = await page.getByLabel('Component').locator('option').allTextContents();
      expect(options.map((o) => o.trim()).sort()).toEqual([...COMPONENTS].sort());
      await expect(page.getByText(/has no component/)).toHaveCount(0);
      await shoot('logs-picker');
    });

    await test.step('Reset with a probe around: the dialog and the timeline name components only', async () => {
      await page.getByRole('button', { name: 'Reset…' }).click();
      await expect(app.dialog()).toContainText(`${COMPONENTS.length} containers`);
      await expect(app.dialog()).not.toContainText('probe');
      await app.dialog().getByRole('button', { name: 'Reset lab' }).click();
      await expect(app.phase('teardown')).toContainText('Done', { timeout: 2 * 60_000 });
      const shown = await page.locator('[data-component]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-component')));
      expect(shown.every((component) => COMPONENTS.includes(component ?? ''))).toBe(true);
      await expect(page.locator('.bring-up-screen')).not.toContainText('probe');
      await shoot('reset-timeline');
      await app.waitForLabHome(lab, UP_TIMEOUT);
    });

    await test.step('Tear down with a probe around: the probe goes too, the message counts the components only', async () => {
      probes.push(await startLingeringProbe(lab, 'e2e2'));
      await page.getByRole('button', { name: 'Tear down…' }).click();
      await expect(app.dialog()).toContainText(`${COMPONENTS.length} containers`);
      await expect(app.dialog()).not.toContainText('probe');
      await shoot('teardown-dialog');
      await app.dialog().getByRole('button', { name: 'Tear down lab' }).click();
      const message = page.getByRole('status').filter({ hasText: `Lab ${lab} torn down` });
      await expect(message).toBeVisible({ timeout: UP_TIMEOUT });
      await expect(message).toContainText(`${COMPONENTS.length} containers`);
      await shoot('torn-down');
      removed = true;
      expect((await new DockerEngine().labObjects(lab)).containers).toEqual([]);
    });
  } finally {
    if (!removed) await app.removeLabQuietly(lab);
  }
});

test('a lab another seclab home made is listed as running, with what can be done with it from here', async ({ appPage: page, shoot, handlers }) => {
  test.skip(handlers !== 'real', 'the other seclab home is a real one on the same engine');
  const lab = `list${Date.now() % 100000}`;
  await test.info().attach('lab', { body: lab, contentType: 'text/plain' });
  const other = await upLabInAnotherHome(lab, { elasticsearch: { nodes: 1 }, fleetServer: false, agents: 0 });
  try {
    await page.reload();
    await page.locator('[data-app-state="loaded"]').waitFor();
    await expect(page.getByRole('heading', { name: 'Start a secured lab' })).toBeVisible();
    const row = page.locator('.lab-list-item').filter({ has: page.locator('.lab-list-name', { hasText: new RegExp(`^${lab}$`) }) });
    await expect(row).toContainText('Running');
    await expect(row).toContainText('2/2 running');
    await expect(row).toContainText('EMULATED');
    await expect(row).not.toContainText('Failed');
    await expect(row).toContainText('Other seclab home');
    await expect(row).toContainText(`seclab down --lab ${lab}`);
    await expect(row.getByRole('button', { name: `Open ${lab}` })).toHaveCount(0);
    await row.scrollIntoViewIfNeeded();
    await shoot('lab-from-another-home');
  } finally {
    await other.remove();
  }
});
