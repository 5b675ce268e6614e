import { mkdirSync, mkdtempSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rememberBaseTag, rememberedBaseTag } from './base-image-memo.ts';
import type { RootFilesystem } from './node-root-filesystem.ts';

function fixture() {
  const dir = mkdtempSync(join(tmpdir(), 'seclab-base-memo-'));
  const home = join(dir, 'home');
  const node = join(dir, 'node');
  const library = join(dir, 'libc.so.6');
  writeFileSync(join(dir, 'placeholder'), '');
  mkdirSync(home);
  writeFileSync(node, 'a node binary');
  writeFileSync(library, 'a library');
  const rootfs = { inputs: [node, library].map((file) => ({ file, size: statSync(file).size, mtimeMs: statSync(file).mtimeMs })) } as RootFilesystem;
  return { home, node, library, rootfs };
}

describe("the base image's remembered tag", () => {
  it('is given back while every file it was made from is unchanged', () => {
    const { home, node, rootfs } = fixture();
    rememberBaseTag(home, node, 'seclab-emulator/base:0123456789abcdef', rootfs);
    expect(rememberedBaseTag(home, node)).toBe('seclab-emulator/base:0123456789abcdef');
  });

  it('is forgotten when a library changed (another size or mtime), when another Node is asked for, and without a home', () => {
    const { home, node, library, rootfs } = fixture();
    rememberBaseTag(home, node, 'seclab-emulator/base:0123456789abcdef', rootfs);
    expect(rememberedBaseTag(home, join(home, '..', 'placeholder'))).toBeUndefined();
    expect(rememberedBaseTag(undefined, node)).toBeUndefined();
    utimesSync(library, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
    expect(rememberedBaseTag(home, node)).toBeUndefined();
  });
});
