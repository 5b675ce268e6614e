import { COMPONENT_LABEL, KIND_LABEL, LAB_LABEL, type ComponentKind } from '../../../common/lab-plan.ts';
import type { ComponentStatus, LabState, LabStatus, LabSummary } from '../../../common/lab-status.ts';
import { SeclabError } from '../../../common/errors.ts';
import type { DockerEngine } from '../docker/docker-engine.ts';
import { listLabRecords, readLabRecord } from '../lab-store/lab-records.ts';
import { planLab } from '../planner/plan-lab.ts';
import { noticeOf, readWorkshopJournal } from '../workshop/workshop-journal.ts';
import { isOneShotHelper } from './one-shot-helpers.ts';
import { summaryOfStatus, summaryOfUnrecordedLab } from './lab-summary.ts';
import { labLockHolder } from '../lab-store/lab-lock.ts';

const KIND_ORDER: ComponentKind[] = ['elasticsearch', 'kibana', 'fleet-server', 'agent'];

/** The lab's own healthcheck (the plan gives every container one), as the engine last ran it. */
function healthOf(info: Awaited<ReturnType<DockerEngine['inspectContainer']>>): ComponentStatus['health'] {
  if (!info?.State.Running) return 'unhealthy';
  const status = info.State.Health?.Status;
  return status === 'healthy' || status === 'starting' || status === 'unhealthy' ? status : 'unknown';
}

/**
 * A lab as the engine shows it now: rediscovered from the `seclab.lab` labels and the lab's
 * record, so a new process (the CLI, the app after a restart) sees the same thing.
 */
export async function observeLab(engine: DockerEngine, home: string, lab: string): Promise<LabStatus> {
  const record = readLabRecord(home, lab);
  const objects = await engine.labObjects(lab);
  const componentContainers = objects.containers.filter((c) => !isOneShotHelper(c));
  if (!record && componentContainers.length === 0) {
    throw new SeclabError('LAB_NOT_FOUND', `there is no lab named "${lab}": create it with \`seclab up --lab ${lab}\` (see \`seclab status\` for the labs there are)`, { lab });
  }
  const plan = record ? planLab(record.spec, record.allocation) : undefined;
  const components: ComponentStatus[] = [];
  const planned = plan?.containers ?? [];
  const seen = new Set<string>();
  // One-shot helpers (keystore tools, probes) carry the lab's label too, but are no component of it.
  for (const container of componentContainers) {
    const info = await engine.inspectContainer(container.id);
    const component = container.labels[COMPONENT_LABEL] ?? container.name;
    seen.add(component);
    const network = info ? Object.values(info.NetworkSettings.Networks ?? {})[0] : undefined;
    const bindings = (info?.HostConfig.PortBindings ?? {}) as Record<string, Array<{ HostIp: string; HostPort: string }> | null>;
    components.push({
      component,
      kind: (container.labels[KIND_LABEL] ?? 'elasticsearch') as ComponentKind,
      container: container.name,
      image: info?.Config.Image ?? '',
      state: info?.State.Status ?? container.state,
      health: healthOf(info),
      ip: network?.IPAddress || planned.find((p) => p.component === component)?.ip,
      ports: Object.entries(bindings).flatMap(([containerPort, hostBindings]) =>
        (hostBindings ?? []).map((b: { HostIp: string; HostPort: string }) => ({ hostIp: b.HostIp, hostPort: Number(b.HostPort), containerPort: Number(containerPort.split('/')[0]) })),
      ),
      memoryBytes: info?.HostConfig.Memory || undefined,
      user: info?.Config.User,
    });
  }
  for (const container of planned) {
    if (seen.has(container.component)) continue;
    components.push({ component: container.component, kind: container.kind, container: container.name, image: container.image, state: 'missing', health: 'unknown', ip: container.ip, ports: [] });
  }
  components.sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.component.localeCompare(b.component));
  const running = components.filter((c) => c.state === 'running').length;
  const state: LabState =
    components.length === 0 || running === 0
      ? components.some((c) => c.state === 'exited' || c.state === 'created')
        ? 'stopped'
        : componentContainers.length === 0
          ? 'absent'
          : 'stopped'
      : running === components.length
        ? 'running'
        : 'degraded';
  const spec = record?.spec;
  if (!spec || !plan) {
    throw new SeclabError(
      'LAB_RECORD_MISSING',
      `lab "${lab}" has containers but no record in this seclab home (${home}): it was made from another seclab home (SECLAB_HOME), or its folder was deleted. Open it from that home, or remove it with \`seclab down --lab ${lab}\``,
      { lab },
    );
  }
  return {
    lab,
    state,
    emulated: plan.emulated,
    version: plan.version,
    spec,
    network: { name: plan.network.name, subnet: plan.network.subnet },
    endpoints: plan.endpoints,
    components,
    ...workshopNoticeOf(home, lab),
    ...(record?.bringUp === 'in-progress' && !labLockHolder(home, lab)
      ? { interrupted: 'its bring-up was interrupted and nothing is finishing it: starting it again builds it anew (same CA and passwords), tearing it down removes it' }
      : {}),
  };
}

/** While a layer is off on purpose, the status says so in words (an unreadable journal must not hide the lab). */
function workshopNoticeOf(home: string, lab: string): Pick<LabStatus, 'workshop'> {
  try {
    const journal = readWorkshopJournal(home, lab);
    return journal ? { workshop: noticeOf(journal) } : {};
  } catch {
    return {};
  }
}

/**
 * Every lab on this engine: those this seclab home recorded, observed in full, and those whose
 * containers carry a lab label but have no record here, summarised from what Docker shows.
 */
export async function listLabs(engine: DockerEngine, home: string): Promise<LabSummary[]> {
  const recorded = new Set(listLabRecords(home).map((r) => r.spec.name));
  const containersOf = new Map<string, Array<{ id: string; state: string; labels: Record<string, string> }>>();
  for (const container of (await engine.labObjects()).containers) {
    if (isOneShotHelper(container)) continue;
    const lab = container.labels[LAB_LABEL];
    containersOf.set(lab, [...(containersOf.get(lab) ?? []), container]);
  }
  const summaries: LabSummary[] = [];
  for (const lab of [...new Set([...recorded, ...containersOf.keys()])].sort()) {
    const containers = containersOf.get(lab) ?? [];
    if (recorded.has(lab)) {
      // A record that can't be read (hand-edited, half-written) must not hide the other labs.
      const status = await observeLab(engine, home, lab).catch(() => undefined);
      summaries.push(status ? summaryOfStatus(status) : { lab, state: 'failed', emulated: false, version: '?', components: containers.length, running: containers.filter((c) => c.state === 'running').length });
      continue;
    }
    const observed = await Promise.all(
      containers.map(async (container) => {
        const info = await engine.inspectContainer(container.id);
        return { state: info?.State.Status ?? container.state, image: info?.Config.Image ?? '', labels: container.labels };
      }),
    );
    summaries.push(summaryOfUnrecordedLab(lab, observed));
  }
  return summaries;
}
