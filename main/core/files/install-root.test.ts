import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { installRoot, outsideArchive } from './install-root.ts';

describe('installRoot', () => {
  it('is the checkout when run from the sources', () => {
    expect(installRoot()).toBe(fileURLToPath(new URL('../../../', import.meta.url)).replace(/[\\/]$/, ''));
  });

  it("is the app's archive when run from the Electron bundle inside it, and tools read the unpacked copy", () => {
    // Electron reads app.asar as a folder; a plain folder of that name stands in for it.
    const archive = join(mkdtempSync(join(tmpdir(), 'seclab-app-')), 'resources', 'app.asar');
    mkdirSync(join(archive, 'out', 'electron'), { recursive: true });
    writeFileSync(join(archive, 'package.json'), JSON.stringify({ name: 'secure-cluster-lab' }));
    expect(installRoot(join(archive, 'out', 'electron', 'main.cjs'))).toBe(archive);
    expect(outsideArchive(join(archive, 'emulator', 'elasticsearch', 'main.ts'))).toBe(join(`${archive}.unpacked`, 'emulator', 'elasticsearch', 'main.ts'));
  });

  it('says so when no seclab package.json is above it', () => {
    expect(() => installRoot(join(tmpdir(), 'nowhere', 'main.cjs'))).toThrow(/cannot find its own files/);
  });
});
