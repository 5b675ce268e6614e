import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectHostTools, HOST_TOOLS, parseLddOutput } from './host-tools.ts';
import { collectNodeRootFilesystem } from './node-root-filesystem.ts';

describe('host tools layer', () => {
  it('has what the Elastic Docker Compose recipe calls', () => {
    for (const tool of ['bash', 'sh', 'curl', 'grep', 'find', 'chmod', 'chown', 'sleep', 'unzip']) expect(HOST_TOOLS).toContain(tool);
  });

  it('copies real files, aliases both bin folders, collects ldd libraries and names missing tools', () => {
    const root = mkdtempSync(join(tmpdir(), 'seclab-host-tools-'));
    const usrBin = join(root, 'usr/bin');
    const bin = join(root, 'bin');
    mkdirSync(usrBin, { recursive: true });
    mkdirSync(bin);
    writeFileSync(join(usrBin, 'dash'), '');
    symlinkSync('dash', join(usrBin, 'sh'));
    writeFileSync(join(bin, 'curl'), '');
    const layer = collectHostTools({
      tools: ['sh', 'curl', 'unzip'],
      searchPath: [usrBin, bin],
      ldd: (binary) =>
        binary.endsWith('curl') ? '\tlinux-vdso.so.1 (0x1)\n\tlibcurl.so.4 => /lib/x86_64-linux-gnu/libcurl.so.4 (0x2)\n\t/lib64/ld-linux-x86-64.so.2 (0x3)\n' : '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x2)\n',
    });
    expect(layer.binaries.map((b) => b.path)).toEqual([join(bin, 'curl'), join(usrBin, 'dash')].sort());
    expect(layer.symlinks).toEqual(
      expect.arrayContaining([
        { path: join(usrBin, 'sh'), target: join(usrBin, 'dash') },
        { path: join(bin, 'sh'), target: join(usrBin, 'dash') },
        { path: join(usrBin, 'curl'), target: join(bin, 'curl') },
      ]),
    );
    expect(layer.libraries).toEqual(['/lib/x86_64-linux-gnu/libc.so.6', '/lib/x86_64-linux-gnu/libcurl.so.4', '/lib64/ld-linux-x86-64.so.2']);
    expect(layer.missing).toEqual(['unzip']);
  });

  it('parses ldd output', () => {
    expect(parseLddOutput('\tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x7f)\n\t/lib64/ld-linux-x86-64.so.2 (0x7f)\n\tlinux-vdso.so.1 (0x7)\n')).toEqual([
      '/lib/x86_64-linux-gnu/libz.so.1',
      '/lib64/ld-linux-x86-64.so.2',
    ]);
  });

  it('changes the base image digest when the tool set changes', () => {
    const empty = { binaries: [], symlinks: [], libraries: [], missing: [] };
    const withCat = collectHostTools({ tools: ['cat'] });
    expect(collectNodeRootFilesystem(process.execPath, empty).digest).not.toBe(collectNodeRootFilesystem(process.execPath, withCat).digest);
  });
});
