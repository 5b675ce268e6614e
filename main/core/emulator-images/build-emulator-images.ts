import { createHash } from 'node:crypto';
import { SeclabError } from '../../../common/errors.ts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import * as esbuild from 'esbuild';
import { packTar, type TarFile } from '../docker/tar-archive.ts';
import type { EmulatorImageManifest } from '../../../emulator/shared/image-manifest.ts';
import { collectNodeRootFilesystem, type RootFilesystem } from './node-root-filesystem.ts';
import type { DockerEngine } from '../docker/docker-engine.ts';
import { bundledAtRunTime } from '../files/install-root.ts';
import { registryBaseDockerfile, registryBaseTag } from './registry-node-base.ts';
import { linuxArchOf, linuxNodeFactsHere, resolveLinuxNode, type LinuxArch, type LinuxNodeSource } from './linux-node-source.ts';
import { rememberBaseTag, rememberedBaseTag } from './base-image-memo.ts';

export type EmulatedProduct = EmulatorImageManifest['product'];
export const EMULATED_PRODUCTS: EmulatedProduct[] = ['elasticsearch', 'kibana', 'elastic-agent'];
export const EMULATOR_SOURCE_LABEL = 'seclab.emulator.source';
const BUNDLE_DIR = '/opt/seclab-emulator';
// The emulator's sources: esbuild bundles them when an image is built (in the desktop app, from app.asar.unpacked).
const REPO_ROOT = join(bundledAtRunTime('.'), sep);

export interface BuildProgress {
  image: string;
  phase: 'bundling' | 'building' | 'cached' | 'built';
  line?: string;
}

export const emulatedImageTag = (product: EmulatedProduct, version: string) => `seclab-emulator/${product}:${version}`;

async function loadManifest(product: EmulatedProduct): Promise<EmulatorImageManifest> {
  switch (product) {
    case 'elasticsearch':
      return (await import('../../../emulator/elasticsearch/image.ts')).elasticsearchImage;
    case 'kibana':
      return (await import('../../../emulator/kibana/image.ts')).kibanaImage;
    case 'elastic-agent':
      return (await import('../../../emulator/elastic-agent/image.ts')).elasticAgentImage;
  }
}

/**
 * How the programs are bundled, in the image's source digest: images bundled another way are rebuilt.
 * 2: one esbuild run per product, split into chunks shared by its programs and loaded when first imported.
 */
const BUNDLE_LAYOUT = '2';

/** Where esbuild would write, were it writing: only the output paths' shape under it matters. */
const OUT_DIR = 'emulator-bundles';

/**
 * A product's programs as ESM bundles in BUNDLE_DIR, one entry per program and chunks shared between them:
 * code a program reaches only through `import()` (the Elasticsearch client that only Fleet Server uses,
 * in the agent's image) is in a chunk that other programs, and other modes, never load. Each start and
 * each healthcheck run of a program is a Node start, whose cost is mostly evaluating what it loads.
 * Node needs `.mjs` to load a file as a module, hence a tiny launcher at the program's path.
 */
export async function bundlePrograms(programs: Record<string, string>): Promise<TarFile[]> {
  const entryNames = Object.fromEntries(Object.keys(programs).map((programPath) => [programPath, `${createHash('sha256').update(programPath).digest('hex').slice(0, 12)}-${posix.basename(programPath)}`]));
  const result = await esbuild.build({
    entryPoints: Object.entries(programs).map(([programPath, entry]) => ({ in: posix.join(REPO_ROOT, entry), out: entryNames[programPath]! })),
    bundle: true,
    splitting: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    absWorkingDir: REPO_ROOT,
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    write: false,
    minify: false,
    legalComments: 'none',
    logLevel: 'silent',
    // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
    banner: { js: "import { createRequire as __seclabCreateRequire } from 'node:module'; const require = __seclabCreateRequire(import.meta.url);" },
  });
  return [
    ...result.outputFiles.map((file) => ({ name: `root${BUNDLE_DIR}/${relative(join(REPO_ROOT, OUT_DIR), file.path).split(sep).join('/')}`, content: Buffer.from(file.contents), mode: 0o644, uid: 0, gid: 0 })),
    ...Object.keys(programs).map((programPath) => ({ name: `root${programPath}`, content: launcherFor(`${BUNDLE_DIR}/${entryNames[programPath]}.mjs`), mode: 0o755, uid: 0, gid: 0 })),
  ];
}

