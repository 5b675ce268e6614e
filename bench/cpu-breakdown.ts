import type { DockerEngine } from '../main/core/docker/docker-engine.ts';

/**
 * Where a run's CPU went, beside the machine's total: the lab's containers at the end of the run (the
 * products, their healthchecks and the standing probes, as the engine accounts them in each container's
 * cgroup), this process (seclab's orchestration, its worker threads included), and the rest: on a
 * machine that runs nothing else, the engine (dockerd, containerd, its shims, runc, the hooks and
 * iptables it runs), the kernel's work for it, and the one-shot helpers (keystore tools), which are
 * gone by the end. Machine-wide, so anything else running at the time lands in the rest too.
 */
export interface CpuBreakdown {
  containersMs: number;
  seclabProcessMs: number;
  engineAndRestMs: number;
}

/** The lab's containers' CPU so far (ns), by id, from the engine's stats (one-shot: no second sample). */
export async function containerCpuNs(engine: DockerEngine, lab: string): Promise<Map<string, number>> {
  const { containers } = await engine.labObjects(lab);
  const usage = await Promise.all(
    containers.map(async (container) => {
      const stats = (await engine.docker
        .getContainer(container.id)
        .stats({ stream: false, 'one-shot': true } as { stream: false })
        .catch(() => undefined)) as { cpu_stats?: { cpu_usage?: { total_usage?: number } } } | undefined;
      return [container.id, stats?.cpu_stats?.cpu_usage?.total_usage ?? 0] as const;
    }),
  );
  return new Map(usage);
}

/**
 * A run's breakdown, from its containers' CPU before it (containerCpuNs) and this process's CPU at its
 * start and end. A container removed during the run (reset's old lab) is missed for the time it still
 * ran: its shutdown, a small part. `machineMs` is the machine's CPU over the run (bench/run.ts).
 */
export async function cpuBreakdownSince(
  engine: DockerEngine,
  lab: string,
  run: { containersBefore: Map<string, number>; processBefore: NodeJS.CpuUsage; processAfter: NodeJS.CpuUsage; machineMs: number },
): Promise<CpuBreakdown> {
  const now = await containerCpuNs(engine, lab);
  let containersNs = 0;
  for (const [id, used] of now) containersNs += used - (run.containersBefore.get(id) ?? 0);
  const containersMs = Math.round(containersNs / 1e6);
  const { processBefore, processAfter, machineMs } = run;
  const seclabProcessMs = Math.round((processAfter.user - processBefore.user + processAfter.system - processBefore.system) / 1000);
  return { containersMs, seclabProcessMs, engineAndRestMs: Math.max(0, machineMs - containersMs - seclabProcessMs) };
}
