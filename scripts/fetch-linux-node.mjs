#!/usr/bin/env node
// The Linux Node the desktop app ships (electron-builder.yml, linux.extraResources: out/linux-node/<arch>/node
// → resources/linux-node/<arch>/node). In the app, process.execPath is Electron, so the lab images and
// probes take their Node from there (main/core/emulator-images/linux-node-source.ts).
//
//   node scripts/fetch-linux-node.mjs [--arch x64|arm64]… [--out out/linux-node] [--mirror URL|FOLDER] [--download]
//
// For this machine's own architecture on Linux it copies the Node running it (the build's Node). Otherwise
// it downloads node-v<the build's Node version>-linux-<arch>.tar.gz from nodejs.org, checks it against that
// release's SHASUMS256.txt, and takes bin/node from it. On macOS and Windows with no --arch it does nothing:
// their packages build the base from node:20-bookworm-slim, as no Linux C library is there to copy.
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const LINUX_ARCHES = ['x64', 'arm64'];

export const nodeTarballName = (version, arch) => `node-${version}-linux-${arch}.tar.gz`;

/** The tarball, if SHASUMS256.txt (`<sha256>  <file name>` lines) lists exactly its hash under its name. */
export function verifiedTarball(tarball, shasums, name) {
  const listed = shasums
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .find(([, file]) => file === name)?.[0];
  if (!listed) throw new Error(`SHASUMS256.txt does not list ${name}`);
  const actual = createHash('sha256').update(tarball).digest('hex');
  if (actual !== listed.toLowerCase()) throw new Error(`${name} does not match SHASUMS256.txt (sha256 ${actual}, listed ${listed}): not used`);
  return tarball;
}

/** bin/node out of a release tarball (`node-vX.Y.Z-linux-<arch>/bin/node`). */
export async function nodeFromTarball(tarball, version, arch) {
  const wanted = `node-${version}-linux-${arch}/bin/node`;
  const extract = tar.extract();
  let node;
  extract.on('entry', (header, stream, next) => {
    const chunks = [];
    stream.on('data', (chunk) => header.name === wanted && chunks.push(chunk));
    stream.on('end', () => {
      if (header.name === wanted) node = Buffer.concat(chunks);
      next();
    });
    stream.resume();
  });
  await pipeline(Readable.from([tarball]), createGunzip(), extract);
  if (!node) throw new Error(`${nodeTarballName(version, arch)} has no ${wanted}`);
  return node;
}

async function fetched(mirror, file) {
  if (!/^https?:\/\//.test(mirror)) return readFileSync(join(mirror, file));
  const response = await fetch(`${mirror.replace(/\/$/, '')}/${file}`);
  if (!response.ok) throw new Error(`${mirror}/${file}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** Written beside its place and renamed: an interrupted run leaves no half a Node. */
function install(target, content) {
  mkdirSync(dirname(target), { recursive: true });
  const partial = `${target}.partial`;
  if (typeof content === 'string') copyFileSync(content, partial);
  else writeFileSync(partial, content);
  chmodSync(partial, 0o755);
  renameSync(partial, target);
}

export async function fetchLinuxNode({ arches, out, mirror, download = false, version = process.version, log = console.log }) {
  for (const arch of arches) {
    if (!LINUX_ARCHES.includes(arch)) throw new Error(`--arch ${arch}: the app ships a Linux Node for ${LINUX_ARCHES.join(' or ')}`);
    const target = join(out, arch, 'node');
    if (!download && process.platform === 'linux' && arch === process.arch && version === process.version) {
      install(target, realpathSync(process.execPath));
      log(`linux-node: ${target} ← this machine's Node ${version} (${realpathSync(process.execPath)})`);
      continue;
    }
    const release = mirror ?? `https://nodejs.org/dist/${version}`;
    const name = nodeTarballName(version, arch);
    const tarball = verifiedTarball(await fetched(release, name), (await fetched(release, 'SHASUMS256.txt')).toString('utf8'), name);
    install(target, await nodeFromTarball(tarball, version, arch));
    log(`linux-node: ${target} ← ${release}/${name} (sha256 checked against SHASUMS256.txt)`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  const { values } = parseArgs({
    options: {
      arch: { type: 'string', multiple: true },
      out: { type: 'string', default: join(ROOT, 'out', 'linux-node') },
      mirror: { type: 'string' },
      download: { type: 'boolean', default: false },
    },
  });
  const arches = values.arch ?? (process.platform === 'linux' ? [process.arch] : []);
  if (arches.length === 0) {
    console.log('linux-node: nothing to fetch on this platform (its package builds the lab base from node:20-bookworm-slim); --arch x64 or arm64 fetches one anyway');
  }
  try {
    await fetchLinuxNode({ arches, out: resolve(values.out), mirror: values.mirror, download: values.download });
  } catch (error) {
    console.error(`linux-node: ${error.message}`);
    process.exit(1);
  }
}