function launcherFor(bundlePath: string): Buffer {
  return Buffer.from(`#!/usr/local/bin/node\nimport(${JSON.stringify(bundlePath)}).catch((error) => { console.error(error); process.exit(1); });\n`);
}

async function baseImage(engine: DockerEngine, rootfs: RootFilesystem, onProgress: (p: BuildProgress) => void): Promise<string> {
  const tag = `seclab-emulator/base:${rootfs.digest}`;
  if (await engine.imageExists(tag)) {
    onProgress({ image: tag, phase: 'cached' });
    return tag;
  }
  onProgress({ image: tag, phase: 'building' });
  if (rootfs.missingTools.length > 0) {
    onProgress({ image: tag, phase: 'building', line: `the host has no ${rootfs.missingTools.join(', ')}: the emulated images are built without them (Debian: apt-get install ${rootfs.missingTools.join(' ')})` });
  }
  const context = await packTar([
    { name: 'Dockerfile', content: Buffer.from('FROM scratch\nCOPY rootfs/ /\n'), mode: 0o644, uid: 0, gid: 0 },
    ...rootfs.directories.map((dir) => ({ name: `rootfs${dir.path}`, type: 'directory' as const, mode: dir.mode, uid: 0, gid: 0 })),
    ...rootfs.readEntries().map((entry) => ({ name: `rootfs${entry.path}`, content: entry.content, mode: entry.mode, uid: 0, gid: 0 })),
    ...rootfs.symlinks.map((link) => ({ name: `rootfs${link.path}`, type: 'symlink' as const, linkname: link.target, mode: 0o777, uid: 0, gid: 0 })),
  ]);
  await engine.buildImage(context, tag, (line) => onProgress({ image: tag, phase: 'building', line }));
  onProgress({ image: tag, phase: 'built' });
  return tag;
}

/** On macOS and Windows: the registry's Node image with the tools it lacks (registry-node-base.ts), under the base's own name. */
async function registryBaseImage(engine: DockerEngine, image: string, onProgress: (p: BuildProgress) => void): Promise<string> {
  const tag = registryBaseTag(image);
  if (await engine.imageExists(tag)) {
    onProgress({ image: tag, phase: 'cached' });
    return tag;
  }
  onProgress({ image: tag, phase: 'building', line: `pulling ${image}: on this machine there is no Linux Node and C library to copy into the image` });
  const context = await packTar([{ name: 'Dockerfile', content: Buffer.from(registryBaseDockerfile(image)), mode: 0o644, uid: 0, gid: 0 }]);
  try {
    await engine.buildImage(context, tag, (line) => onProgress({ image: tag, phase: 'building', line }));
  } catch (error) {
    throw new SeclabError(
      'LINUX_NODE_MISSING',
      `the lab images and probes are built from ${image} here, and the engine could not get it (${(error as Error).message}): let the engine reach Docker Hub and Debian's package mirror, or run seclab on a Linux machine`,
    );
  }
  onProgress({ image: tag, phase: 'built' });
  return tag;
}

const engineArchitectures = new WeakMap<DockerEngine, Promise<LinuxArch | undefined>>();

/** The engine's architecture (`docker info`), asked once per engine; undefined when it does not say or cannot be asked. */
function engineArchitecture(engine: DockerEngine): Promise<LinuxArch | undefined> {
  let arch = engineArchitectures.get(engine);
  if (!arch) {
    arch = Promise.resolve()
      .then(() => engine.docker.info())
      .then(
        (info: { Architecture?: string }) => linuxArchOf(info.Architecture),
        () => {
          // Unknown this time (the checks then go by this host's architecture); asked again next time.
          engineArchitectures.delete(engine);
          return undefined;
        },
      );
    engineArchitectures.set(engine, arch);
  }
  return arch;
}

