import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { LabApp } from './support/lab-app.ts';

// The demo lab paced so a reload and a second tab land mid-bring-up (about 15 s a bring-up); a real lab is slow by itself.
test.use({ appEnv: { SECLAB_E2E_STEP_MS: '800' } });

const LAB_ACTIONS = ['Workshop', 'Run checks again', 'Reset…', 'Tear down…'];

const badgeOf = (page: Page) => page.locator('header .header-lab .status-word');
const bringUpHeading = (page: Page, verb: 'Starting' | 'Resetting', lab: string) => page.getByRole('heading', { level: 1, name: `${verb} lab ${lab}…`, exact: true });

/** "12.3 s" or "2 min 05 s", the overall elapsed time under the bring-up heading, in ms. */
async function shownElapsedMs(page: Page): Promise<number> {
  const lead = (await page.locator('.bring-up-head .lead').innerText()).split('·').pop()!.trim();
  const minutes = /(\d+) min (\d+) s/.exec(lead);
  if (minutes) return (Number(minutes[1]) * 60 + Number(minutes[2])) * 1000;
  return Number(/([\d.]+) s/.exec(lead)![1]) * 1000;
}

/**
 * Until the lab's home shows, no check result is on screen: no band status, no pass/fail tally,
 * no "Degraded"/"Running" guess in the header. Each look is one snapshot of the page, so the
 * home appearing between two queries cannot be mistaken for a check shown early.
 */
async function expectNoCheckResultsUntilHome(page: Page, lab: string, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const look = await page.evaluate((name) => {
      const home = [...document.querySelectorAll('h1')].some((heading) => heading.textContent?.trim() === `Lab ${name}`);
      const failed = [...document.querySelectorAll('h1')].some((heading) => heading.textContent?.trim() === `Lab ${name} did not come up`);
      return {
        home,
        failed,
        bands: document.querySelectorAll('[data-band]').length,
        tally: document.querySelector('.layers-caption')?.textContent ?? '',
        header: document.querySelector('header .header-lab')?.textContent ?? '',
      };
    }, lab);
    if (look.failed) throw new Error(`bring-up of ${lab} failed: ${await page.getByRole('alert').first().innerText()}`);
    if (look.home) return;
    expect(look.bands, 'no security band is shown before the bring-up ends').toBe(0);
    expect(look.tally, 'no pass/fail tally before the bring-up ends').toBe('');
    expect(look.header, 'the header names the work, not a guessed state').not.toMatch(/Degraded|Running|Failed/);
    if (Date.now() > deadline) throw new Error(`the lab home of ${lab} did not show within ${timeout} ms`);
    await page.waitForTimeout(200);
  }
}

/**
 * The header names the work and every lab action is disabled, seen in one snapshot of the page: a
 * real teardown can end within a second, before one assertion per button would have finished.
 */
async function expectLabHeld(page: Page, word: string): Promise<void> {
  const look = () =>
    page.evaluate(
      (names) => ({
        badge: document.querySelector('header .header-lab .status-word')?.textContent ?? '',
        disabled: names.map((name) => [...document.querySelectorAll('button')].find((button) => button.textContent?.trim() === name)?.disabled ?? 'missing'),
      }),
      LAB_ACTIONS,
    );
  await expect.poll(look, { intervals: [50] }).toEqual({ badge: word, disabled: LAB_ACTIONS.map(() => true) });
}

/**
 * The app tells the truth at every moment (#17): a reload or a second tab mid-bring-up rejoins
 * the timeline and shows no check until the lab is up; Reset and Tear down name the work in the
 * header and hold the lab's actions until it ends — also in another tab, and after a reload.
 */
