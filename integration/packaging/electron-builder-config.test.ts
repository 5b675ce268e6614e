import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, matchesGlob, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Packager, Platform } from 'electron-builder';
import * as esbuild from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { EMULATED_PRODUCTS } from '../../main/core/emulator-images/build-emulator-images.ts';
import { bundledLinuxNodePath } from '../../main/core/emulator-images/linux-node-source.ts';
// @ts-expect-error: a plain .mjs build script, no types.
import { LINUX_ARCHES } from '../../scripts/fetch-linux-node.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const config = parse(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8'));

/** What `electron-builder --<platform>` does before it packages anything: load the config, check package.json, validate against scheme.json. */
async function validatedConfigFor(platform: Platform, override?: object) {
  const packager = new Packager({ projectDir: ROOT, targets: platform.createTarget(), ...(override ? { config: { extends: join(ROOT, 'electron-builder.yml'), ...override } } : {}) });
  await packager.validateConfig();
  return packager.config;
}

const repoFiles = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (['node_modules', '.git'].includes(entry.name)) return [];
    return entry.isDirectory() ? repoFiles(path) : [path];
  });

describe('electron-builder.yml', () => {
  it.each([
    ['mac', ['dmg']],
    ['win', ['nsis']],
    ['linux', ['AppImage', 'deb']],
  ] as const)("validates with electron-builder's own schema for %s, whose targets are %j", async (key, targets) => {
    const validated = await validatedConfigFor(Platform.fromString(key));
    expect(validated[key]?.target).toEqual(targets);
    expect(validated).toMatchObject({ appId: 'dev.seclab.desktop', productName: 'Secure Cluster Lab', asar: true, npmRebuild: false });
  });

  it('the validation is real: an option electron-builder does not know is refused', async () => {
    await expect(validatedConfigFor(Platform.LINUX, { linux: { target: ['deb'], notAnOption: true } })).rejects.toThrow(/Invalid configuration object[\s\S]*configuration\.linux/);
  });

  it('ships the Linux Node of the lab images with the Linux package only, from where scripts/fetch-linux-node.mjs puts it to where linux-node-source.ts looks', async () => {
    const validated = await validatedConfigFor(Platform.LINUX);
    expect(validated.linux?.extraResources).toEqual([{ from: 'out/linux-node/${arch}', to: 'linux-node/${arch}' }]);
    for (const key of ['mac', 'win'] as const) expect(validated[key]?.extraResources, key).toBeUndefined();
    expect(validated.extraResources).toBeUndefined();
    for (const arch of LINUX_ARCHES) {
      const expand = (path: string) => path.replace('${arch}', arch);
      // The script writes <out>/<arch>/node with out = out/linux-node; the app finds <resources>/linux-node/<arch>/node.
      expect(join(ROOT, expand('out/linux-node/${arch}'), 'node')).toBe(join(ROOT, 'out', 'linux-node', arch, 'node'));
      expect(join('/resources', expand('linux-node/${arch}'), 'node')).toBe(bundledLinuxNodePath('/resources', arch));
    }
    expect(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.dist).toMatch(/node scripts\/fetch-linux-node\.mjs && electron-builder/);
  });

  it('turns off the fuses an attacker would use', () => {
    expect(config.electronFuses).toMatchObject({ runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false, onlyLoadAppFromAsar: true });
  });

  describe('ships what the app reads at run time, and no tests, lock files or secrets', () => {
    let files: string[];
    beforeAll(() => {
      execFileSync(process.execPath, [join(ROOT, 'scripts/build-electron.mjs')], { cwd: ROOT, stdio: 'pipe' });
      files = repoFiles('');
    });
    const includes = () => (config.files as string[]).filter((pattern) => !pattern.startsWith('!'));
    const excludes = () => (config.files as string[]).filter((pattern) => pattern.startsWith('!')).map((pattern) => pattern.slice(1));
    const shipped = (file: string) => includes().some((pattern) => matchesGlob(file, pattern) || file.startsWith(`${pattern.replace(/\/\*\*$/, '')}/`)) && !excludes().some((pattern) => matchesGlob(file, pattern));

    it('every pattern it lists matches files (the renderer once npm run build:renderer has run)', () => {
      for (const pattern of includes()) {
        if (pattern === 'out/renderer/**' && !existsSync(join(ROOT, 'out/renderer/index.html'))) continue;
        expect(
          files.some((file) => matchesGlob(file, pattern)),
          pattern,
        ).toBe(true);
      }
    });

    it('the bundle, lessons, icon and the sources esbuild bundles at run time are in; tests and package-lock.json are out', () => {
      for (const file of [
        'package.json',
        'out/electron/main.cjs',
        'out/electron/preload.cjs',
        'resources/icon.png',
        'resources/lessons/host-files.md',
        'emulator/elasticsearch/main.ts',
        'main/core/verification/probes/in-network-probe.ts',
        'main/core/workshop/demonstrations/demonstration-probe.ts',
      ]) {
        expect(shipped(file), file).toBe(true);
      }
      for (const file of ['emulator/kibana/config.test.ts', 'package-lock.json', 'main/core/lab-handlers.ts', 'renderer/index.html', 'main/core/files/__fixtures__/icacls-private.txt']) {
        expect(shipped(file), file).toBe(false);
      }
    });

    it('everything esbuild reads when it bundles the emulator programs and probes is unpacked from app.asar, dependencies included', async () => {
      const entries = ['main/core/verification/probes/in-network-probe.ts', 'main/core/workshop/demonstrations/demonstration-probe.ts'];
      for (const product of EMULATED_PRODUCTS) {
        const manifest = Object.values(await import(`../../emulator/${product}/image.ts`))[0] as { programs: Record<string, string> };
        entries.push(...Object.values(manifest.programs));
      }
      const { metafile } = await esbuild.build({
        entryPoints: entries.map((entry) => join(ROOT, entry)),
        bundle: true,
        platform: 'node',
        format: 'esm',
        write: false,
        metafile: true,
        outdir: 'unused',
        logLevel: 'silent',
      });
      const inputs = Object.keys(metafile.inputs).map((input) => relative(ROOT, join(ROOT, input)).split(sep).join('/'));
      expect(inputs.some((input) => input.startsWith('node_modules/'))).toBe(true);
      const unpacked = (file: string) => (config.asarUnpack as string[]).some((pattern) => matchesGlob(file, pattern));
      expect(inputs.filter((input) => !unpacked(input))).toEqual([]);
      expect(inputs.filter((input) => !input.startsWith('node_modules/') && !shipped(input))).toEqual([]);
      const esbuildBinary = relative(ROOT, fileURLToPath(import.meta.resolve(`@esbuild/${process.platform}-${process.arch}/package.json`)))
        .split(sep)
        .join('/');
      expect(unpacked(esbuildBinary)).toBe(true);
    }, 60_000);
  });
});
