import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createEventHub } from './event-hub.ts';
import { startWebUi } from './start-web-ui.ts';
import { createFakeLabHandlers } from './testing/fake-lab-handlers.ts';

async function waitForFile(path: string, timeoutMs = 10_000): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (!existsSync(path) || readFileSync(path, 'utf8') === '') {
    if (Date.now() > until) throw new Error(`${path} never appeared`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return readFileSync(path, 'utf8');
}

describe.runIf(process.platform === 'linux')('seclab ui opens the browser without the token on a command line', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'seclab-opener-'));
  const originalPath = process.env.PATH;
  afterAll(() => {
    process.env.PATH = originalPath;
  });

  it('hands the launcher an owner-only redirect file, never the token URL, and removes it on close', async () => {
    // A stand-in xdg-open that records the argv it was given.
    const bin = join(scratch, 'bin');
    const argvLog = join(scratch, 'argv.txt');
    mkdirSync(bin);
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$0" "$@" > "${argvLog}.tmp" && mv "${argvLog}.tmp" "${argvLog}"\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    process.env.PATH = `${bin}:${originalPath}`;

    const rendererDir = mkdtempSync(join(tmpdir(), 'seclab-renderer-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>seclab</title>');
    const hub = createEventHub();
    const ui = await startWebUi({ handlers: createFakeLabHandlers({ emit: hub.emit, stepMs: 0 }), subscribe: hub.subscribe, rendererDir, openBrowser: true });
    try {
      const argv = (await waitForFile(argvLog)).trim().split('\n').slice(1);
      const token = new URL(ui.url).searchParams.get('token')!;
      const pageKey = new URL(ui.url).hash.slice('#key='.length);
      expect(argv).toHaveLength(1);
      expect(argv.join(' ')).not.toContain(token);
      expect(argv.join(' ')).not.toContain(pageKey);
      expect(argv[0]).toMatch(/^file:\/\/\/.+\/open\.html$/);

      const file = fileURLToPath(argv[0]);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(file)).mode & 0o777).toBe(0o700);
      const html = readFileSync(file, 'utf8');
      expect(html).toContain(`<meta http-equiv="refresh" content="0;url=${ui.url}">`);
      expect(html).toContain(`window.location.replace(${JSON.stringify(ui.url)})`);

      await ui.close();
      expect(existsSync(file)).toBe(false);
    } finally {
      await ui.close();
    }
  });
});
