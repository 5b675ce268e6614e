import type { EngineVersion } from '../docker/docker-engine.ts';

/**
 * Where the engine's Linux kernel runs, which decides whose vm.max_map_count and ulimits count
 * and how a person changes them:
 * - `linux`: this Linux machine's own kernel (Docker Engine or Podman installed here);
 * - `docker-desktop-mac`, `docker-desktop-linux`, `docker-desktop-hyperv`: Docker Desktop's LinuxKit VM;
 * - `docker-desktop-wsl2`: Docker Desktop's WSL 2 backend (the docker-desktop distribution);
 * - `wsl2`: an engine installed in a WSL 2 distribution (all distributions share one kernel);
 * - `podman-machine`: `podman machine` on macOS or Windows;
 * - `vm`: some other VM on this machine (Colima, Rancher Desktop, OrbStack, Lima…);
 * - `remote`: an engine on another machine (DOCKER_HOST tcp:// or ssh://).
 */
export type EnginePlatform = 'linux' | 'docker-desktop-mac' | 'docker-desktop-linux' | 'docker-desktop-hyperv' | 'docker-desktop-wsl2' | 'wsl2' | 'podman-machine' | 'vm' | 'remote';

export interface EnginePlatformFacts {
  engine: Pick<EngineVersion, 'operatingSystem' | 'kernelVersion' | 'components'>;
  /** process.platform of the machine seclab runs on. */
  hostPlatform: NodeJS.Platform;
  /** Whether the engine answers on this machine (a unix socket or named pipe, not tcp:// or ssh://). */
  engineIsLocal: boolean;
}

/**
 * Read from the engine's own description: Docker Desktop reports OperatingSystem "Docker Desktop"
 * and a LinuxKit or WSL 2 kernel; Podman's compat API lists a "Podman Engine" component in /version
 * (podman pkg/api/handlers/compat/version.go) and the VM's distribution as OperatingSystem
 * (compat/info.go), so a Podman machine is a Podman engine answering a macOS or Windows host.
 */
export function detectEnginePlatform({ engine, hostPlatform, engineIsLocal }: EnginePlatformFacts): EnginePlatform {
  const wslKernel = /microsoft|wsl2/i.test(engine.kernelVersion);
  if (/docker desktop/i.test(engine.operatingSystem)) {
    if (hostPlatform === 'win32') return wslKernel ? 'docker-desktop-wsl2' : 'docker-desktop-hyperv';
    return hostPlatform === 'linux' ? 'docker-desktop-linux' : 'docker-desktop-mac';
  }
  if (!engineIsLocal) return 'remote';
  if (engine.components.includes('Podman Engine') && hostPlatform !== 'linux') return 'podman-machine';
  if (wslKernel) return 'wsl2';
  return hostPlatform === 'linux' ? 'linux' : 'vm';
}

/** Whether this machine's /proc/sys shows the engine's kernel: only then may a value read here stand in for the engine's. */
export function sharesHostKernel(platform: EnginePlatform, hostPlatform: NodeJS.Platform): boolean {
  return hostPlatform === 'linux' && (platform === 'linux' || platform === 'wsl2');
}
