import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SeclabError } from '../../../common/errors.ts';
import { installRoot } from '../files/install-root.ts';

/**
 * Where the Linux Node of the emulated images' base (and so of every probe) comes from. The base
 * is that Node plus the libraries `ldd` lists for it on this machine, so a Node binary alone is
 * enough only on a Linux host; on macOS and Windows no Linux C library exists here and the base
 * is the engine's `node:<major>-bookworm-slim` instead (a registry is needed then).
 *
 * In order, on a Linux host:
 * 1. SECLAB_LINUX_NODE: a person's explicit choice, refused (not skipped) when it is not a Linux
 *    executable for the engine's architecture;
 * 2. the running Node itself, when this process is Node (not Electron) and the engine runs its
 *    architecture;
 * 3. the Linux Node shipped with the desktop app (electron-builder extraResources
 *    `linux-node/<arch>/node`, put there by scripts/fetch-linux-node.mjs), or the same folder
 *    under out/ in a source checkout where that script ran;
 * 4. otherwise an error naming these three ways.
 */

export type LinuxArch = 'x64' | 'arm64';

export type LinuxNodeSource = { kind: 'binary'; from: 'SECLAB_LINUX_NODE' | 'this-node' | 'app-resources'; binary: string; description: string } | { kind: 'registry'; image: string; description: string };

export interface LinuxNodeFacts {
  env: NodeJS.ProcessEnv;
  hostPlatform: NodeJS.Platform;
  hostArch: string;
  /** process.versions.electron: Electron's binary is no Node (its runAsNode fuse is off in the package). */
  electron: string | undefined;
  execPath: string;
  /** Folders that may hold `linux-node/<arch>/node`, first match wins. */
  resourceFolders: string[];
  /** The engine's architecture in Node's words; undefined when the engine does not say. */
  engineArch: LinuxArch | undefined;
}

/** The Node major the emulator and probe bundles target (esbuild `node20`). */
export const REGISTRY_NODE_MAJOR = 20;
export const REGISTRY_NODE_IMAGE = `node:${REGISTRY_NODE_MAJOR}-bookworm-slim`;

const HOST_NAMES: Partial<Record<NodeJS.Platform, string>> = { darwin: 'macOS', win32: 'Windows' };

/** `docker info` Architecture (x86_64 on Docker, amd64 on some Podman builds) in Node's words. */
export function linuxArchOf(engineArchitecture: string | undefined): LinuxArch | undefined {
  if (!engineArchitecture) return undefined;
  if (/^(x86_64|amd64|x64)$/i.test(engineArchitecture)) return 'x64';
  if (/^(aarch64|arm64)$/i.test(engineArchitecture)) return 'arm64';
  return undefined;
}

/** Where the desktop app ships its Linux Node: `<resources>/linux-node/<arch>/node`. */
export const bundledLinuxNodePath = (resourceFolder: string, arch: LinuxArch) => join(resourceFolder, 'linux-node', arch, 'node');

/** ELF e_machine values (the ELF specification; x86-64 is 62, AArch64 is 183). */
const ELF_MACHINES: Record<number, LinuxArch> = { 62: 'x64', 183: 'arm64' };

/** What a file is, from its first 20 bytes: a Linux executable of an architecture, or why not. */
export function linuxExecutableArch(path: string): { arch: LinuxArch } | { problem: string } {
  if (!existsSync(path)) return { problem: 'there is no such file' };
  if (!statSync(path).isFile()) return { problem: 'it is not a file' };
  const head = Buffer.alloc(20);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  if (head.readUInt32BE(0) !== 0x7f454c46) return { problem: 'it is not a Linux executable (no ELF header)' };
  const machine = head[5] === 1 ? head.readUInt16LE(18) : head.readUInt16BE(18);
  const arch = ELF_MACHINES[machine];
  return arch ? { arch } : { problem: `it is built for another processor (ELF machine ${machine})` };
}

const engineArchText = (arch: LinuxArch | undefined) => (arch ? `the engine's ${arch}` : "the engine's architecture");