/** Where this engine's base gets its Linux Node (linux-node-source.ts); `doctor` says it. */
export async function linuxNodeSourceFor(engine: DockerEngine): Promise<LinuxNodeSource> {
  return resolveLinuxNode(linuxNodeFactsHere(await engineArchitecture(engine)));
}

/** What `seclab doctor` says about it: where the Node comes from, or why none can be used and the ways to fix that. */
export async function linuxNodeReport(engine: DockerEngine): Promise<{ source: string } | { problem: string }> {
  try {
    return { source: (await linuxNodeSourceFor(engine)).description };
  } catch (error) {
    if (error instanceof SeclabError) return { problem: error.message };
    throw error;
  }
}

/**
 * The emulated images' and probes' base on this engine: built from the Linux Node that
 * linux-node-source.ts finds (with this host's libraries and tools), or from the registry's
 * Node image where this host has no Linux to copy from. One path for the CLI, `seclab ui` and the app.
 */
export async function emulatorBaseImage(engine: DockerEngine, onProgress: (p: BuildProgress) => void = () => undefined, home?: string): Promise<string> {
  return emulatorBaseImageFrom(engine, await linuxNodeSourceFor(engine), onProgress, home);
}

/**
 * The same base, from the Linux Node a caller has already asked linuxNodeSourceFor for. `home`:
 * the seclab home, where the base's tag is remembered with the host files it was made from.
 */
export async function emulatorBaseImageFrom(engine: DockerEngine, source: LinuxNodeSource, onProgress: (p: BuildProgress) => void = () => undefined, home?: string): Promise<string> {
  if (source.kind === 'registry') return registryBaseImage(engine, source.image, onProgress);
  const remembered = rememberedBaseTag(home, source.binary);
  if (remembered && (await engine.imageExists(remembered))) {
    onProgress({ image: remembered, phase: 'cached' });
    return remembered;
  }
  const rootfs = collectNodeRootFilesystem(source.binary);
  const tag = await baseImage(engine, rootfs, onProgress);
  rememberBaseTag(home, source.binary, tag, rootfs);
  return tag;
}

function dockerfileFor(base: string, manifest: EmulatorImageManifest, version: string, sourceDigest: string): string {
  const labels = {
    ...manifest.labels,
    'seclab.emulated': 'true',
    [EMULATOR_SOURCE_LABEL]: sourceDigest,
    'org.opencontainers.image.version': version,
  };
  const env = { ...manifest.env, SECLAB_EMULATED_VERSION: version };
  return [
    `FROM ${base}`,
    'COPY root/ /',
    `COPY --chown=${manifest.user.uid}:${manifest.user.gid} owned/ /`,
    ...Object.entries(env).map(([key, value]) => `ENV ${key}=${JSON.stringify(value)}`),
    ...Object.entries(labels).map(([key, value]) => `LABEL ${JSON.stringify(key)}=${JSON.stringify(value)}`),
    ...manifest.exposedPorts.map((port) => `EXPOSE ${port}`),
    `WORKDIR ${manifest.workdir}`,
    `USER ${manifest.user.uid}:${manifest.user.gid}`,
    `ENTRYPOINT ${JSON.stringify(manifest.entrypoint)}`,
    `CMD ${JSON.stringify(manifest.cmd)}`,
    '',
  ].join('\n');
}

/**
 * What an image is made from: every source file of the emulator, the lock file (bundled
 * dependencies), the manifest, the base and the version. Hashing sources is much cheaper
 * than bundling, so an unchanged image is recognised without building anything.
 */
