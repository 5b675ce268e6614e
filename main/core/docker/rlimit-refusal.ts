/** Linux's resource numbers (asm-generic/resource.h) for the limits a lab container may be given. */
const RLIMIT_NAMES: Record<string, string> = { '6': 'nproc', '7': 'nofile', '8': 'memlock' };

/**
 * What runc's refusal to set a container's limit means, in the product's words, or undefined for any
 * other error. runc says "error setting rlimit type 7: operation not permitted" when the engine may not
 * raise a limit that high (no CAP_SYS_RESOURCE: inside a container, LXC, a sandbox). On Podman 4.3
 * that also hits containers that ask for nothing: it gives each one nofile and nproc 1048576 unless
 * told (podman pkg/specgen/generate/oci.go, addRlimits; later releases clamp them to its own limits).
 */
export function rlimitRefusal(message: string, container: string, podman: boolean): string | undefined {
  const type = /error setting rlimit type (\d+): operation not permitted/.exec(message)?.[1];
  if (!type) return undefined;
  const name = RLIMIT_NAMES[type] ?? `type ${type}`;
  const fix = podman
    ? `this Podman gives every container nofile and nproc 1048576 unless told and may not raise them: set default_ulimits = ["nofile=N:N", "nproc=N:N"] in containers.conf (CONTAINERS_CONF for \`podman system service\`) at or below the service's own hard limits (cat /proc/<its pid>/limits), restart the service and run the command again`
    : `raise the engine's own limits (dockerd --default-ulimit, or LimitNOFILE in docker.service), or run the command again so seclab measures them anew`;
  return `the engine may not give ${container} the ${name} limit it was created with (runc: operation not permitted): ${fix}`;
}
