import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registryBaseDockerfile, registryBaseTag } from './registry-node-base.ts';
import { bundledLinuxNodePath, linuxArchOf, linuxExecutableArch, REGISTRY_NODE_IMAGE, resolveLinuxNode, type LinuxArch, type LinuxNodeFacts } from './linux-node-source.ts';

const folder = mkdtempSync(join(tmpdir(), 'seclab-linux-node-'));

/** The first bytes of a 64-bit little-endian ELF executable for `arch` (all linuxExecutableArch reads). */
function fakeElf(path: string, arch: LinuxArch | 'riscv'): string {
  const head = Buffer.alloc(64);
  head.write('\x7fELF', 0, 'latin1');
  head[4] = 2;
  head[5] = 1;
  head.writeUInt16LE(2, 16);
  head.writeUInt16LE({ x64: 62, arm64: 183, riscv: 243 }[arch], 18);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, head, { mode: 0o755 });
  return path;
}

const explicitX64 = fakeElf(join(folder, 'explicit/node'), 'x64');
const explicitArm = fakeElf(join(folder, 'explicit-arm/node'), 'arm64');
const resources = join(folder, 'resources');
fakeElf(bundledLinuxNodePath(resources, 'x64'), 'x64');
fakeElf(bundledLinuxNodePath(resources, 'arm64'), 'arm64');
const emptyResources = join(folder, 'no-resources');

const facts = (over: Partial<LinuxNodeFacts> = {}): LinuxNodeFacts => ({
  env: {},
  hostPlatform: 'linux',
  hostArch: 'x64',
  electron: undefined,
  execPath: '/usr/bin/node',
  resourceFolders: [resources],
  engineArch: 'x64',
  ...over,
});

