import { describe, expect, it } from 'vitest';
import { detectEnginePlatform, sharesHostKernel, type EnginePlatform } from './engine-platform.ts';
import { containerLimitsFix, maxMapCountFix, raiseFileLimitFix } from './platform-fixes.ts';

const DOCKER_COMPONENTS = ['Engine', 'containerd', 'runc', 'docker-init'];
const PODMAN_COMPONENTS = ['Podman Engine', 'Conmon', 'OCI Runtime (crun)'];

/** What engines report in /info (OperatingSystem, KernelVersion) and /version (Components), as seen from which host. */
const fixtures: Array<{ name: string; operatingSystem: string; kernelVersion: string; components: string[]; hostPlatform: NodeJS.Platform; engineIsLocal?: boolean; platform: EnginePlatform }> = [
  { name: "Docker Engine on this machine's Debian", operatingSystem: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.1.0-18-amd64', components: DOCKER_COMPONENTS, hostPlatform: 'linux', platform: 'linux' },
  { name: 'Docker Desktop on macOS', operatingSystem: 'Docker Desktop', kernelVersion: '6.10.14-linuxkit', components: DOCKER_COMPONENTS, hostPlatform: 'darwin', platform: 'docker-desktop-mac' },
  {
    name: 'Docker Desktop on Windows, WSL 2 backend',
    operatingSystem: 'Docker Desktop',
    kernelVersion: '5.15.167.4-microsoft-standard-WSL2',
    components: DOCKER_COMPONENTS,
    hostPlatform: 'win32',
    platform: 'docker-desktop-wsl2',
  },
  { name: 'Docker Desktop on Windows, Hyper-V backend', operatingSystem: 'Docker Desktop', kernelVersion: '6.10.14-linuxkit', components: DOCKER_COMPONENTS, hostPlatform: 'win32', platform: 'docker-desktop-hyperv' },
  { name: 'Docker Desktop for Linux', operatingSystem: 'Docker Desktop', kernelVersion: '6.10.14-linuxkit', components: DOCKER_COMPONENTS, hostPlatform: 'linux', platform: 'docker-desktop-linux' },
  { name: 'Podman machine on macOS', operatingSystem: 'fedora', kernelVersion: '6.12.7-200.fc41.aarch64', components: PODMAN_COMPONENTS, hostPlatform: 'darwin', platform: 'podman-machine' },
  { name: 'Podman machine on Windows (WSL)', operatingSystem: 'fedora', kernelVersion: '5.15.167.4-microsoft-standard-WSL2', components: PODMAN_COMPONENTS, hostPlatform: 'win32', platform: 'podman-machine' },
  { name: 'Podman installed on Fedora', operatingSystem: 'fedora', kernelVersion: '6.12.7-200.fc41.x86_64', components: PODMAN_COMPONENTS, hostPlatform: 'linux', platform: 'linux' },
  { name: 'Docker Engine inside a WSL 2 distribution', operatingSystem: 'Ubuntu 24.04.1 LTS', kernelVersion: '5.15.167.4-microsoft-standard-WSL2', components: DOCKER_COMPONENTS, hostPlatform: 'linux', platform: 'wsl2' },
  { name: 'Colima on macOS', operatingSystem: 'Ubuntu 24.04.1 LTS', kernelVersion: '6.8.0-50-generic', components: DOCKER_COMPONENTS, hostPlatform: 'darwin', platform: 'vm' },
  {
    name: 'a remote engine (DOCKER_HOST=tcp://…)',
    operatingSystem: 'Ubuntu 22.04.4 LTS',
    kernelVersion: '5.15.0-105-generic',
    components: DOCKER_COMPONENTS,
    hostPlatform: 'linux',
    engineIsLocal: false,
    platform: 'remote',
  },
];

describe("where the engine's kernel runs, from its own description", () => {
  it.each(fixtures)('$name is $platform', ({ operatingSystem, kernelVersion, components, hostPlatform, engineIsLocal, platform }) => {
    expect(detectEnginePlatform({ engine: { operatingSystem, kernelVersion, components }, hostPlatform, engineIsLocal: engineIsLocal ?? true })).toBe(platform);
  });

  it("lets this machine's /proc stand in only where it is the engine's kernel", () => {
    expect(sharesHostKernel('linux', 'linux')).toBe(true);
    expect(sharesHostKernel('wsl2', 'linux')).toBe(true);
    for (const platform of ['docker-desktop-linux', 'docker-desktop-mac', 'podman-machine', 'vm', 'remote'] as const) expect(sharesHostKernel(platform, 'linux')).toBe(false);
    expect(sharesHostKernel('docker-desktop-mac', 'darwin')).toBe(false);
  });
});

describe('the fix for vm.max_map_count names where to set it', () => {
  it('Linux: sysctl -w now, /etc/sysctl.d to keep it', () => {
    expect(maxMapCountFix('linux')).toBe('sudo sysctl -w vm.max_map_count=262144, and to keep it after a reboot: echo vm.max_map_count=262144 | sudo tee /etc/sysctl.d/99-elasticsearch.conf.');
    expect(maxMapCountFix('remote')).toMatch(/^On the engine's host: sudo sysctl -w vm.max_map_count=262144/);
  });

  it("Docker Desktop's VM: its own default, or a privileged container until it restarts", () => {
    for (const platform of ['docker-desktop-mac', 'docker-desktop-linux', 'docker-desktop-hyperv'] as const) {
      expect(maxMapCountFix(platform)).toMatch(/update Docker Desktop \(current versions set 262144\).*docker run --rm --privileged alpine sysctl -w vm.max_map_count=262144/);
    }
  });

  it('WSL 2: sysctl in the docker-desktop distribution, kernelCommandLine in .wslconfig to keep it', () => {
    expect(maxMapCountFix('docker-desktop-wsl2')).toBe(
      'Docker Desktop on WSL 2: wsl -d docker-desktop -u root sysctl -w vm.max_map_count=262144 (until Docker Desktop restarts); ' +
        'to keep it, add kernelCommandLine = "sysctl.vm.max_map_count=262144" under [wsl2] in %USERPROFILE%\\.wslconfig, then wsl --shutdown.',
    );
    expect(maxMapCountFix('wsl2')).toMatch(/^Inside the WSL 2 distribution that runs the engine: sudo sysctl -w vm.max_map_count=262144; .*kernelCommandLine/);
  });

  it('Podman machine: podman machine ssh', () => {
    expect(maxMapCountFix('podman-machine')).toMatch(/^Podman machine: podman machine ssh sudo sysctl -w vm.max_map_count=262144, and to keep it: podman machine ssh .*\/etc\/sysctl.d\/99-elasticsearch.conf/);
  });
});

describe('the fix for capped ulimits names where to raise them', () => {
  it('dockerd flags and docker.service on Linux, Docker Desktop settings on Docker Desktop, containers.conf on a Podman machine', () => {
    expect(raiseFileLimitFix('linux')).toMatch(/^dockerd --default-ulimit nofile=65535:65535 .*LimitNOFILE=1048576 in docker.service/);
    expect(raiseFileLimitFix('docker-desktop-mac')).toMatch(/^in Docker Desktop's Settings → Docker Engine, "default-ulimits"/);
    expect(raiseFileLimitFix('podman-machine')).toMatch(/^podman machine ssh, then default_ulimits = \["nofile=65535:65535"\] in containers.conf/);
    expect(containerLimitsFix('docker-desktop-wsl2')).toMatch(/Settings → Docker Engine.*"memlock"/);
    expect(containerLimitsFix('linux')).toMatch(/LimitMEMLOCK=infinity and LimitNOFILE=1048576 in docker.service/);
  });
});
