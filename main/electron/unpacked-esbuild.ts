import { outsideArchive } from '../core/files/install-root.ts';

/**
 * In the installed app esbuild's binary lies in app.asar.unpacked (electron-builder.yml, asarUnpack),
 * but esbuild looks for it beside its own module, inside app.asar, where the OS cannot run it.
 * esbuild reads ESBUILD_BINARY_PATH when it loads, so main.ts imports this module first.
 */
if (__dirname.includes('app.asar')) {
  const binary = process.platform === 'win32' ? 'esbuild.exe' : 'bin/esbuild';
  process.env.ESBUILD_BINARY_PATH ??= outsideArchive(require.resolve(`@esbuild/${process.platform}-${process.arch}/${binary}`));
}
