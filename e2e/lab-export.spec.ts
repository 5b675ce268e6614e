import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { LabApp } from './support/lab-app.ts';
import { seriousAxeFindings } from './support/readability.ts';

/**
 * The Lab screen's Export tab (issue "Beyond one laptop"): the same export as `seclab export`, into a
 * folder on this machine. On the demo lab nothing is written: what labs.export writes is
 * integration/export/compose-export.test.ts and main/core/lab-export-handler.test.ts.
 */
test.skip(({ handlers }) => handlers !== 'fake', 'the demo lab answers labs.export without writing; a real export is covered by the integration suite');

async function setPresenter(page: Page, on: boolean): Promise<void> {
  const toggle = page.locator('header .presenter-toggle');
  if ((await toggle.getAttribute('aria-pressed')) !== String(on)) await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', String(on));
  await page.mouse.move(0, 0);
}

test('Export: a folder that is not a full path is refused, then the lab is exported as a Compose project and as ECK manifests', async ({ appPage: page, shoot }) => {
  const app = new LabApp(page);
  await app.startButton.click();
  await app.waitForLabHome('default', 120_000);
  await app.tab('Export').click();
  await expect(page.getByRole('heading', { name: 'Run this lab elsewhere' })).toBeVisible();
  await expect(page.getByRole('radio', { name: /Compose project/ })).toBeChecked();
  await shoot('export-tab');

  const folder = page.getByRole('textbox', { name: 'Folder on this machine (new or empty)' });
  await folder.fill('lab-export');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(page.getByRole('alert')).toContainText('folder "lab-export" is not a full path');

  await folder.fill('');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const result = page.getByTestId('export-result');
  await expect(result.locator('p[role=status]')).toContainText('files in /home/you/.seclab/exports/default-compose-');
  await expect(result.locator('p[role=status]')).toContainText('1 of them secret');
  await expect(result.locator('.export-steps')).toContainText('docker compose up -d');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await shoot('export-compose-done');
  await setPresenter(page, true);
  await shoot('export-compose-done-presenter');
  expect(await seriousAxeFindings(page)).toEqual([]);
  await setPresenter(page, false);

  await page.getByRole('radio', { name: /Kubernetes \(ECK\)/ }).check();
  await folder.fill('/srv/class/eck');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(result.locator('p[role=status]')).toContainText('8 files in /srv/class/eck');
  await expect(result.locator('.export-steps')).toContainText('kubectl apply -f /srv/class/eck/00-namespace.yaml');
  await shoot('export-eck-done');
});