test('a reload or a second tab rejoins the bring-up; Reset and Tear down hold the lab until they end', async ({ appPage: page, shoot, handlers, target }, testInfo) => {
  const app = new LabApp(page);
  const lab = handlers === 'fake' ? 'truth' : `truth${Date.now() % 100000}`;
  const upTimeout = handlers === 'fake' ? 60_000 : 10 * 60_000;
  const shootSecond = async (second: Page, name: string) => testInfo.attach(`tab2-${name}`, { body: await second.screenshot(), contentType: 'image/png' });
  let second: Page | undefined;
  let removed = false;
  await testInfo.attach('lab', { body: lab, contentType: 'text/plain' });
  try {
    await test.step('Reload mid-bring-up: the timeline is back, phases done stay done, elapsed counts from the real start', async () => {
      await app.fillStartOptions({ name: lab, emulated: true });
      // The click waits for the preflight to enable the button: the time after it bounds the start from above.
      await app.startButton.click();
      const clickedAt = Date.now();
      await expect(bringUpHeading(page, 'Starting', lab)).toBeVisible();
      if (target === 'web') {
        // The second tab opens now, surely mid-bring-up, and is looked at in the next step: opened after this
        // step's reload, it came once after the demo lab's bring-up had ended (a loaded CI), and showed Start.
        // A new tab has no page key of its own: it opens the `seclab ui` link, as a person would.
        const key = await page.evaluate(() => sessionStorage.getItem('seclab.pageKey'));
        second = await page.context().newPage();
        await second.goto(`${new URL(page.url()).origin}/#key=${key}`);
      }
      await expect(app.phase('preflight')).toHaveClass(/phase-done/, { timeout: upTimeout });
      await expect(badgeOf(page)).toHaveText('Starting…');
      const doneBefore = await page.locator('.timeline .phase-done').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-phase')!));
      await shoot('bring-up-before-reload');

      await page.reload();
      await page.locator('[data-app-state="loaded"]').waitFor();
      const reloadedAt = Date.now();
      await expect(bringUpHeading(page, 'Starting', lab)).toBeVisible();
      for (const phase of doneBefore) await expect(app.phase(phase)).toHaveClass(/phase-done/);
      await expect(app.phase('preflight').locator('.phase-elapsed')).not.toBeEmpty();
      // Each phase begun says when, from the run's real start (issue #13: the timeline reports starts and durations).
      await expect(app.phase('preflight').locator('.phase-start')).toHaveText(/^at \d+\.\d s$/);
      await expect(badgeOf(page)).toHaveText('Starting…');
      expect(await shownElapsedMs(page)).toBeGreaterThanOrEqual(reloadedAt - clickedAt - 1500);
      await shoot('bring-up-after-reload');
    });

    await test.step('A second tab mid-bring-up rejoins it too; neither shows a check before the lab is up', async () => {
      if (second) {
        await second.locator('[data-app-state="loaded"]').waitFor();
        await expect(bringUpHeading(second, 'Starting', lab).or(second.getByRole('heading', { level: 1, name: `Lab ${lab}`, exact: true }))).toBeVisible();
        if (await bringUpHeading(second, 'Starting', lab).isVisible()) await expect(new LabApp(second).phase('preflight')).toHaveClass(/phase-done/);
        await shootSecond(second, 'bring-up-second-tab');
      }
      await Promise.all([expectNoCheckResultsUntilHome(page, lab, upTimeout), second && expectNoCheckResultsUntilHome(second, lab, upTimeout)]);
      await app.waitForLabHome(lab, upTimeout);
      await expect(app.band('network')).toHaveAttribute('data-status', /pass|warn/);
      await shoot('lab-home-after-rejoin');
    });

    await test.step('Reset: the header says Resetting…, the lab waits in every tab, and a reload mid-reset rejoins it', async () => {
      await page.getByRole('button', { name: 'Reset…' }).click();
      await app.dialog().getByRole('button', { name: 'Reset lab' }).click();
      await expect(bringUpHeading(page, 'Resetting', lab)).toBeVisible();
      await expect(badgeOf(page)).toHaveText('Resetting…');
      await shoot('resetting');
      if (second) {
        await expectLabHeld(second, 'Resetting…');
        await expect(second.locator('[data-operation="reset"]')).toContainText(`Lab ${lab} is being reset`);
        await shootSecond(second, 'resetting-other-tab');
        await second.reload();
        await second.locator('[data-app-state="loaded"]').waitFor();
        await expect(bringUpHeading(second, 'Resetting', lab)).toBeVisible();
        await expect(badgeOf(second)).toHaveText('Resetting…');
        await shootSecond(second, 'resetting-after-reload');
      }
      await Promise.all([expectNoCheckResultsUntilHome(page, lab, upTimeout), second && expectNoCheckResultsUntilHome(second, lab, upTimeout)]);
      await app.waitForLabHome(lab, upTimeout);
      await expect(badgeOf(page)).not.toHaveText('Resetting…');
      for (const name of LAB_ACTIONS) await expect(page.getByRole('button', { name, exact: true })).toBeEnabled();
    });

    await test.step('Tear down: the header says Tearing down… and the lab actions wait, here and in the other tab', async () => {
      await page.getByRole('button', { name: 'Tear down…' }).click();
      await app.dialog().getByRole('button', { name: 'Tear down lab' }).click();
      await Promise.all([expectLabHeld(page, 'Tearing down…'), second && expectLabHeld(second, 'Tearing down…')]);
      await shoot('tearing-down');
      await expect(page.getByRole('status').filter({ hasText: `Lab ${lab} torn down` })).toBeVisible({ timeout: upTimeout });
      removed = true;
      if (second) await expect(second.getByRole('heading', { name: 'Start a secured lab' })).toBeVisible();
      await shoot('torn-down');
    });
  } finally {
    // A run that stopped half-way must not leave a real lab's containers behind.
    if (!removed && handlers === 'real') await app.removeLabQuietly(lab);
    await second?.close();
  }
});
