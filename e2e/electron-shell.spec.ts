import { METHOD_NAMES } from '../common/contract.ts';
import { expect, test } from './fixtures.ts';

/** What only the desktop app has: the preload's surface and the navigation guard. Runs where Electron's binary exists. */
test('the preload exposes the contract and nothing else; the window cannot navigate away', async ({ appPage: page, target }) => {
  test.skip(target !== 'electron', "Electron's binary is not installed here");
  expect(page.url()).toBe('app://lab/index.html');
  const surface = await page.evaluate(() => {
    const bridge = (window as unknown as { seclab?: Record<string, unknown> }).seclab ?? {};
    return {
      keys: Object.keys(bridge).sort(),
      allFunctions: Object.values(bridge).every((value) => typeof value === 'function'),
      node: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    };
  });
  expect(surface.keys).toEqual([...METHOD_NAMES, 'onEvent'].sort());
  expect(surface.allFunctions).toBe(true);
  expect(surface.node).toBe('undefined');
  expect(surface.process).toBe('undefined');

  await page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toBe('app://lab/index.html');
  const opened = await page.evaluate(() => window.open('https://example.com/') === null);
  expect(opened).toBe(true);
});
