import { chmodSync } from 'node:fs';
import type { ContainerPlan, LabPlan, WorkshopStep } from '../../../common/lab-plan.ts';
import { SeclabError } from '../../../common/errors.ts';
import { labPaths } from '../lab-store/lab-home.ts';
import { acquireLabLock } from '../lab-store/lab-lock.ts';
import { readLabSecrets, requireSecret, type LabSecrets } from '../lab-store/lab-secrets.ts';
import { AGENT_POLICY_ID } from '../planner/plan-lab.ts';
import { connectElasticsearch, type ElasticsearchClient } from '../stack/elasticsearch-client.ts';
import { observeClusterFormed } from '../stack/elasticsearch-setup.ts';
import { observeAgentsOnline, observeFleetServerHealthy, observeKibanaAvailable } from '../stack/kibana-fleet-setup.ts';
import { keystoreToolFor } from './keystore-tools.ts';
import { createPlannedContainer, runKeystoreSteps, type KeystoreStep } from './materialize-container.ts';
import { stackConnections, type LabContext } from './up-lab.ts';
import { reachableStackConnections } from './stack-connections.ts';
import { waitUntil } from './wait-until.ts';

export interface PlanChangeResult {
  /** Components recreated because their planned container differs (volumes kept: data, keystores, certificates). */
  recreated: string[];
  /** API and host steps applied or reverted, in words. */
  steps: string[];
}

const KIND_ORDER: ContainerPlan['kind'][] = ['elasticsearch', 'kibana', 'fleet-server', 'agent'];
const PRIVATE_FOLDER_MODE = 0o700;

/** What Docker would create differently: a container whose planned config differs is recreated, the others are left alone. */
function containerConfigOf(container: ContainerPlan) {
  const { name, image, user, hostname, ip, ports, memoryBytes, ulimits, mounts, labels, env, keystore, capDrop, healthcheck } = container;
  return JSON.stringify({ name, image, user, hostname, ip, ports, memoryBytes, ulimits, mounts, labels, env, keystore, capDrop, healthcheck });
}

function keystoreChanges(from: ContainerPlan, to: ContainerPlan, secrets: LabSecrets): KeystoreStep[] {
  const tool = keystoreToolFor(to.kind);
  if (!tool) return [];
  const adds = to.keystore.filter((entry) => !from.keystore.some((old) => old.setting === entry.setting && old.secret === entry.secret));
  const removes = from.keystore.filter((old) => !to.keystore.some((entry) => entry.setting === old.setting));
  return [
    ...adds.map((entry) => ({ cmd: tool.add(entry.setting), stdin: `${requireSecret(secrets, entry.secret)}\n`, setting: entry.setting })),
    ...removes.map((entry) => ({ cmd: tool.remove(entry.setting), setting: entry.setting })),
  ];
}

function stepKey(step: WorkshopStep): string {
  return step.kind === 'cluster-settings' ? `cluster-settings:${Object.keys(step.persistent).sort().join(',')}` : 'host-folder-mode';
}

/**
 * Applies a changed plan to a running lab: recreates only the containers whose planned config
 * differs (one at a time, waiting for each to be back), updates roles and cluster settings
 * through Elasticsearch's API, and sets the lab folder's mode — the same orchestration `up` uses,
 * so a workshop break and its restore are nothing but plans. Applying it twice changes nothing more.
 */