describe('the Linux Node of the lab images and probes', () => {
  it('reads docker info Architecture in Node words', () => {
    expect(linuxArchOf('x86_64')).toBe('x64');
    expect(linuxArchOf('amd64')).toBe('x64');
    expect(linuxArchOf('aarch64')).toBe('arm64');
    expect(linuxArchOf('arm64')).toBe('arm64');
    expect(linuxArchOf('s390x')).toBeUndefined();
    expect(linuxArchOf(undefined)).toBeUndefined();
  });

  it('tells a Linux executable and its processor from its ELF header', () => {
    expect(linuxExecutableArch(process.platform === 'linux' ? process.execPath : explicitX64)).toEqual({ arch: process.platform === 'linux' ? linuxArchOf(process.arch) : 'x64' });
    expect(linuxExecutableArch(explicitArm)).toEqual({ arch: 'arm64' });
    expect(linuxExecutableArch(fakeElf(join(folder, 'riscv/node'), 'riscv'))).toEqual({ problem: expect.stringMatching(/another processor/) });
    const script = join(folder, 'script');
    writeFileSync(script, '#!/bin/sh\n');
    expect(linuxExecutableArch(script)).toEqual({ problem: expect.stringMatching(/not a Linux executable/) });
    expect(linuxExecutableArch(join(folder, 'absent'))).toEqual({ problem: 'there is no such file' });
    expect(linuxExecutableArch(folder)).toEqual({ problem: 'it is not a file' });
  });

  it('1. SECLAB_LINUX_NODE wins over the running Node and the app resources', () => {
    expect(resolveLinuxNode(facts({ env: { SECLAB_LINUX_NODE: explicitX64 } }))).toMatchObject({ kind: 'binary', from: 'SECLAB_LINUX_NODE', binary: explicitX64 });
    expect(resolveLinuxNode(facts({ env: { SECLAB_LINUX_NODE: explicitX64 }, electron: '38.0.0' }))).toMatchObject({ from: 'SECLAB_LINUX_NODE' });
  });

  it('1. refuses a SECLAB_LINUX_NODE that is no Linux Node for the engine, instead of falling through', () => {
    expect(() => resolveLinuxNode(facts({ env: { SECLAB_LINUX_NODE: join(folder, 'absent') } }))).toThrow(/SECLAB_LINUX_NODE=.*absent cannot be the lab images' Node: there is no such file/);
    expect(() => resolveLinuxNode(facts({ env: { SECLAB_LINUX_NODE: explicitArm } }))).toThrow(/is a Node for arm64, but the engine runs x64/);
    expect(() => resolveLinuxNode(facts({ env: { SECLAB_LINUX_NODE: explicitArm } }))).toThrow(expect.objectContaining({ code: 'LINUX_NODE_UNUSABLE' }));
  });

  it('2. the running Node when seclab runs on Node on Linux and the engine runs its architecture', () => {
    expect(resolveLinuxNode(facts())).toMatchObject({ kind: 'binary', from: 'this-node', binary: '/usr/bin/node' });
    // An engine that does not say its architecture: today's behaviour.
    expect(resolveLinuxNode(facts({ engineArch: undefined }))).toMatchObject({ from: 'this-node' });
  });

  it('3. the app-shipped Node when the process is Electron, or the engine runs another architecture', () => {
    expect(resolveLinuxNode(facts({ electron: '38.0.0' }))).toMatchObject({ kind: 'binary', from: 'app-resources', binary: bundledLinuxNodePath(resources, 'x64') });
    expect(resolveLinuxNode(facts({ engineArch: 'arm64' }))).toMatchObject({ from: 'app-resources', binary: bundledLinuxNodePath(resources, 'arm64') });
    // The first folder that has it: the packaged app's resources, then out/ of a source checkout.
    expect(resolveLinuxNode(facts({ electron: '38.0.0', resourceFolders: [emptyResources, resources] }))).toMatchObject({ binary: bundledLinuxNodePath(resources, 'x64') });
  });

  it('4. none of them: an error naming the three ways, not a crash', () => {
    const attempt = () => resolveLinuxNode(facts({ electron: '38.0.0', resourceFolders: [emptyResources] }));
    expect(attempt).toThrow(expect.objectContaining({ code: 'LINUX_NODE_MISSING' }));
    expect(attempt).toThrow(/the desktop app runs on Electron, which is no Node/);
    expect(attempt).toThrow(/set SECLAB_LINUX_NODE to a Linux Node binary for the engine's x64/);
    expect(attempt).toThrow(/run seclab from Node on this Linux machine/);
    expect(attempt).toThrow(/npm run dist puts it in resources\/linux-node\/x64\/node/);
    expect(() => resolveLinuxNode(facts({ engineArch: 'arm64', resourceFolders: [emptyResources] }))).toThrow(/the Node running seclab is for x64, the engine runs arm64/);
  });

  it('on macOS and Windows: the registry Node image, since no Linux C library is here to copy', () => {
    for (const hostPlatform of ['darwin', 'win32'] as const) {
      expect(resolveLinuxNode(facts({ hostPlatform, electron: '38.0.0' }))).toMatchObject({ kind: 'registry', image: REGISTRY_NODE_IMAGE });
    }
    expect(REGISTRY_NODE_IMAGE).toBe('node:20-bookworm-slim');
    expect(() => resolveLinuxNode(facts({ hostPlatform: 'darwin', env: { SECLAB_LINUX_NODE: explicitX64 } }))).toThrow(/on macOS there is no Linux C library to put beside it/);
  });
});

describe('the base made from the registry (macOS, Windows)', () => {
  it('adds to node:20-bookworm-slim the tools of the layer it lacks, and is named by its recipe', () => {
    const dockerfile = registryBaseDockerfile(REGISTRY_NODE_IMAGE);
    expect(dockerfile).toMatch(/^FROM node:20-bookworm-slim\n/);
    // bookworm-slim has the rest of HOST_TOOLS (bash, sh, grep, find, coreutils); the lab's healthchecks call curl.
    expect(dockerfile).toMatch(/apt-get install -y --no-install-recommends curl unzip/);
    expect(registryBaseTag(REGISTRY_NODE_IMAGE)).toMatch(/^seclab-emulator\/base:registry-[0-9a-f]{16}$/);
    expect(registryBaseTag('node:22-bookworm-slim')).not.toBe(registryBaseTag(REGISTRY_NODE_IMAGE));
  });
});