function sourceDigestOf(base: string, manifest: EmulatorImageManifest, version: string): string {
  const digest = createHash('sha256').update(base).update(version).update(BUNDLE_LAYOUT).update(JSON.stringify(manifest));
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|json)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) files.push(path);
    }
  };
  walk(join(REPO_ROOT, 'emulator'));
  for (const file of files.sort()) digest.update(file.slice(REPO_ROOT.length)).update(readFileSync(file));
  const lock = join(REPO_ROOT, 'package-lock.json');
  if (existsSync(lock)) digest.update(readFileSync(lock));
  return digest.digest('hex').slice(0, 16);
}

async function productContext(base: string, manifest: EmulatorImageManifest, version: string, sourceDigest: string) {
  const rootFiles: TarFile[] = await bundlePrograms(manifest.programs);
  const ownedFiles: TarFile[] = [];
  const passwd = `root:x:0:0:root:/root:/sbin/nologin\n${manifest.user.name}:x:${manifest.user.uid}:${manifest.user.gid}::${manifest.user.home}:/sbin/nologin\n`;
  rootFiles.push({ name: 'root/etc/passwd', content: Buffer.from(passwd), mode: 0o644, uid: 0, gid: 0 });
  for (const dir of manifest.directories) {
    const target = dir.uid === 0 ? rootFiles : ownedFiles;
    target.push({ name: `${dir.uid === 0 ? 'root' : 'owned'}${dir.path}`, type: 'directory', mode: dir.mode, uid: dir.uid, gid: dir.gid });
  }
  for (const file of manifest.files) {
    const owned = (file.uid ?? 0) !== 0;
    (owned ? ownedFiles : rootFiles).push({
      name: `${owned ? 'owned' : 'root'}${file.path}`,
      content: Buffer.from(file.content),
      mode: file.mode ?? 0o644,
      uid: file.uid ?? 0,
      gid: file.gid ?? 0,
    });
  }
  // COPY needs both folders to exist even when one is empty.
  ownedFiles.push({ name: 'owned/', type: 'directory', mode: 0o755, uid: 0, gid: 0 });
  const context = await packTar([{ name: 'Dockerfile', content: Buffer.from(dockerfileFor(base, manifest, version, sourceDigest)), mode: 0o644, uid: 0, gid: 0 }, ...rootFiles, ...ownedFiles]);
  return { context, sourceDigest };
}

/**
 * Builds `seclab-emulator/<product>:<version>` for each product, skipping an image whose
 * sources (bundles, manifest, base) have not changed since it was built.
 */
export async function buildEmulatorImages(
  engine: DockerEngine,
  options: { version: string; products?: EmulatedProduct[]; force?: boolean; onProgress?: (progress: BuildProgress) => void; home?: string },
): Promise<Array<{ image: string; outcome: 'built' | 'cached' }>> {
  const onProgress = options.onProgress ?? (() => undefined);
  const base = await emulatorBaseImage(engine, onProgress, options.force ? undefined : options.home);
  const results: Array<{ image: string; outcome: 'built' | 'cached' }> = [];
  for (const product of options.products ?? EMULATED_PRODUCTS) {
    const tag = emulatedImageTag(product, options.version);
    onProgress({ image: tag, phase: 'bundling' });
    const manifest = await loadManifest(product);
    const sourceDigest = sourceDigestOf(base, manifest, options.version);
    if (!options.force && (await engine.imageExists(tag)) && (await engine.imageLabels(tag))[EMULATOR_SOURCE_LABEL] === sourceDigest) {
      onProgress({ image: tag, phase: 'cached' });
      results.push({ image: tag, outcome: 'cached' });
      continue;
    }
    const { context } = await productContext(base, manifest, options.version, sourceDigest);
    onProgress({ image: tag, phase: 'building' });
    await engine.buildImage(context, tag, (line) => onProgress({ image: tag, phase: 'building', line }));
    onProgress({ image: tag, phase: 'built' });
    results.push({ image: tag, outcome: 'built' });
  }
  return results;
}

export { baseImage as buildEmulatorBaseImage, collectNodeRootFilesystem };
