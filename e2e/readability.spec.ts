import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { expect, test } from './fixtures.ts';
import { LabApp } from './support/lab-app.ts';
import { brokenInsideTokens, contrastFailures, seriousAxeFindings, focusRing, labelsOverNodes, renderedTextSizes, type RenderedText } from './support/readability.ts';

/**
 * Readable from the back of the room (UI.md): text ≥ 15 px everywhere, the topology's too; contrast
 * ≥ 4.5:1 and a focus ring ≥ 3:1; presenter mode enlarges everything and never hides "Start lab";
 * what a click selects comes into view; the keyboard reaches the form at once and opens a node.
 * Runs on the in-memory demo lab: it measures the renderer, not the lab.
 */

const SIZES = [
  { width: 1024, height: 640 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;
const MIN_TEXT_PX = 15;

test.skip(({ handlers }) => handlers !== 'fake', 'measures the renderer: the in-memory demo lab is enough and fast');

async function setPresenter(page: Page, on: boolean): Promise<void> {
  const toggle = page.locator('header .presenter-toggle');
  if ((await toggle.getAttribute('aria-pressed')) !== String(on)) await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', String(on));
  await page.mouse.move(0, 0);
}

/** The screenshot in the report (and, when READABILITY_SHOTS_DIR is set, on disk to look at). */
async function shot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const body = await page.screenshot();
  await testInfo.attach(name, { body, contentType: 'image/png' });
  const dir = process.env.READABILITY_SHOTS_DIR;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${name}.png`), body);
  }
}

/** The screen as it looks at every size, presenter off and on; contrast measured at 1280×800 in both modes. */
async function everyLook(page: Page, testInfo: TestInfo, screen: string, ready: () => Promise<void> = async () => {}): Promise<void> {
  for (const presenter of [false, true]) {
    await setPresenter(page, presenter);
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await ready();
      await shot(page, testInfo, `${screen}-${size.width}x${size.height}${presenter ? '-presenter' : ''}`);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await ready();
    expect.soft(await contrastFailures(page), `text below 4.5:1 on ${screen}, presenter ${presenter ? 'on' : 'off'}`).toEqual([]);
    expect.soft(await seriousAxeFindings(page), `axe: serious or critical findings on ${screen}, presenter ${presenter ? 'on' : 'off'}`).toEqual([]);
    const small = (await renderedTextSizes(page, '#root')).filter((entry) => entry.px < MIN_TEXT_PX);
    expect.soft(small, `text below ${MIN_TEXT_PX} px on ${screen}, presenter ${presenter ? 'on' : 'off'}`).toEqual([]);
  }
  await setPresenter(page, false);
}

function smallest(texts: RenderedText[]): number {
  return Math.min(...texts.map((entry) => entry.px));
}

/** Font sizes of the diagram's text, presenter off then on, and the labels' boxes against the nodes'. */
async function checkDiagram(page: Page, root: string, where: string): Promise<void> {
  await expect(page.locator(`${root} .topo-edge-label`).first()).toBeVisible();
  const normal = await renderedTextSizes(page, root);
  expect(normal.length, `text in the ${where} diagram`).toBeGreaterThan(8);
  expect
    .soft(
      normal.filter((entry) => entry.px < MIN_TEXT_PX),
      `${where}: diagram text below ${MIN_TEXT_PX} px (smallest ${smallest(normal)} px)`,
    )
    .toEqual([]);
  expect.soft(await labelsOverNodes(page, root), `${where}: link labels over nodes`).toEqual([]);
  await setPresenter(page, true);
  await expect(page.locator(root)).toBeVisible();
  const presenter = await renderedTextSizes(page, root);
  const notLarger = normal.filter((entry, index) => !(presenter[index] && presenter[index].text === entry.text && presenter[index].px > entry.px));
  expect
    .soft(
      notLarger.map((entry, index) => `${entry.text}: ${entry.px} → ${presenter[index]?.px}`),
      `${where}: diagram text not enlarged by presenter mode`,
    )
    .toEqual([]);
  expect.soft(await labelsOverNodes(page, root), `${where}, presenter: link labels over nodes`).toEqual([]);
  await setPresenter(page, false);
}

async function bringUpDemoLab(page: Page): Promise<LabApp> {
  const app = new LabApp(page);
  // Emulated images: their names ("seclab/emulator-…") are the long ones that used to break mid-word.
  await app.fillStartOptions({ name: 'default', emulated: true });
  await app.startButton.click();
  await app.waitForLabHome('default', 60_000);
  return app;
}

test('Start: the preview is readable, Tab skips it, and Start lab stays in view in presenter mode', async ({ appPage: page }, testInfo) => {
  const app = new LabApp(page);
  await test.step('Tab reaches Lab name within 3 stops; the decorative preview takes none before the form, and only its scrolling frame after it', async () => {
    await page.locator('body').focus();
    const stops: string[] = [];
    for (let press = 0; press < 3; press++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const element = document.activeElement as HTMLElement;
        return element.getAttribute('aria-label') ?? element.closest('label')?.textContent?.trim().split('\n')[0] ?? element.textContent?.trim() ?? element.tagName;
      });
      stops.push(focused);
      if (await page.getByLabel('Lab name').evaluate((element) => element === document.activeElement)) break;
    }
    expect.soft(stops, 'Tab stops from page load').toContain('Lab name');
    expect.soft(await page.locator('.start-preview .topology [tabindex="0"], .start-preview a[href], .start-preview button').count(), 'focusable things inside the preview').toBe(0);
    // The frame scrolls what the window cuts off, so a keyboard can reach it (axe: scrollable-region-focusable) — after the form.
    const order = await page.evaluate(() => {
      const frame = document.querySelector('.start-preview .topology');
      const labName = document.querySelector('.start-options input');
      return frame && labName ? labName.compareDocumentPosition(frame) & Node.DOCUMENT_POSITION_FOLLOWING : 0;
    });
    expect.soft(order, 'the preview frame comes after the form in Tab order').toBeTruthy();
  });

  await test.step('The preview at 1280×800: text ≥ 15 px, larger in presenter mode, labels clear of nodes', async () => {
    await checkDiagram(page, '.start-preview .topology', 'Start preview');
  });

  await test.step('Presenter mode at 1280×800 keeps "Start lab" in the viewport', async () => {
    await setPresenter(page, true);
    await expect.soft(app.startButton).toBeInViewport({ ratio: 1 });
    await setPresenter(page, false);
  });

  await test.step('A focused control on the page and in the header shows a ring ≥ 3:1', async () => {
    await page.getByLabel('Lab name').focus();
    await page.keyboard.press('Shift+Tab');
    const header = await focusRing(page);
    expect.soft(header.ring, `focus ring on ${header.element}`).not.toBe('none');
    expect.soft(header.contrast, `focus ring ${header.ringColor} on ${header.background} (${header.element})`).toBeGreaterThanOrEqual(3);
    await page.getByLabel('Lab name').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Shift+Tab');
    const content = await focusRing(page);
    expect.soft(content.ring, `focus ring on ${content.element}`).not.toBe('none');
    expect.soft(content.contrast, `focus ring ${content.ringColor} on ${content.background} (${content.element})`).toBeGreaterThanOrEqual(3);
  });

  await test.step('Start, every size, presenter off and on', async () => {
    await everyLook(page, testInfo, 'start');
  });
});

test.describe('bring-up', () => {
  // Slow enough that the bring-up screen can be looked at six times and measured twice.
  test.use({ appEnv: { SECLAB_E2E_STEP_MS: '700' } });

  test('every screen: contrast ≥ 4.5:1 and text ≥ 15 px, presenter off and on, at three sizes', async ({ appPage: page }, testInfo) => {
    const app = new LabApp(page);
    await test.step('Bring-up', async () => {
      await app.startButton.click();
      await expect(page.locator('[data-phase]').first()).toBeVisible();
      await everyLook(page, testInfo, 'bring-up');
    });
    await app.waitForLabHome('default', 120_000);
    for (const tab of ['Security layers', 'Topology', 'Access', 'Logs', 'Export'] as const) {
      await test.step(`Lab home: ${tab}`, async () => {
        await app.tab(tab).click();
        await everyLook(page, testInfo, `lab-${tab.toLowerCase().replace(' ', '-')}`, async () => {
          if (tab === 'Topology') await expect(page.locator('.topology-panel .topo-edge-label').first()).toBeVisible();
          if (tab === 'Access') await expect(page.locator('.fingerprint-value')).toBeVisible();
        });
        if (tab === 'Access') {
          // Presenter mode at the smallest size is where they used to break: "https://localhost / :5603", "…:0" / "4:…".
          await setPresenter(page, true);
          for (const size of SIZES) {
            await page.setViewportSize(size);
            const at = `${size.width}×${size.height}, presenter`;
            expect.soft(await brokenInsideTokens(page, '.fingerprint-value', ':'), `CA fingerprint wrapped inside a byte at ${at}`).toEqual([]);
            for (const url of await page.locator('.endpoint-url').all()) expect.soft(await url.evaluate((element) => element.getClientRects().length), `${await url.textContent()} on one line at ${at}`).toBe(1);
          }
          await page.setViewportSize({ width: 1280, height: 800 });
          await setPresenter(page, false);
        }
      });
    }
    await test.step('Workshop', async () => {
      await page.getByRole('button', { name: 'Workshop', exact: true }).click();
      await expect(page.getByRole('combobox', { name: 'Lesson', exact: true })).toBeVisible();
      await everyLook(page, testInfo, 'workshop');
    });
  });
});

test('Topology tab: readable text, labels clear of nodes, a node focused and opened by keyboard, full details', async ({ appPage: page }) => {
  const app = await bringUpDemoLab(page);
  await app.tab('Topology').click();
  const diagram = '.topology-panel .topology';

  await test.step('Text ≥ 15 px at 1280×800, larger in presenter mode, labels clear of nodes', async () => {
    await checkDiagram(page, diagram, 'Topology tab');
  });

  await test.step('Tab reaches a node, which shows a focus ring; Enter opens its details', async () => {
    await app.tab('Topology').focus();
    let node = '';
    for (let press = 0; press < 12 && !node; press++) {
      await page.keyboard.press('Tab');
      node = await page.evaluate(() => (document.activeElement?.classList.contains('react-flow__node') ? ((document.activeElement as HTMLElement).dataset.id ?? '') : ''));
    }
    expect(node, 'a diagram node reached by Tab').not.toBe('');
    const ring = await focusRing(page);
    expect.soft(ring.ring, `focus ring on node ${node}`).not.toBe('none');
    expect.soft(ring.contrast, `focus ring ${ring.ringColor} on ${ring.background}`).toBeGreaterThanOrEqual(3);
    await page.keyboard.press('Enter');
    await expect.soft(page.locator('#node-details-title')).toHaveText(node);
  });

  await test.step('Details: the image name whole, the certificate facts, no hidden inner scroll', async () => {
    await page.locator(`${diagram} .react-flow__node[data-id="es02"]`).click();
    await expect(page.locator('#node-details-title')).toHaveText('es02');
    const image = page.locator('.node-details [data-fact="image"]');
    await expect.soft(image).toHaveText(/^[\w.-]+(\/[\w.-]+)+:[\w.-]+$/);
    expect.soft(await brokenInsideTokens(page, '.node-details [data-fact="image"]', '/:-'), 'image name broken inside a word').toEqual([]);
    const details = page.locator('.node-details');
    expect.soft(await details.evaluate((element) => element.scrollHeight - element.clientHeight), 'details scrolled inside the panel').toBeLessThanOrEqual(1);
    await expect.soft(page.locator('.node-details [data-fact="certificate"]')).toContainText(/CN=es02/);

    await page.locator(`${diagram} .react-flow__node[data-id="kibana"]`).click();
    await expect(page.locator('#node-details-title')).toHaveText('kibana');
    const certificate = page.locator('.node-details [data-fact="certificate"]');
    await expect.soft(certificate).toContainText('CN=kibana');
    await expect.soft(certificate).toContainText(/SAN/);
    await expect.soft(certificate).toContainText(/expires|valid until/);
  });
});

test('Security layers at 1024×640: the chosen band’s detail comes into view', async ({ appPage: page }) => {
  const app = await bringUpDemoLab(page);
  await page.setViewportSize({ width: 1024, height: 640 });
  for (const band of ['audit', 'users']) {
    await app.band(band).scrollIntoViewIfNeeded();
    await app.band(band).click();
    await expect(app.band(band)).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator('#layer-detail-title')).toBeInViewport();
  }
});

test('Logs: a search with no match says so, and entries are visibly apart', async ({ appPage: page }) => {
  const app = await bringUpDemoLab(page);
  await app.tab('Logs').click();
  const entries = page.locator('.log-view .log-entry');
  await expect(entries.first()).toBeVisible();
  const gaps = await entries.evaluateAll((elements) =>
    elements.slice(1, 6).map((element, index) => {
      const previous = elements[index].getBoundingClientRect();
      const style = getComputedStyle(element);
      return element.getBoundingClientRect().top - previous.bottom + parseFloat(style.borderTopWidth);
    }),
  );
  expect(gaps.length).toBeGreaterThan(0);
  for (const gap of gaps) expect.soft(gap, 'space or rule between two log entries (px)').toBeGreaterThanOrEqual(4);

  await page.getByRole('searchbox').fill('no-such-words-here');
  await expect(page.locator('.log-view')).toContainText('No line matches “no-such-words-here”');
});
