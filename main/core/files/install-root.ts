import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'secure-cluster-lab';

/**
 * The folder that holds package.json, resources/ and emulator/: the source checkout, the npm
 * package, or, in the installed desktop app, its app.asar archive (Electron reads inside it as a
 * folder). Found by walking up from this module, which sits at different depths in the sources
 * (main/core/files/) and in the Electron bundle (out/electron/main.cjs).
 */
export function installRoot(from = fileURLToPath(import.meta.url)): string {
  for (let folder = dirname(from); ; folder = dirname(folder)) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return folder;
    if (dirname(folder) === folder) throw new Error(`seclab cannot find its own files: no ${PACKAGE_NAME} package.json above ${from}`);
  }
}

/**
 * Where a program other than Electron (esbuild is a Go binary; the OS runs executables only from
 * real files) finds a file of the app: electron-builder's asarUnpack copies keep their path under
 * app.asar.unpacked. Outside an archive the path is unchanged.
 */
export function outsideArchive(path: string): string {
  return path.replace(`${sep}app.asar${sep}`, `${sep}app.asar.unpacked${sep}`);
}

/** A source file that esbuild bundles at run time (emulator programs, probes), by its path in the repository. */
export function bundledAtRunTime(relativePath: string): string {
  return outsideArchive(join(installRoot(), ...relativePath.split('/')));
}
