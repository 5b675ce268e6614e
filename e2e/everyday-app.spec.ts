import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { LabApp } from './support/lab-app.ts';
import { seriousAxeFindings } from './support/readability.ts';

/**
 * Everyday use (issue #12), on the in-memory demo lab: its log lines are each product's ECS JSON and
 * its certificates come from a real PKI made in memory, so what is checked here is the app reading them.
 * Logs: time, level, component and message columns, the raw line one click away, search marks, follow;
 * the node panel: a node's own certificate; no serious or critical axe finding on either screen.
 */
test.skip(({ handlers }) => handlers !== 'fake', 'checks the renderer on the demo lab, whose lines and certificates are known');

const FINGERPRINT = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/;

async function setPresenter(page: Page, on: boolean): Promise<void> {
  const toggle = page.locator('header .presenter-toggle');
  if ((await toggle.getAttribute('aria-pressed')) !== String(on)) await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', String(on));
  await page.mouse.move(0, 0);
}

test('Logs read as columns with the raw line a click away, and the node panel shows the certificate', async ({ appPage: page, shoot }) => {
  const app = new LabApp(page);
  const keep = async (name: string) => {
    await shoot(name);
    const dir = process.env.EVERYDAY_SHOTS_DIR;
    if (dir) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}.png`), await page.screenshot());
    }
  };
  await app.fillStartOptions({ name: 'default', emulated: true });
  await app.startButton.click();
  await app.waitForLabHome('default', 60_000);

  await test.step('Logs: time, level, component and message in columns', async () => {
    await app.tab('Logs').click();
    await page.getByLabel('Component').selectOption('es02');
    const view = page.locator('.log-view[data-component="es02"]');
    const columns = view.locator('.log-columns');
    await expect(columns).toContainText('Time');
    await expect(columns).toContainText('Level');
    await expect(columns).toContainText('Component');
    await expect(columns).toContainText('Message');
    const first = view.locator('.log-entry').first();
    await expect(first.locator('.log-time')).toHaveText(/^\d{2}:\d{2}:\d{2}\.\d{3}$/);
    await expect(first.locator('.log-level')).toHaveText('INFO');
    await expect(first.locator('.log-component')).toHaveText('o.e.n.Node');
    await expect(first.locator('.log-message')).toHaveText(/^version\[/);
    await expect(first).not.toContainText('"log.level"');
    const warning = view.locator('.log-entry[data-severity="warn"]').first();
    await expect(warning.locator('.log-level')).toHaveText('WARN');
    const px = await warning.locator('.log-level').evaluate((element) => parseFloat(getComputedStyle(element).fontSize));
    expect(px, 'level word size (px)').toBeGreaterThanOrEqual(15);
    // Same column for every line: the messages start at one x.
    const starts = await view.locator('.log-entry:not(.log-entry-plain) .log-message').evaluateAll((elements) => new Set(elements.slice(0, 8).map((element) => Math.round(element.getBoundingClientRect().left))).size);
    expect(starts, 'messages aligned in one column').toBe(1);
    await keep('logs-columns');
  });

  await test.step('Logs: the line as written, one click away', async () => {
    const first = page.locator('.log-view .log-entry').first();
    await first.locator('summary').click();
    const raw = first.locator('.log-raw');
    await expect(raw).toBeVisible();
    expect(JSON.parse(await raw.innerText())).toMatchObject({ 'log.level': 'INFO', 'log.logger': 'org.elasticsearch.node.Node' });
    await keep('logs-raw');
  });

  await test.step('Logs: a search keeps the matching lines and marks the matches; no match is said', async () => {
    await page.getByRole('searchbox').fill('handshake');
    const shown = page.locator('.log-view .log-entry');
    await expect(shown.first()).toBeVisible();
    const count = await shown.count();
    await expect(page.locator('.log-view .log-message mark')).toHaveCount(count);
    await expect(page.locator('.log-view mark').first()).toHaveText('handshake');
    await expect(page.getByText(`${count} of 40 lines`)).toBeVisible();
    expect(await seriousAxeFindings(page), 'axe on Logs with a search and a raw line open').toEqual([]);
    await keep('logs-search');
    await setPresenter(page, true);
    await keep('logs-search-presenter');
    await setPresenter(page, false);

    await page.getByRole('searchbox').fill('no-such-words-here');
    await expect(page.locator('.log-view')).toContainText('No line matches “no-such-words-here” in the last 40 lines of es02.');
    await page.getByRole('searchbox').fill('');
  });

  await test.step('Logs: follow keeps the newest line in view', async () => {
    await page.getByRole('checkbox', { name: 'Follow' }).check();
    await expect(page.locator('.log-view .log-entry')).not.toHaveCount(40, { timeout: 10_000 });
    await expect(page.locator('.log-view .log-entry').last()).toBeInViewport();
    await page.locator('.log-view').evaluate((element) => element.scrollBy(0, -600));
    await expect(page.getByRole('button', { name: /Jump to newest/ })).toBeVisible({ timeout: 10_000 });
    await keep('logs-follow-scrolled-up');
    await page.getByRole('button', { name: /Jump to newest/ }).click();
    await expect(page.locator('.log-view .log-entry').last()).toBeInViewport();
    await page.getByRole('checkbox', { name: 'Follow' }).uncheck();
    expect(await seriousAxeFindings(page), 'axe on Logs').toEqual([]);
    await setPresenter(page, true);
    await keep('logs-presenter');
    await setPresenter(page, false);
  });

  await test.step("Topology: a node's own certificate, for es02 and for Kibana", async () => {
    await app.tab('Topology').click();
    const diagram = page.locator('.topology-panel .topology');
    for (const node of ['es02', 'kibana']) {
      await diagram.locator(`.react-flow__node[data-id="${node}"]`).click();
      await expect(page.locator('#node-details-title')).toHaveText(node);
      const fact = (name: string) => page.locator(`.node-details [data-fact="${name}"]`);
      await expect(fact('subject')).toHaveText(`CN=${node}`);
      await expect(fact('sans')).toContainText(`DNS:${node}`);
      await expect(fact('sans')).toContainText('DNS:localhost');
      await expect(fact('sans')).toContainText('IP Address:127.0.0.1');
      await expect(fact('issuer')).toHaveText('CN=Secure Cluster Lab CA');
      await expect(fact('not-after')).toHaveText(/^\d{1,2} \w{3} \d{4} \(expires in \d+ days\)$/);
      await expect(fact('fingerprint')).toHaveText(FINGERPRINT);
      await keep(`topology-${node}`);
    }
    expect(await seriousAxeFindings(page), 'axe on Topology with Kibana open').toEqual([]);
    await setPresenter(page, true);
    await keep('topology-kibana-presenter');
    await setPresenter(page, false);
    await diagram.locator('.react-flow__node[data-id="agent01"]').click();
    await expect(page.locator('.node-details [data-fact="certificate-none"]')).toContainText('an agent serves nothing');
  });
});