export async function applyPlanChange(context: LabContext, from: LabPlan, to: LabPlan, options: { timeoutMs?: number } = {}): Promise<PlanChangeResult> {
  const { environment } = context;
  const lab = to.lab;
  const paths = labPaths(environment.home, lab);
  const secrets = readLabSecrets(environment.home, lab) ?? {};
  const timeoutMs = options.timeoutMs ?? (to.emulated ? 120_000 : 360_000);
  // Before the lock: a tunnel that cannot open (ssh:// engine) must not leave the lab locked.
  const connections = await reachableStackConnections(environment.engine(), to, paths.certs, secrets);
  const release = acquireLabLock(environment.home, lab, 'lesson');
  const result: PlanChangeResult = { recreated: [], steps: [] };
  const admin = connectElasticsearch({ url: connections.elasticsearchUrl, caPem: connections.caPem, auth: { username: 'elastic', password: requireSecret(secrets, 'elastic-password') }, requestTimeoutMs: 10_000 });
  try {
    const changed = to.containers
      .filter((container) => {
        const before = from.containers.find((c) => c.component === container.component);
        return !before || containerConfigOf(before) !== containerConfigOf(container);
      })
      .sort((a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
    for (const container of changed) {
      const before = from.containers.find((c) => c.component === container.component) ?? container;
      await recreateContainer(context, to, before, container, secrets);
      result.recreated.push(container.component);
      await waitForComponent(context, to, container, admin, connections, timeoutMs);
    }
    if (changed.some((c) => c.kind === 'elasticsearch') && connections.kibana && !changed.some((c) => c.kind === 'kibana')) {
      // Kibana and Fleet Server reconnect to a recreated node by themselves; the change is applied once they have.
      const kibana = connections.kibana;
      await waitUntil(() => observeKibanaAvailable(kibana), { what: 'Kibana', timeoutMs, intervalMs: 1000, context: { lab, component: 'kibana', phase: 'lesson' } });
    }
    await applyRoles(admin, from, to, result);
    await applyWorkshopSteps(admin, from.workshopSteps ?? [], to.workshopSteps ?? [], paths.root, result);
    return result;
  } finally {
    await admin.close();
    release();
  }
}

async function recreateContainer(context: LabContext, plan: LabPlan, before: ContainerPlan, container: ContainerPlan, secrets: LabSecrets): Promise<void> {
  const engine = context.environment.engine();
  context.emit({ type: 'component-state', lab: plan.lab, component: container.component, state: 'creating', detail: 'recreated with a changed plan; its volumes are kept' });
  const current = await engine.inspectContainer(container.name);
  if (current) {
    // A graceful stop first, so an Elasticsearch node leaves the cluster and flushes its data volume.
    await engine.stopContainer(container.name, 10);
    await engine.removeContainer(container.name);
  }
  const steps = keystoreChanges(before, container, secrets);
  for (const step of steps) {
    await runKeystoreSteps(engine, container, [step], secrets).catch((error: SeclabError) => {
      // Removing an entry a previous, interrupted run already removed is no failure.
      if (!step.stdin && /does not exist|not found/i.test(error.message)) return;
      throw error;
    });
  }
  await createPlannedContainer(engine, plan, container, secrets);
  context.emit({ type: 'component-state', lab: plan.lab, component: container.component, state: 'starting' });
  await engine.startContainer(container.name);
}

async function waitForComponent(context: LabContext, plan: LabPlan, container: ContainerPlan, admin: ElasticsearchClient, connections: ReturnType<typeof stackConnections>, timeoutMs: number): Promise<void> {
  const wait = { timeoutMs, intervalMs: 1000, context: { lab: plan.lab, component: container.component, phase: 'lesson' } };
  const engine = context.environment.engine();
  const running = async () => {
    const info = await engine.inspectContainer(container.name);
    return info?.State.Running ? undefined : { ready: false as const, fatal: true, detail: `${container.component} exited with code ${info?.State.ExitCode ?? '?'}` };
  };
  context.emit({ type: 'component-state', lab: plan.lab, component: container.component, state: 'waiting' });
  switch (container.kind) {
    case 'elasticsearch': {
      const nodes = plan.containers.filter((c) => c.kind === 'elasticsearch').length;
      await waitUntil(async () => (await running()) ?? observeClusterFormed(admin, nodes), { ...wait, what: `${container.component} back in the cluster` });
      break;
    }
    case 'kibana': {
      const kibana = connections.kibana!;
      await waitUntil(async () => (await running()) ?? observeKibanaAvailable(kibana), { ...wait, what: 'Kibana' });
      break;
    }
    case 'fleet-server': {
      const url = connections.fleetServerUrl!;
      await waitUntil(async () => (await running()) ?? observeFleetServerHealthy(url, connections.caPem), { ...wait, what: 'Fleet Server', consecutive: 3 });
      break;
    }
    case 'agent': {
      const kibana = connections.kibana!;
      const agents = plan.containers.filter((c) => c.kind === 'agent').length;
      await waitUntil(async () => (await running()) ?? observeAgentsOnline(kibana, AGENT_POLICY_ID, agents), { ...wait, what: `${container.component} online in Fleet`, intervalMs: 2000 });
      break;
    }
  }
  context.emit({ type: 'component-state', lab: plan.lab, component: container.component, state: 'ready' });
}

async function applyRoles(admin: ElasticsearchClient, from: LabPlan, to: LabPlan, result: PlanChangeResult): Promise<void> {
  for (const role of to.roles) {
    const before = from.roles.find((r) => r.name === role.name);
    if (before && JSON.stringify(before) === JSON.stringify(role)) continue;
    await admin.security.putRole({ name: role.name, cluster: role.cluster, indices: role.indices, description: role.description } as never);
    result.steps.push(`PUT /_security/role/${role.name}: indices ${role.indices.map((grant) => `${grant.names.join(',')} [${grant.privileges.join(', ')}]`).join('; ')}`);
  }
}

async function applyWorkshopSteps(admin: ElasticsearchClient, from: WorkshopStep[], to: WorkshopStep[], labFolder: string, result: PlanChangeResult): Promise<void> {
  const wanted = new Map(to.map((step) => [stepKey(step), step]));
  const persistent: Record<string, string | boolean | null> = {};
  for (const step of from) {
    // A step the new plan no longer has is reverted: cluster settings go back to their defaults, the folder to 0700.
    if (wanted.has(stepKey(step))) continue;
    if (step.kind === 'cluster-settings') for (const key of Object.keys(step.persistent)) persistent[key] = null;
    else {
      chmodSync(labFolder, PRIVATE_FOLDER_MODE);
      result.steps.push(`chmod 0700 ${labFolder}`);
    }
  }
  for (const step of to) {
    if (step.kind === 'cluster-settings') Object.assign(persistent, step.persistent);
    else {
      chmodSync(labFolder, step.mode);
      result.steps.push(`chmod 0${step.mode.toString(8)} ${labFolder}`);
    }
  }
  if (Object.keys(persistent).length) {
    await admin.cluster.putSettings({ persistent });
    result.steps.push(`PUT /_cluster/settings ${JSON.stringify({ persistent })}`);
  }
}
