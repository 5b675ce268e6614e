import type { EnginePlatform } from './engine-platform.ts';

/** Elasticsearch's bootstrap check (BootstrapChecks.MaxMapCountCheck) refuses less in production mode. */
export const REQUIRED_MAX_MAP_COUNT = 262144;

const SET_MAP_COUNT = `sysctl -w vm.max_map_count=${REQUIRED_MAX_MAP_COUNT}`;
const LINUX_MAP_COUNT = `sudo ${SET_MAP_COUNT}, and to keep it after a reboot: echo vm.max_map_count=${REQUIRED_MAX_MAP_COUNT} | sudo tee /etc/sysctl.d/99-elasticsearch.conf`;
// A privileged container writes the VM kernel's sysctl (vm.* is not namespaced); it lasts until the VM restarts.
const PRIVILEGED_CONTAINER = `docker run --rm --privileged alpine ${SET_MAP_COUNT}`;
const WSL_CONFIG = `to keep it, add kernelCommandLine = "sysctl.vm.max_map_count=${REQUIRED_MAX_MAP_COUNT}" under [wsl2] in %USERPROFILE%\\.wslconfig, then wsl --shutdown`;

/**
 * How to raise vm.max_map_count where the engine's kernel runs. Per platform as Elastic documents it
 * (docs-content deploy-manage/deploy/self-managed/install-elasticsearch-docker-prod.md, "Set
 * vm.max_map_count to at least 262144"; elastic.co/docs/deploy-manage/deploy/self-managed/vm-max-map-count),
 * except for Docker Desktop on macOS, whose xhyve tty and docker-machine steps no longer exist:
 * its VM sets 262144 itself since 4.26 (4.25 lowered it to 65530, docker/for-mac#7047).
 */
export function maxMapCountFix(platform: EnginePlatform): string {
  switch (platform) {
    case 'linux':
      return `${LINUX_MAP_COUNT}.`;
    case 'remote':
      return `On the engine's host: ${LINUX_MAP_COUNT}.`;
    case 'docker-desktop-mac':
    case 'docker-desktop-linux':
    case 'docker-desktop-hyperv':
      return `Docker Desktop's VM: update Docker Desktop (current versions set ${REQUIRED_MAX_MAP_COUNT}), or until Docker Desktop restarts: ${PRIVILEGED_CONTAINER}.`;
    case 'docker-desktop-wsl2':
      return `Docker Desktop on WSL 2: wsl -d docker-desktop -u root ${SET_MAP_COUNT} (until Docker Desktop restarts); ${WSL_CONFIG}.`;
    case 'wsl2':
      return `Inside the WSL 2 distribution that runs the engine: sudo ${SET_MAP_COUNT}; ${WSL_CONFIG}.`;
    case 'podman-machine':
      return `Podman machine: podman machine ssh sudo ${SET_MAP_COUNT}, and to keep it: podman machine ssh "echo vm.max_map_count=${REQUIRED_MAX_MAP_COUNT} | sudo tee /etc/sysctl.d/99-elasticsearch.conf".`;
    case 'vm':
      return `The engine runs in a VM (Colima, Rancher Desktop, OrbStack…): inside it, sudo ${SET_MAP_COUNT}; or until it restarts: ${PRIVILEGED_CONTAINER}.`;
  }
}

const FILE_LIMIT = 65535;
const DOCKERD_LIMITS =
  `dockerd --default-ulimit nofile=${FILE_LIMIT}:${FILE_LIMIT} (or "default-ulimits" in /etc/docker/daemon.json), ` + `or LimitNOFILE=1048576 in docker.service (systemctl edit docker), then restart Docker`;
const DESKTOP_LIMITS = `in Docker Desktop's Settings → Docker Engine, "default-ulimits": {"nofile": {"Name": "nofile", "Soft": ${FILE_LIMIT}, "Hard": ${FILE_LIMIT}}}, then Apply & restart`;
const PODMAN_LIMITS = `default_ulimits = ["nofile=${FILE_LIMIT}:${FILE_LIMIT}"] in containers.conf (a rootless Podman is capped by its user's hard limit, /etc/security/limits.conf)`;

/** How to let containers have 65535 open files where the engine runs: the clause after "raise the engine's default ulimits: ". */
export function raiseFileLimitFix(platform: EnginePlatform): string {
  switch (platform) {
    case 'linux':
    case 'wsl2':
      return DOCKERD_LIMITS;
    case 'remote':
    case 'vm':
      return `on the engine's host, ${DOCKERD_LIMITS}`;
    case 'docker-desktop-mac':
    case 'docker-desktop-linux':
    case 'docker-desktop-hyperv':
    case 'docker-desktop-wsl2':
      return DESKTOP_LIMITS;
    case 'podman-machine':
      return `podman machine ssh, then ${PODMAN_LIMITS}`;
  }
}

/** Where memory locking and raised ulimits can be had: the sentence the memlock warning ends with. */
export function containerLimitsFix(platform: EnginePlatform): string {
  switch (platform) {
    case 'docker-desktop-mac':
    case 'docker-desktop-linux':
    case 'docker-desktop-hyperv':
    case 'docker-desktop-wsl2':
      return `For production-like settings, ${DESKTOP_LIMITS} (and "memlock": {"Name": "memlock", "Soft": -1, "Hard": -1}).`;
    case 'podman-machine':
      return `For production-like settings, podman machine ssh, then ${PODMAN_LIMITS}; memlock likewise.`;
    default:
      return 'For production-like settings run Docker where containers may raise ulimits (not rootless, not inside LXC), e.g. LimitMEMLOCK=infinity and LimitNOFILE=1048576 in docker.service.';
  }
}
