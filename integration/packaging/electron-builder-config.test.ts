import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const config = parse(readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8'));

describe('electron-builder.yml', () => {
  it('names the app and packages for every desktop', () => {
    expect(config).toMatchObject({ appId: 'dev.seclab.desktop', productName: 'Secure Cluster Lab', asar: true, npmRebuild: false });
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
  });
  it('turns off the fuses an attacker would use', () => {
    expect(config.electronFuses).toMatchObject({ runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false, onlyLoadAppFromAsar: true });
  });
  it('ships the built app, not sources, tests or secrets', () => {
    expect(config.files).toEqual(expect.arrayContaining(['out/electron/**', 'out/renderer/**', '!**/*.map', '!{.env,.env.*,.npmrc,pnpm-lock.yaml,package-lock.json}']));
    expect(config.files.some((pattern: string) => pattern.startsWith('!{common,main,preload,renderer'))).toBe(true);
  });
});
