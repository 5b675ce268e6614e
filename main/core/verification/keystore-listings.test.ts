import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keystoreListing, listedWhen, type ListedKeystore } from './keystore-listings.ts';

const AT = new Date('2026-12-01T17:00:00.000Z');

function counter(outputs: Array<{ exitCode: number; output: string }>) {
  let calls = 0;
  return {
    list: async () => outputs[Math.min(calls++, outputs.length - 1)]!,
    get calls() {
      return calls;
    },
  };
}

describe("a keystore's listing, kept while the keystore file is unchanged", () => {
  const keystore = (overrides: Partial<ListedKeystore> = {}): ListedKeystore => ({
    labRoot: overrides.labRoot ?? mkdtempSync(join(tmpdir(), 'seclab-listings-')),
    component: 'kibana',
    containerId: 'c1',
    path: '/usr/share/kibana/config/kibana.keystore',
    stamp: '64:12:431:1:1',
    ...overrides,
  });

  it('runs the tool once, then gives its listing (and when it was made) while the stamp and the container are the same', async () => {
    const tool = counter([{ exitCode: 0, output: 'xpack.security.encryptionKey\n' }]);
    const first = keystore();
    expect(await keystoreListing(first, tool.list, () => AT)).toEqual({ exitCode: 0, output: 'xpack.security.encryptionKey\n' });
    const again = await keystoreListing(first, tool.list);
    expect(again).toEqual({ exitCode: 0, output: 'xpack.security.encryptionKey\n', listedAt: AT.toISOString() });
    expect(listedWhen(again)).toBe(`, listed ${AT.toISOString()}; the keystore file is unchanged since`);
    expect(tool.calls).toBe(1);
    expect(readFileSync(join(first.labRoot, 'keystore-listings.json'), 'utf8')).not.toMatch(/password|secret/i);
  });

  it('runs the tool again when the file changed (another stamp) or the container is another one', async () => {
    const tool = counter([
      { exitCode: 0, output: 'a\n' },
      { exitCode: 0, output: 'a\nb\n' },
      { exitCode: 0, output: 'c\n' },
    ]);
    const first = keystore();
    await keystoreListing(first, tool.list);
    expect((await keystoreListing({ ...first, stamp: '64:12:500:2:2' }, tool.list)).output).toBe('a\nb\n');
    expect((await keystoreListing({ ...first, stamp: '64:12:500:2:2', containerId: 'c2' }, tool.list)).output).toBe('c\n');
    expect(tool.calls).toBe(3);
  });

  it('runs the tool every time when the file cannot be stamped here, and never keeps a failed listing', async () => {
    const unstamped = keystore({ stamp: undefined });
    const tool = counter([{ exitCode: 0, output: 'a\n' }]);
    await keystoreListing(unstamped, tool.list);
    await keystoreListing(unstamped, tool.list);
    expect(tool.calls).toBe(2);
    expect(existsSync(join(unstamped.labRoot, 'keystore-listings.json'))).toBe(false);

    const failing = counter([{ exitCode: 78, output: 'ERROR: keystore not found' }]);
    const stamped = keystore();
    await keystoreListing(stamped, failing.list);
    expect(await keystoreListing(stamped, failing.list)).toEqual({ exitCode: 78, output: 'ERROR: keystore not found' });
    expect(failing.calls).toBe(2);
  });
});
