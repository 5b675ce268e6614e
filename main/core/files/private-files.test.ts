import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensurePrivateDirectory, type FolderPrivacy } from './private-files.ts';

function recordingPrivacy(platform: NodeJS.Platform): FolderPrivacy & { calls: string[][] } {
  const calls: string[][] = [];
  return { platform, calls, icacls: (args) => (calls.push(args), ''), windowsUser: () => 'DESKTOP-7Q3K2LM\\alice' };
}

describe('ensurePrivateDirectory', () => {
  it('on Windows gives each folder it creates the private ACL, through icacls arguments, never a shell line', () => {
    const root = mkdtempSync(join(tmpdir(), 'seclab-private-'));
    const privacy = recordingPrivacy('win32');
    ensurePrivateDirectory(join(root, 'labs', 'my lab'), privacy);
    expect(privacy.calls).toEqual(
      [join(root, 'labs'), join(root, 'labs', 'my lab')].map((folder) => [folder, '/inheritance:r', '/grant:r', 'DESKTOP-7Q3K2LM\\alice:(OI)(CI)F', '*S-1-5-18:(OI)(CI)F', '*S-1-5-32-544:(OI)(CI)F']),
    );
    // A folder that exists keeps its ACL: the check reports it, with the command that fixes it.
    ensurePrivateDirectory(join(root, 'labs', 'my lab'), privacy);
    expect(privacy.calls).toHaveLength(2);
  });

  it('on Linux and macOS sets 0700 and runs no icacls', () => {
    const root = mkdtempSync(join(tmpdir(), 'seclab-private-'));
    for (const platform of ['linux', 'darwin'] as const) {
      const privacy = recordingPrivacy(platform);
      ensurePrivateDirectory(join(root, platform, 'lab'), privacy);
      expect(statSync(join(root, platform, 'lab')).mode & 0o777).toBe(0o700);
      expect(privacy.calls).toEqual([]);
    }
  });
});
