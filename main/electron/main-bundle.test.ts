import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../common/contract.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Boots the real out/electron/main.cjs under plain Node with a recording stand-in for Electron (its binary is not installed here). */
describe('bundled Electron main process', () => {
  it('serves app://, opens one sandboxed window on app://lab and registers exactly the contract over IPC', () => {
    execFileSync(process.execPath, [join(root, 'scripts/build-electron.mjs')], { cwd: root, stdio: 'pipe' });
    for (const handlers of ['fake', 'real']) {
      const output = execFileSync(process.execPath, ['--require', join(root, 'main/electron/testing/fake-electron.cjs'), join(root, 'out/electron/main.cjs')], {
        cwd: root,
        env: { ...process.env, SECLAB_HANDLERS: handlers === 'fake' ? 'fake' : '', SECLAB_HOME: mkdtempSync(join(tmpdir(), 'seclab-bundle-')) },
        encoding: 'utf8',
        timeout: 30_000,
      });
      const record = JSON.parse(output.trim().split('\n').pop()!);
      expect(record.schemes).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
      expect(record.protocols).toEqual(['app']);
      expect(record.loaded).toEqual(['app://lab/index.html']);
      expect(record.webPreferences).toHaveLength(1);
      expect(record.webPreferences[0]).toMatchObject({ contextIsolation: true, nodeIntegration: false, sandbox: true, webSecurity: true });
      expect(record.webPreferences[0].preload).toBe(join(root, 'out/electron/preload.cjs'));
      expect([...record.channels].sort()).toEqual(METHOD_NAMES.map((method) => `seclab:${method}`).sort());
      expect(record.exit).toBeNull();
    }
  });
});
