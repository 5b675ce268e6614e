import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { linuxExecutableArch } from '../../main/core/emulator-images/linux-node-source.ts';
// @ts-expect-error: a plain .mjs build script, no types.
import { fetchLinuxNode, nodeTarballName, verifiedTarball } from '../../scripts/fetch-linux-node.mjs';

/**
 * scripts/fetch-linux-node.mjs, offline: `--mirror FOLDER` stands for nodejs.org/dist/<version> with a
 * fixture release (a tarball with bin/node and its SHASUMS256.txt); the copy path uses this machine's Node.
 */
const run = promisify(execFile);
const SCRIPT = join(import.meta.dirname, '../../scripts/fetch-linux-node.mjs');
const VERSION = 'v20.99.0';
const fakeArmNode = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(10), Buffer.from([0xb7, 0]), Buffer.alloc(44)]);

async function releaseTarball(arch: string, node: Buffer): Promise<Buffer> {
  const pack = tar.pack();
  const top = `node-${VERSION}-linux-${arch}`;
  pack.entry({ name: `${top}/`, type: 'directory' });
  pack.entry({ name: `${top}/README.md` }, 'Node.js');
  pack.entry({ name: `${top}/bin/node`, mode: 0o755 }, node);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return gzipSync(Buffer.concat(chunks));
}

async function fixtureRelease(shasum?: string): Promise<string> {
  const mirror = mkdtempSync(join(tmpdir(), 'seclab-node-mirror-'));
  const name = nodeTarballName(VERSION, 'arm64');
  const tarball = await releaseTarball('arm64', fakeArmNode);
  writeFileSync(join(mirror, name), tarball);
  const other = 'a'.repeat(64);
  writeFileSync(join(mirror, 'SHASUMS256.txt'), `${other}  node-${VERSION}-linux-x64.tar.gz\n${shasum ?? createHash('sha256').update(tarball).digest('hex')}  ${name}\n${other}  node-${VERSION}.tar.gz\n`);
  return mirror;
}

/** The script's own work, with the fixture version in place of the build's Node's (so it downloads, never copies). */
async function fetchFromMirror(out: string, mirror: string): Promise<string> {
  const lines: string[] = [];
  await fetchLinuxNode({ arches: ['arm64'], out, mirror, version: VERSION, log: (line: string) => lines.push(line) });
  return lines.join('\n');
}

describe('scripts/fetch-linux-node.mjs', () => {
  it('takes bin/node from a release tarball whose sha256 SHASUMS256.txt lists', async () => {
    const mirror = await fixtureRelease();
    const out = mkdtempSync(join(tmpdir(), 'seclab-linux-node-out-'));
    const said = await fetchFromMirror(out, mirror);
    expect(said).toContain('sha256 checked against SHASUMS256.txt');
    const node = join(out, 'arm64', 'node');
    expect(readFileSync(node)).toEqual(fakeArmNode);
    expect(statSync(node).mode & 0o777).toBe(0o755);
    expect(linuxExecutableArch(node)).toEqual({ arch: 'arm64' });
  });

  it('refuses a tarball that does not match, and writes nothing', async () => {
    const mirror = await fixtureRelease('0'.repeat(64));
    const out = mkdtempSync(join(tmpdir(), 'seclab-linux-node-out-'));
    await expect(fetchFromMirror(out, mirror)).rejects.toThrow(/node-v20\.99\.0-linux-arm64\.tar\.gz does not match SHASUMS256\.txt \(sha256 [0-9a-f]{64}, listed 0{64}\): not used/);
    expect(existsSync(join(out, 'arm64'))).toBe(false);
  });

  it('checks the listed name exactly: a hash under another file name does not count', async () => {
    const tarball = await releaseTarball('arm64', fakeArmNode);
    const hash = createHash('sha256').update(tarball).digest('hex');
    expect(() => verifiedTarball(tarball, `${hash}  node-${VERSION}-linux-arm64.tar.gz.sig\n`, nodeTarballName(VERSION, 'arm64'))).toThrow(/does not list/);
    expect(verifiedTarball(tarball, `${hash.toUpperCase()}  ${nodeTarballName(VERSION, 'arm64')}\n`, nodeTarballName(VERSION, 'arm64'))).toBe(tarball);
  });

  it.skipIf(process.platform !== 'linux' || !['x64', 'arm64'].includes(process.arch))("copies this machine's own Node for its own architecture, as npm run dist does here", async () => {
    const out = mkdtempSync(join(tmpdir(), 'seclab-linux-node-out-'));
    const { stdout } = await run(process.execPath, [SCRIPT, '--out', out]);
    const node = join(out, process.arch, 'node');
    expect(stdout).toContain("this machine's Node");
    expect(readFileSync(node).equals(readFileSync(realpathSync(process.execPath)))).toBe(true);
    expect(linuxExecutableArch(node)).toEqual({ arch: process.arch });
    const { stdout: version } = await run(node, ['--version']);
    expect(version.trim()).toBe(process.version);
  });

  it('refuses an architecture the app does not ship', async () => {
    mkdirSync(join(tmpdir(), 'seclab-linux-node-none'), { recursive: true });
    await expect(run(process.execPath, [SCRIPT, '--arch', 'ia32', '--out', join(tmpdir(), 'seclab-linux-node-none')])).rejects.toThrow(/--arch ia32: the app ships a Linux Node for x64 or arm64/);
  });
});