function fixes(facts: LinuxNodeFacts): string {
  const arch = facts.engineArch ?? 'x64';
  return [
    `set SECLAB_LINUX_NODE to a Linux Node binary for ${engineArchText(facts.engineArch)} (node-v${REGISTRY_NODE_MAJOR}.x-linux-${arch}.tar.xz from nodejs.org, bin/node)`,
    'run seclab from Node on this Linux machine (the `seclab` command or `seclab ui`)',
    `or use a desktop app built with its Linux Node (npm run dist puts it in resources/linux-node/${arch}/node; from a source checkout, node scripts/fetch-linux-node.mjs --arch ${arch})`,
  ].join('; ');
}

export function resolveLinuxNode(facts: LinuxNodeFacts): LinuxNodeSource {
  const chosen = facts.env.SECLAB_LINUX_NODE;
  if (facts.hostPlatform !== 'linux') {
    const host = HOST_NAMES[facts.hostPlatform] ?? facts.hostPlatform;
    if (chosen) {
      throw new SeclabError(
        'LINUX_NODE_UNUSABLE',
        `SECLAB_LINUX_NODE names a Linux Node, but on ${host} there is no Linux C library to put beside it in the image; unset SECLAB_LINUX_NODE and seclab builds the base from ${REGISTRY_NODE_IMAGE}, which the engine pulls`,
      );
    }
    return { kind: 'registry', image: REGISTRY_NODE_IMAGE, description: `${REGISTRY_NODE_IMAGE}, pulled by the engine (on ${host} there is no Linux Node and C library to copy)` };
  }

  if (chosen) {
    const found = linuxExecutableArch(chosen);
    if ('problem' in found) throw new SeclabError('LINUX_NODE_UNUSABLE', `SECLAB_LINUX_NODE=${chosen} cannot be the lab images' Node: ${found.problem}`);
    if (facts.engineArch && found.arch !== facts.engineArch) {
      throw new SeclabError('LINUX_NODE_UNUSABLE', `SECLAB_LINUX_NODE=${chosen} is a Node for ${found.arch}, but the engine runs ${facts.engineArch}: name the ${facts.engineArch} build`);
    }
    return { kind: 'binary', from: 'SECLAB_LINUX_NODE', binary: chosen, description: `${chosen} (SECLAB_LINUX_NODE)` };
  }

  const engineRunsHostArch = !facts.engineArch || facts.engineArch === facts.hostArch;
  if (!facts.electron && engineRunsHostArch) {
    return { kind: 'binary', from: 'this-node', binary: facts.execPath, description: `${facts.execPath} (the Node running seclab)` };
  }

  const wanted = facts.engineArch ?? linuxArchOf(facts.hostArch);
  if (wanted) {
    for (const folder of facts.resourceFolders) {
      const candidate = bundledLinuxNodePath(folder, wanted);
      const found = linuxExecutableArch(candidate);
      if ('arch' in found && found.arch === wanted) {
        return { kind: 'binary', from: 'app-resources', binary: candidate, description: `${candidate} (shipped with the app)` };
      }
    }
  }

  const why = facts.electron ? 'the desktop app runs on Electron, which is no Node' : `the Node running seclab is for ${facts.hostArch}, the engine runs ${facts.engineArch}`;
  throw new SeclabError('LINUX_NODE_MISSING', `the lab images and probes need a Linux Node for ${engineArchText(facts.engineArch)} and none was found (${why}): ${fixes(facts)}`);
}

let appResourcesFolder: string | undefined;

/** The desktop app says where its resources are (process.resourcesPath); the CLI has none. */
export function useAppResources(folder: string | undefined): void {
  appResourcesFolder = folder || undefined;
}

/** Where scripts/fetch-linux-node.mjs leaves its Node in a source checkout, and where the packaged app has it. */
function resourceFoldersHere(): string[] {
  const folders = appResourcesFolder ? [appResourcesFolder] : [];
  try {
    folders.push(join(installRoot(), 'out'));
  } catch {
    // No install root (a bundle run elsewhere): the app's resources only.
  }
  return folders;
}

export function linuxNodeFactsHere(engineArch: LinuxArch | undefined): LinuxNodeFacts {
  return {
    env: process.env,
    hostPlatform: process.platform,
    hostArch: process.arch,
    electron: process.versions.electron,
    execPath: process.execPath,
    resourceFolders: resourceFoldersHere(),
    engineArch,
  };
}
