import type Docker from 'dockerode';

const NANOSECONDS_PER_MILLISECOND = 1e6;
/** Docker's and Podman's interval when a healthcheck names none (30 s). */
const DEFAULT_INTERVAL_MS = 30_000;
/** Docker's and Podman's healthcheck timeout when it names none (30 s). */
const DEFAULT_TIMEOUT_MS = 30_000;

/** Past the healthcheck's own timeout, a run seclab asks Podman for is given up (the container stays as it was). */
const HEALTHCHECK_RUN_GRACE_MS = 2_000;

/**
 * Whether a running container's healthcheck has gone unrun for two of its intervals. Podman runs
 * healthchecks from transient systemd timers (podman libpod/healthcheck_linux.go, createTimer);
 * with no systemd (cgroupfs, in a container, WSL without systemd) nothing runs them and the health
 * stays "starting" with an empty log for ever. Docker runs them itself, so on Docker this is never
 * true for long.
 */
export function healthcheckOverdue(info: Docker.ContainerInspectInfo, nowMs: number): boolean {
  const health = info.State?.Health as { Log?: Array<{ End?: string }> | null } | undefined;
  if (!info.State?.Running || !health || !info.Config?.Healthcheck?.Test?.length || info.Config.Healthcheck.Test[0] === 'NONE') return false;
  const intervalMs = (info.Config.Healthcheck.Interval ?? 0) / NANOSECONDS_PER_MILLISECOND || DEFAULT_INTERVAL_MS;
  const lastRun = (health.Log ?? []).reduce((latest, entry) => Math.max(latest, Date.parse(entry.End ?? '') || 0), 0);
  const since = lastRun || Date.parse(info.State.StartedAt) || 0;
  return nowMs - since > 2 * intervalMs;
}

/** How long a healthcheck run Podman is asked for may take: the check's own timeout (Docker's and Podman's default, 30 s, when it names none) and a grace. */
export function podmanHealthcheckDeadlineMs(info: Docker.ContainerInspectInfo): number {
  const timeoutMs = (info.Config?.Healthcheck?.Timeout ?? 0) / NANOSECONDS_PER_MILLISECOND || DEFAULT_TIMEOUT_MS;
  return timeoutMs + HEALTHCHECK_RUN_GRACE_MS;
}
