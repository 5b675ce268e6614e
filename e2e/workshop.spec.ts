import { chmodSync } from 'node:fs';
import { expect, test } from './fixtures.ts';
import { LabApp } from './support/lab-app.ts';
import { WorkshopPage } from './support/workshop-page.ts';
import { labPaths } from '../main/core/lab-store/lab-home.ts';

/**
 * The workshop, end to end in the app: two lessons (explain → Break → the demonstration's real
 * output → Restore → Next), one opened from a shared `?lesson=` link, then a challenge whose board
 * hides the broken layers, gives hints in steps, offers the repair only once the layer is named, and
 * updates by itself when a student fixes a layer with a real tool. Runs against a real emulated lab
 * (default) or the in-memory one (SECLAB_E2E_HANDLERS=fake); the lessons chosen break quickly on a
 * real lab (a chmod, a role change).
 */
// The demo lab paced so its Break (four steps) stays on screen long enough to be read under a loaded CI
// (at 150 ms a step it was over before a browser beside the fault suite painted it); a real lab is slow by itself.
test.use({ appEnv: { SECLAB_E2E_STEP_MS: '500' } });

test('walk two lessons and a challenge in the Workshop screen', async ({ appPage: page, shoot, handlers }, testInfo) => {
  const app = new LabApp(page);
  const workshop = new WorkshopPage(page);
  const real = handlers === 'real';
  const home = testInfo.outputPath('seclab-home');
  const lab = real ? `ws${Date.now() % 100000}` : 'default';
  const upTimeout = real ? 10 * 60_000 : 30_000;
  const workTimeout = real ? 3 * 60_000 : 15_000;
  let removed = false;
  await test.info().attach('lab', { body: lab, contentType: 'text/plain' });
  try {
    await test.step('A lab to teach on, and the Workshop one click from its home', async () => {
      await app.fillStartOptions({ name: lab, emulated: true });
      await app.startButton.click();
      await app.waitForLabHome(lab, upTimeout);
      await page.getByRole('button', { name: 'Workshop', exact: true }).click();
      await expect(page.getByRole('tab', { name: 'Lesson' })).toHaveAttribute('aria-selected', 'true');
      await expect(workshop.lessonPicker).toBeVisible();
    });

    await test.step('Lesson host-files: the why and the teacher’s words; Break is the one primary action', async () => {
      await workshop.lessonPicker.selectOption('host-files');
      await expect(workshop.lessonTitle).toContainText('Host files');
      await expect(page.locator('.teacher-notes')).toContainText('one cat away');
      await expect(workshop.action('Break')).toHaveClass(/button-primary/);
      await expect(workshop.action('Restore')).toBeDisabled();
      await expect(page.locator('.workshop-actions .button-primary')).toHaveCount(1);
      await expect(workshop.band('secrets')).toHaveAttribute('data-status', 'pass', { timeout: workTimeout });
      await expect(page).toHaveURL(/\?lesson=host-files$/);
      await shoot('lesson-host-files');
    });

    await test.step('Break: the header says it in words, the demonstration shows the open folder (presenter on)', async () => {
      await workshop.togglePresenter(true);
      await workshop.action('Break').click();
      await expect(page.locator('.workshop-progress')).toContainText('Turning the layer off');
      await expect(workshop.action('Restore')).toBeEnabled({ timeout: workTimeout });
      await expect(workshop.action('Restore')).toBeFocused();
      await expect(workshop.headerNotice).toContainText('lesson host-files in progress: the lab folder (CA, private keys, passwords) is opened to 0755 on purpose');
      await expect(workshop.headerNotice.locator('.status-warn')).toContainText('Lesson');
      await expect(workshop.demonstration).toHaveAttribute('data-happened', 'true');
      await expect(workshop.demonstration.locator('pre')).toContainText('0755');
      await expect(workshop.band('secrets')).toHaveAttribute('data-status', 'fail');
      await expect(page.locator('[data-check="secrets.host-files"]')).toContainText('Fail');
      await shoot('host-files-broken-presenter');
    });

    await test.step('Restore: the layer is back, the header is quiet, Next leads on', async () => {
      await workshop.action('Restore').click();
      await expect(workshop.action('Next')).toHaveClass(/button-primary/, { timeout: workTimeout });
      await expect(workshop.headerNotice).toHaveCount(0);
      await expect(workshop.band('secrets')).toHaveAttribute('data-status', 'pass');
      await shoot('host-files-restored-presenter');
      await workshop.togglePresenter(false);
      await workshop.action('Next').click();
      await expect(workshop.lessonTitle).not.toContainText('Host files');
      await expect(workshop.action('Break')).toHaveClass(/button-primary/);
      await shoot('next-lesson');
    });

    await test.step('A shared link opens the app on lesson least-privilege', async () => {
      await page.goto(new URL('/?lesson=least-privilege', page.url()).href);
      await expect(workshop.lessonTitle).toContainText('Least privilege', { timeout: workTimeout });
      await expect(workshop.lessonPicker).toHaveValue('least-privilege');
      await shoot('lesson-least-privilege-from-link');
    });

    await test.step('Break least-privilege: the analyst deletes an index it should only read', async () => {
      await workshop.action('Break').click();
      await expect(workshop.action('Restore')).toBeEnabled({ timeout: workTimeout });
      await expect(workshop.headerNotice).toContainText('lesson least-privilege in progress');
      await expect(workshop.demonstration).toHaveAttribute('data-happened', 'true');
      await expect(workshop.demonstration.locator('pre')).toContainText('analyst DELETE');
      await expect(workshop.demonstration.locator('pre')).toContainText('HTTP 200');
      await expect(workshop.band('users')).toHaveAttribute('data-status', 'fail');
      await shoot('least-privilege-broken');
      await workshop.action('Restore').click();
      await expect(workshop.action('Break')).toBeEnabled({ timeout: workTimeout });
      await expect(workshop.headerNotice).toHaveCount(0);
      await expect(workshop.band('users')).toHaveAttribute('data-status', 'pass');
    });

    await test.step('Challenge: two layers broken silently, which ones hidden', async () => {
      await page.getByRole('tab', { name: 'Challenge' }).click();
      await page.getByRole('checkbox', { name: /Host files/ }).check();
      await page.getByRole('checkbox', { name: /Least privilege/ }).check();
      await shoot('challenge-setup');
      await page.getByRole('button', { name: 'Start challenge' }).click();
      await expect(workshop.board).toBeVisible({ timeout: workTimeout });
      await expect(workshop.board.getByText('hidden')).toHaveCount(2);
      await expect(workshop.headerNotice).toContainText('challenge in progress: 2 of 2 broken layers still to find (which ones is hidden)');
      await expect(page.getByRole('button', { name: /Repair layer/ })).toHaveCount(0);
      await shoot('challenge-started');
    });

    await test.step('Hints in steps; the repair is offered once the student names the layer', async () => {
      await page.getByRole('button', { name: 'Hint for layer 2' }).click();
      await expect(page.locator('[data-hint="2-1"]')).toContainText('hint 1 of 3');
      await page.getByRole('button', { name: 'Hint for layer 2' }).click();
      await expect(page.locator('[data-hint="2-2"]')).toContainText('hint 2 of 3');
      await expect(workshop.boardRow(2).locator('[data-hints-used]')).toHaveText('2');
      await workshop.nameLayer('Network');
      await expect(page.locator('.name-result')).toContainText('Not that one');
      await workshop.nameLayer('Users & roles');
      await expect(page.locator('.name-result')).toContainText('Named');
      await expect(page.locator('.name-result')).toContainText('right: the lab_analyst role');
      await expect(workshop.boardRow(2)).toContainText('Users & roles');
      await shoot('challenge-named');
      await page.getByRole('button', { name: 'Repair layer 2' }).click();
      await expect(workshop.boardRow(2)).toHaveAttribute('data-solved', 'true', { timeout: workTimeout });
      await expect(workshop.boardRow(2)).toContainText('Solved (repair)');
      await expect(page.locator('.board-summary')).toContainText('1 of 2 broken layers fixed');
    });

    await test.step('A fix with a real tool: the board updates by itself (presenter on)', async () => {
      await workshop.togglePresenter(true);
      if (real) {
        // The student's own fix, outside the app: chmod 700 the lab folder.
        chmodSync(labPaths(home, lab).root, 0o700);
      } else {
        // The in-memory lab has no folder to chmod: the student names the layer and repairs it instead.
        await workshop.nameLayer('Secrets & settings');
        await page.getByRole('button', { name: 'Repair layer 1' }).click();
      }
      await expect(workshop.boardRow(1)).toHaveAttribute('data-solved', 'true', { timeout: workTimeout });
      await expect(workshop.boardRow(1)).toContainText('Secrets & settings');
      await expect(page.locator('.board-summary')).toContainText('2 of 2 broken layers fixed');
      await expect(page.locator('.board-summary')).toContainText('Complete');
      await shoot('challenge-complete-presenter');
      await workshop.togglePresenter(false);
      await page.getByRole('button', { name: 'End challenge', exact: true }).click();
      await expect(page.getByRole('button', { name: 'Start challenge' })).toBeVisible({ timeout: workTimeout });
      await expect(workshop.headerNotice).toHaveCount(0);
    });

    await test.step('Teardown', async () => {
      await page.getByRole('button', { name: `← Lab ${lab}` }).click();
      await page.getByRole('button', { name: 'Tear down…' }).click();
      await app.dialog().getByRole('button', { name: 'Tear down lab' }).click();
      await expect(page.getByRole('status').filter({ hasText: `Lab ${lab} torn down` })).toBeVisible({ timeout: upTimeout });
      removed = true;
    });
  } finally {
    if (!removed && real) await app.removeLabQuietly(lab);
  }
});
