import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));
const pathFile = join(electronDir, 'path.txt');
const binaryPresent = existsSync(pathFile) && existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8')));

describe('npm start', () => {
  it(binaryPresent ? 'finds the installed Electron binary' : 'says in one line that Electron is missing and points to `npx seclab ui`', () => {
    if (binaryPresent) {
      expect(existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8')))).toBe(true);
      return;
    }
    // The first launch downloads Electron; here that download is sent to a closed port on loopback so it fails at once.
    const cache = mkdtempSync(join(tmpdir(), 'seclab-electron-cache-'));
    try {
      const result = spawnSync('npm', ['start', '--silent'], {
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: cache, ELECTRON_GET_USE_PROXY: '' },
      });
      expect(result.status).toBe(1);
      const lines = result.stderr.trim().split('\n').filter(Boolean);
      expect(lines).toEqual(["Electron's binary is not installed here (it downloads at first launch, and that download failed); run the same app in your browser with: npx seclab ui"]);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
