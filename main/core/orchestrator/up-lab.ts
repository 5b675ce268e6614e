import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerPlan, LabPlan } from '../../../common/lab-plan.ts';
import { parseLabSpec, type LabSpec, type LabSpecInput } from '../../../common/lab-spec.ts';
import { PHASE_TITLES, UP_PHASES, type LabEvent, type UpPhase } from '../../../common/lab-events.ts';
import type { LabStatus, PreflightCheck } from '../../../common/lab-status.ts';
import { SeclabError, serializeError } from '../../../common/errors.ts';
import { removedObjects } from '../../../common/counted.ts';
import type { CoreEnvironment } from '../environment.ts';
import type { DockerEngine } from '../docker/docker-engine.ts';
import { labPaths } from '../lab-store/lab-home.ts';
import { readLabRecord, writeLabRecord, type LabRecord } from '../lab-store/lab-records.ts';
import { VerificationContext } from '../verification/verification-context.ts';
import { generateLabSecrets, readLabSecrets, requireSecret, scrubSecrets, writeLabSecrets, type LabSecrets } from '../lab-store/lab-secrets.ts';
import { acquireLabLock } from '../lab-store/lab-lock.ts';
import { resolveLab } from '../planner/plan-service.ts';
import { AGENT_POLICY_ID, ELASTICSEARCH_URL_IN_LAB, FLEET_SERVER_POLICY_ID, FLEET_SERVER_URL_IN_LAB } from '../planner/plan-lab.ts';
import { certificateRequestsFor } from '../planner/certificate-requests.ts';
import { issueLabCertificates, startKeyPairs, type KeyPairSource } from '../pki/lab-pki.ts';
import { buildEmulatorImages, type EmulatedProduct } from '../emulator-images/build-emulator-images.ts';
import { connectElasticsearch } from '../stack/elasticsearch-client.ts';
import { configureLabSecurity, indexSampleData, observeClusterFormed } from '../stack/elasticsearch-setup.ts';
import { observeAgentsOnline, observeFleetServerHealthy, observeKibanaAvailable, revokeEnrollmentToken, setUpFleet } from '../stack/kibana-fleet-setup.ts';
import { copyFilesIntoAll, createContainerWithFiles, createRecordedContainer, materializeContainer, prepareVolumesAndKeystore, type CreatedObjects } from './materialize-container.ts';
import { preflightPlannedLab } from './lab-preflight.ts';
import { emulatedImagesRemedy, registryFailureReason } from './preflight.ts';
import { isEngineUnreachable } from '../docker/engine-connection.ts';
import { engineLimitsFor, forgetEngineLimits, measureEngineLimits } from './engine-limits-cache.ts';
import { waitUntil, type Observation } from './wait-until.ts';
import { observeLab } from './observe-lab.ts';
import { reachableStackConnections } from './stack-connections.ts';
import { removeLabObjects } from './remove-lab-objects.ts';
import { isLonePlannedNetwork, keptNetworkDetail } from './lone-lab-network.ts';
import { unfinishedBringUp } from './unfinished-bring-up.ts';
import { isOneShotHelper } from './one-shot-helpers.ts';
import { labHomeRefusal } from '../files/file-system-refusals.ts';
import { portsPublishedHere } from '../docker/ports-published-here.ts';
import { PortClaims } from '../lab-store/port-claims.ts';

export interface UpOptions {
  keepOnFailure?: boolean;
  /** Keys already being made for the lab's new certificates (reset starts them before its teardown). */
  keyPairs?: KeyPairSource;
  /** Test-only: drops the Kibana/Fleet/agent readiness waits' long official-image timeouts. */
  timeouts?: Partial<Record<'elasticsearch' | 'kibana' | 'fleetServer' | 'agents', number>>;
}

export interface LabContext {
  environment: CoreEnvironment;
  emit: (event: LabEvent) => void;
}

function timeoutsFor(spec: LabSpec, options: UpOptions) {
  const slow = spec.images === 'official' ? 3 : 1;
  return {
    elasticsearch: options.timeouts?.elasticsearch ?? 120_000 * slow,
    kibana: options.timeouts?.kibana ?? 120_000 * slow,
    fleetServer: options.timeouts?.fleetServer ?? 120_000 * slow,
    agents: options.timeouts?.agents ?? 120_000 * slow,
  };
}

export class LabRun {
  readonly created: CreatedObjects = { containers: [], volumes: [], networks: [] };
  /** Helper containers this run made (the standing probes): a rollback removes them first, uncounted, as `down` does. */
  readonly helpers: string[] = [];
  /** Containers being created ahead of their phase: all settled before a rollback reads `created`. */
  readonly preparations: Array<Promise<void>> = [];
  /** Per component: its volumes and keystore, begun while the certificates are issued. */
  readonly volumesPrepared = new Map<string, Promise<void>>();
  /** True once every Elasticsearch node is started; false when the bring-up ends before that. */
  readonly nodesStarted: Promise<boolean>;
  markNodesStarted: (started: boolean) => void = () => undefined;
  /** True once Fleet Server first answers healthy; false when the bring-up ends before that. */
  readonly fleetServerAnswered: Promise<boolean>;
  markFleetServerAnswered: (healthy: boolean) => void = () => undefined;

  constructor(
    readonly context: LabContext,
    readonly lab: string,
  ) {
    this.nodesStarted = new Promise<boolean>((resolve) => (this.markNodesStarted = resolve));
    this.fleetServerAnswered = new Promise<boolean>((resolve) => (this.markFleetServerAnswered = resolve));
  }

  /** The lab's containers this run started: any of them exiting ends the bring-up at once, named. */
  private readonly started = new Map<string, ContainerPlan>();

  get engine(): DockerEngine {
    return this.context.environment.engine();
  }

  async start(container: ContainerPlan): Promise<void> {
    await this.engine.startContainer(container.name);
    this.started.set(container.component, container);
  }

  hasStarted(container: ContainerPlan): boolean {
    return this.started.has(container.component);
  }

  /** "kibana exited with code 137", "es01 was removed", or nothing while every started container runs. */
  async exitedComponent(): Promise<{ component: string; container: string; detail: string } | undefined> {
    if (!this.started.size) return undefined;
    // Asked before every readiness probe: one listing of the lab, and an inspect only of a container that stopped.
    const states = await this.engine.labContainerStates(this.lab);
    for (const container of this.started.values()) {
      if (states.get(container.name)?.running) continue;
      const info = await this.engine.inspectContainer(container.name);
      if (!info) return { component: container.component, container: container.name, detail: `${container.component} was removed` };
      if (!info.State.Running) return { component: container.component, container: container.name, detail: `${container.component} exited with code ${info.State.ExitCode}` };
    }
    return undefined;
  }

  emit(event: LabEvent): void {
    this.context.emit(event);
  }

  async phase<T>(phase: UpPhase, work: () => Promise<T>, detail?: (result: T) => string): Promise<T> {
    const started = Date.now();
    this.emit({ type: 'phase-started', lab: this.lab, phase, title: PHASE_TITLES[phase], at: new Date().toISOString() });
    try {
      const result = await work();
      this.emit({ type: 'phase-finished', lab: this.lab, phase, outcome: 'done', detail: detail?.(result), at: new Date().toISOString(), elapsedMs: Date.now() - started });
      return result;
    } catch (error) {
      const named = await this.namingExitedComponent(phase, error);
      this.emit({ type: 'phase-finished', lab: this.lab, phase, outcome: 'failed', detail: serializeError(named).message, at: new Date().toISOString(), elapsedMs: Date.now() - started });
      throw named;
    }
  }

  /**
   * A failed wait, told about the container to read: the one that exited if one did (Kibana's wait
   * fails because es01 is gone), else the one awaited; with that container's last log lines.
   */
  async failureNaming(error: unknown, awaited: ContainerPlan, secrets: LabSecrets): Promise<SeclabError> {
    const seclab = error instanceof SeclabError ? error : new SeclabError('COMPONENT_FAILED', (error as Error).message);
    const exited = await this.exitedComponent().catch(() => undefined);
    const culprit = exited ?? { component: awaited.component, container: awaited.name };
    const message = exited ? seclab.message : `${seclab.message}${this.shadowedPortHint(seclab.message, awaited)}`;
    return new SeclabError(seclab.code, message, { ...seclab.context, lab: this.lab, component: culprit.component, logTail: await logTailOf(this.engine, culprit.container, secrets) });
  }

  /**
   * Docker's proxy accepts every connection to a port it publishes: "refused" on this machine's
   * 127.0.0.1, while the container runs, means the connection went elsewhere first. A forward no
   * bind test and no engine here shows does that (ports-published-here.ts names the ones it can see).
   */
  private shadowedPortHint(message: string, awaited: ContainerPlan): string {
    const port = Number(/ECONNREFUSED 127\.0\.0\.1:(\d+)/.exec(message)?.[1]);
    const published = awaited.ports.find((p) => p.hostPort === port);
    if (!published || this.engine.publishedPorts.kind !== 'local') return '';
    return `. Nothing answered on 127.0.0.1:${port} while ${awaited.component} ran: if something else forwards that port (a Podman container's published ports hold no socket, and a killed one can leave its firewall rules behind), choose another with ${PORT_FLAG_OF_KIND[awaited.kind] ?? 'the --port-… flags'}`;
  }

  /**
   * A request to a component that was just killed fails as "ECONNREFUSED" or "socket hang up":
   * the cause is the exit, so that is what the error says first.
   */
  private async namingExitedComponent(phase: UpPhase, error: unknown): Promise<unknown> {
    if (error instanceof SeclabError && / exited with code | was removed/.test(error.message)) return error;
    const exited = await this.exitedComponentWithin(EXIT_NOTICE_MS);
    if (!exited) return error;
    const cause = serializeError(error).message;
    return new SeclabError('COMPONENT_EXITED', `${exited.detail} during ${PHASE_TITLES[phase as keyof typeof PHASE_TITLES] ?? phase} (${cause})`, { lab: this.lab, phase, component: exited.component });
  }

  /**
   * A killed node's sockets close before the engine records its exit: a request fails ("other
   * side closed") while inspect still says running. Asked again for a moment before concluding.
   */
  private async exitedComponentWithin(ms: number): Promise<Awaited<ReturnType<LabRun['exitedComponent']>>> {
    for (const deadline = Date.now() + ms; ; await new Promise((resolve) => setTimeout(resolve, 100))) {
      const exited = await this.exitedComponent().catch(() => undefined);
      if (exited || Date.now() >= deadline) return exited;
    }
  }

  skip(phase: UpPhase, detail: string): void {
    const at = new Date().toISOString();
    this.emit({ type: 'phase-started', lab: this.lab, phase, title: PHASE_TITLES[phase], at });
    this.emit({ type: 'phase-finished', lab: this.lab, phase, outcome: 'skipped', detail, at, elapsedMs: 0 });
  }
}

const PORT_FLAG_OF_KIND: Partial<Record<ContainerPlan['kind'], string>> = { elasticsearch: '--port-elasticsearch', kibana: '--port-kibana', 'fleet-server': '--port-fleet-server' };

/** How long a failed phase waits for the engine to record an exit that may have caused it. */
const EXIT_NOTICE_MS = 2000;

/** Preflight checks that come from the engine-limits measurement (preflight.ts ids). */
const LIMIT_CHECKS = new Set(['memlock', 'max-map-count']);

/**
 * How often readiness is asked for, at most: a component is seen ready on average half this after it is.
 * Each ask is one HTTPS request and one listing of the lab's containers. 500 ms left a quarter of a second
 * on average at each of the four waits of a bring-up.
 */
const READINESS_POLL_MS = 250;
/** The spacing of a streak of healthy answers (Fleet Server's three), which polling faster must not shorten. */
const STREAK_POLL_MS = 500;
/** The first pause before asking again, doubled up to READINESS_POLL_MS: readiness is seen within tens of ms. */
const FIRST_READINESS_POLL_MS = 25;

/**
 * Fails fast when a container the wait depends on has exited — the one being waited for, or any
 * started before it (Kibana waits in vain once es01 is gone) — instead of waiting out the timeout.
 */
async function unlessExited<T>(run: LabRun, probe: () => Promise<Observation<T>>): Promise<Observation<T>> {
  let exited: Awaited<ReturnType<LabRun['exitedComponent']>>;
  try {
    exited = await run.exitedComponent();
  } catch (error) {
    // The engine went away (stopped, or its socket is gone): nothing will become ready, so the wait ends now and says so.
    if (isEngineUnreachable(error)) return { ready: false, fatal: true, detail: (error as Error).message, error: error as SeclabError };
    throw error;
  }
  if (exited) return { ready: false, fatal: true, detail: exited.detail };
  return probe();
}

/** The component's last log lines that say what happened: audit events (one per request) are left out. */
async function logTailOf(engine: DockerEngine, container: string, secrets: LabSecrets): Promise<string[]> {
  try {
    const text = await engine.logs(container, { tail: 400 });
    const lines = scrubSecrets(text, secrets)
      .trimEnd()
      .split('\n')
      .filter((line) => !line.startsWith('{"type":"audit"'));
    return lines.slice(-15);
  } catch {
    return [];
  }
}

export async function ensureImages(run: LabRun, plan: LabPlan): Promise<void> {
  const images = [...new Set(plan.containers.map((c) => c.image))];
  if (plan.emulated) {
    const products = [...new Set(images.map((image) => image.split('/')[1].split(':')[0] as EmulatedProduct))];
    await buildEmulatorImages(run.engine, {
      version: plan.version,
      products,
      home: run.context.environment.home,
      onProgress: (progress) => run.emit({ type: 'image-progress', lab: run.lab, image: progress.image, status: progress.phase }),
    });
    return;
  }
  for (const image of images) {
    if (await run.engine.imageExists(image)) {
      run.emit({ type: 'image-progress', lab: run.lab, image, status: 'present' });
      continue;
    }
    const layers: Record<string, { current: number; total: number }> = {};
    try {
      await run.engine.pullImage(image, (event) => {
        if (event.id && event.total) layers[event.id] = { current: event.current ?? 0, total: event.total };
        const totals = Object.values(layers);
        run.emit({
          type: 'image-progress',
          lab: run.lab,
          image,
          status: event.status,
          currentBytes: totals.reduce((sum, l) => sum + l.current, 0),
          totalBytes: totals.reduce((sum, l) => sum + l.total, 0),
          layers: { ...layers },
        });
      });
    } catch (error) {
      const registry = image.split('/')[0];
      throw new SeclabError('IMAGE_PULL_FAILED', `could not pull ${image}: the Docker engine could not reach ${registry} (${registryFailureReason(error)}). ${emulatedImagesRemedy(registry)}`, { phase: 'images' });
    }
  }
}

// In its own module so verification reaches the lab without loading the orchestrator.
export { stackConnections, type StackConnections } from './stack-connections.ts';

async function bringUpElasticsearch(run: LabRun, plan: LabPlan, secrets: LabSecrets, certsDir: string, timeoutMs: number, fresh: boolean) {
  const nodes = plan.containers.filter((c) => c.kind === 'elasticsearch');
  // They start together, once all exist: discovery waits for the others by itself.
  await (async () => {
    if (fresh) await createNodesWithFiles(run, plan, nodes, secrets, certsDir);
    await Promise.all(nodes.map((node) => startComponent(run, node)));
  })().then(
    () => run.markNodesStarted(true),
    (error: unknown) => {
      run.markNodesStarted(false);
      throw error;
    },
  );
  const connections = await reachableStackConnections(run.engine, plan, certsDir, secrets);
  const client = connectElasticsearch({ url: connections.elasticsearchUrl, caPem: connections.caPem, auth: { username: 'elastic', password: requireSecret(secrets, 'elastic-password') }, requestTimeoutMs: 10_000 });
  try {
    nodes.forEach((node) => run.emit({ type: 'component-state', lab: run.lab, component: node.component, state: 'waiting', detail: 'cluster forming' }));
    const health = await waitUntil(() => unlessExited(run, () => observeClusterFormed(client, nodes.length)), {
      what: `Elasticsearch cluster of ${nodes.length} node(s)`,
      timeoutMs,
      intervalMs: READINESS_POLL_MS,
      firstIntervalMs: FIRST_READINESS_POLL_MS,
      context: { lab: run.lab, component: nodes[0].component, phase: 'elasticsearch' },
    }).catch(async (error: unknown) => {
      throw await run.failureNaming(error, nodes[0], secrets);
    });
    nodes.forEach((node) => run.emit({ type: 'component-state', lab: run.lab, component: node.component, state: 'ready', detail: `cluster ${health.status}, ${health.nodes} nodes` }));
    return { client, bootstrapSettingsRemoved: removeBootstrapSettings(run, nodes, certsDir, secrets) };
  } catch (error) {
    await client.close();
    throw error;
  }
}

/**
 * The nodes over their prepared volumes (es01's keystore is written first), then their certificates and
 * settings in one copy for all (copyFilesIntoAll). On Docker that is one archive instead of three: their
 * re-runs of the engine's binary cost more than es02 and es03 gained by starting before es01, which the
 * cluster waits for (18 paired runs here: up 10.2 s against 10.4 s, and 0.4 CPU-s less).
 */
async function createNodesWithFiles(run: LabRun, plan: LabPlan, nodes: ContainerPlan[], secrets: LabSecrets, certsDir: string): Promise<void> {
  await Promise.all(
    nodes.map(async (node) => {
      run.emit({ type: 'component-state', lab: run.lab, component: node.component, state: 'creating' });
      await volumesPrepared(run, plan, node, secrets);
      await createRecordedContainer(run.engine, plan, node, secrets, run.created);
    }),
  );
  await copyFilesIntoAll(
    run.engine,
    run.lab,
    nodes.map((node) => ({ container: node, files: node.files })),
    certsDir,
    secrets,
    { withMountOwners: true },
  );
}

/**
 * The cluster has formed: bootstrap-only settings go, so no later restart sees them. Nothing in this
 * bring-up restarts a node, so the copy runs beside the security setup (into every node at once:
 * copyFilesIntoAll) and `up` awaits it before it reports the lab ready.
 */
function removeBootstrapSettings(run: LabRun, nodes: ContainerPlan[], certsDir: string, secrets: LabSecrets): Promise<void> {
  const formed = nodes.filter((node) => node.filesOnceFormed.length);
  const removal = copyFilesIntoAll(
    run.engine,
    run.lab,
    formed.map((node) => ({ container: node, files: node.filesOnceFormed })),
    certsDir,
    secrets,
  ).catch((error: unknown) => {
    throw new SeclabError('COMPONENT_FAILED', `could not remove the bootstrap-only settings from ${formed.map((node) => node.component).join(', ')} once the cluster formed: ${(error as Error).message}`, {
      lab: run.lab,
      component: formed[0]?.component,
      phase: 'elasticsearch',
    });
  });
  return prepareAhead(run, removal);
}

async function createAndStartFleetServer(run: LabRun, plan: LabPlan, fleet: ContainerPlan, secrets: LabSecrets, certsDir: string, fresh: boolean): Promise<void> {
  if (fresh) {
    run.emit({ type: 'component-state', lab: run.lab, component: fleet.component, state: 'creating' });
    await materializeContainer(run.engine, plan, fleet, secrets, certsDir, run.created);
  }
  await startComponent(run, fleet);
}

async function startComponent(run: LabRun, container: ContainerPlan): Promise<void> {
  run.emit({ type: 'component-state', lab: run.lab, component: container.component, state: 'starting' });
  await run.start(container);
}

/**
 * Waits until `probe` sees the container ready. `abandonedWhen` ends the wait at the next probe, without
 * calling the container failed: the step beside it failed (Fleet setup, beside Fleet Server's streak).
 */
async function waitReady<T>(
  run: LabRun,
  container: ContainerPlan,
  secrets: LabSecrets,
  probe: () => Promise<Observation<T>>,
  wait: { what: string; timeoutMs: number; consecutive?: number; abandonedWhen?: () => boolean },
): Promise<T> {
  const { abandonedWhen, ...options } = wait;
  run.emit({ type: 'component-state', lab: run.lab, component: container.component, state: 'waiting' });
  try {
    const value = await waitUntil(() => (abandonedWhen?.() ? Promise.resolve(ABANDONED) : unlessExited(run, probe)), {
      ...options,
      intervalMs: READINESS_POLL_MS,
      firstIntervalMs: FIRST_READINESS_POLL_MS,
      streakIntervalMs: STREAK_POLL_MS,
      context: { lab: run.lab, component: container.component, phase: container.kind },
    });
    run.emit({ type: 'component-state', lab: run.lab, component: container.component, state: 'ready' });
    return value;
  } catch (error) {
    if (abandonedWhen?.()) throw error;
    run.emit({ type: 'component-state', lab: run.lab, component: container.component, state: 'failed', detail: (error as Error).message });
    throw await run.failureNaming(error, container, secrets);
  }
}

const ABANDONED: Observation<never> = { ready: false, fatal: true, detail: 'abandoned: the step beside this wait failed' };

/**
 * Kibana needs nothing the cluster makes before it starts (its keystore holds secrets generated up
 * front), and until Elasticsearch answers it, as kibana_system, it asks again every 0.5 s
 * (`elasticsearch.healthCheck.startupDelay`): its container is built and started while the cluster
 * forms, once the nodes are started, and is ready moments after the security setup. Elastic's images
 * spend most of their bring-up in Kibana's own boot, which now overlaps the cluster's.
 */
function startKibanaEarly(run: LabRun, plan: LabPlan, secrets: LabSecrets, certsDir: string, fresh: boolean): Promise<void> | undefined {
  const kibana = plan.containers.find((c) => c.kind === 'kibana');
  if (!kibana) return undefined;
  return prepareAhead(
    run,
    (async () => {
      if (fresh) await materializeWithPreparedVolumes(run, plan, kibana, secrets, certsDir);
      if (!(await run.nodesStarted)) throw new Error('the bring-up ended before the Elasticsearch nodes started');
      await startComponent(run, kibana);
    })(),
  );
}

/**
 * Keystores are written by a one-shot container of the product image (runKeystoreSteps)
 * and need only the secrets, not the certificates: for a new lab they start before the
 * certificates phase. Then the containers are created over them once the certificates exist.
 */
function prepareVolumesEarly(run: LabRun, plan: LabPlan, secrets: LabSecrets): void {
  const prepare = (container: ContainerPlan, after: Promise<unknown>) => {
    run.emit({ type: 'component-state', lab: run.lab, component: container.component, state: 'creating' });
    run.volumesPrepared.set(
      container.component,
      prepareAhead(
        run,
        after.then(() => prepareVolumesAndKeystore(run.engine, plan, container, secrets, run.created)),
      ),
    );
  };
  const withKeystore = plan.containers.filter((c) => c.keystore.length > 0);
  withKeystore.filter((c) => c.kind === 'elasticsearch').forEach((node) => prepare(node, Promise.resolve()));
  // es01's keystore and then its start are the way to the cluster, so the other one-shot (Kibana's) waits for
  // es01's to end. It goes before the nodes are started: Kibana's keystore, container and start are the bring-up's
  // longest chain once the cluster forms. Waiting for the nodes' start instead made the nodes' phase 0.4 s
  // shorter and the whole `up` 0.5 s longer (medians of 6 runs each, 9.8 s against 10.4 s, this 2-core machine).
  const nodeKeystores = Promise.all(withKeystore.filter((c) => c.kind === 'elasticsearch').map((node) => run.volumesPrepared.get(node.component)));
  withKeystore.filter((c) => c.kind !== 'elasticsearch').forEach((container) => prepare(container, nodeKeystores));
}

async function materializeWithPreparedVolumes(run: LabRun, plan: LabPlan, container: ContainerPlan, secrets: LabSecrets, certsDir: string): Promise<void> {
  await volumesPrepared(run, plan, container, secrets);
  await createContainerWithFiles(run.engine, plan, container, secrets, certsDir, run.created);
}

/** The container's volumes and keystore: those begun early (prepareVolumesEarly), or made now. */
function volumesPrepared(run: LabRun, plan: LabPlan, container: ContainerPlan, secrets: LabSecrets): Promise<void> {
  return run.volumesPrepared.get(container.component) ?? prepareVolumesAndKeystore(run.engine, plan, container, secrets, run.created);
}

function prepareAhead(run: LabRun, preparation: Promise<void>): Promise<void> {
  preparation.catch(() => undefined); // awaited (and reported) in its own phase
  run.preparations.push(preparation);
  return preparation;
}

/**
 * The agents' containers carry the enrollment token, so they can be made once Fleet is set up:
 * while Fleet Server starts and proves itself healthy. They start once it holds (startAgentsOnceHolding).
 */
function prepareAgentsEarly(run: LabRun, plan: LabPlan, secrets: LabSecrets, certsDir: string): Promise<void> {
  return prepareAhead(
    run,
    (async () => {
      for (const agent of plan.containers.filter((c) => c.kind === 'agent')) {
        run.emit({ type: 'component-state', lab: run.lab, component: agent.component, state: 'creating' });
        await materializeContainer(run.engine, plan, agent, secrets, certsDir, run.created);
      }
    })(),
  );
}

/**
 * The agents' containers start once Fleet Server has answered healthy twice in a row, while its third
 * answer is awaited: a container takes most of a second to start before its agent asks to enroll, by
 * when the streak has ended (500 ms apart). The agents phase still waits for the whole streak and for
 * every agent online. Nothing starts when the fleet phase fails first.
 */
function startAgentsOnceHolding(run: LabRun, agents: ContainerPlan[], prepared: Promise<void> | undefined, fleetServerHolding: Promise<boolean>): Promise<void> {
  return prepareAhead(
    run,
    (async () => {
      await prepared;
      if (!(await fleetServerHolding)) return;
      for (const agent of agents) await startAgent(run, agent);
    })(),
  );
}

async function startAgent(run: LabRun, agent: ContainerPlan): Promise<void> {
  await startComponent(run, agent);
  run.emit({ type: 'component-state', lab: run.lab, component: agent.component, state: 'waiting', detail: 'enrolling' });
}

/** Creates (fresh) or restarts (existing) every component in dependency order and waits for real readiness. */
async function bringUpStack(run: LabRun, plan: LabPlan, spec: LabSpec, secrets: LabSecrets, certsDir: string, options: UpOptions, fresh: boolean, persistSecrets: () => void) {
  const kibanaStarted = startKibanaEarly(run, plan, secrets, certsDir, fresh);
  try {
    await bringUpInOrder(run, plan, spec, secrets, certsDir, options, fresh, persistSecrets, kibanaStarted);
  } catch (error) {
    // Whatever the preparations create must be known before rollback removes what this run made.
    run.markNodesStarted(false);
    run.markFleetServerAnswered(false);
    await Promise.allSettled(run.preparations);
    throw error;
  }
}

async function bringUpInOrder(run: LabRun, plan: LabPlan, spec: LabSpec, secrets: LabSecrets, certsDir: string, options: UpOptions, fresh: boolean, persistSecrets: () => void, kibanaStarted: Promise<void> | undefined) {
  const timeouts = timeoutsFor(spec, options);
  const { client, bootstrapSettingsRemoved } = await run.phase('elasticsearch', () => bringUpElasticsearch(run, plan, secrets, certsDir, timeouts.elasticsearch, fresh));
  const connections = await reachableStackConnections(run.engine, plan, certsDir, secrets);
  // Fleet Server needs its service token and nothing of Kibana's: it waits for its policy
  // (fleet-server internal/pkg/policy/self.go: STARTING, "Waiting on policy with Fleet Server integration",
  // also while `.fleet-policies` does not exist yet), so it is made and started as soon as the token exists,
  // while the roles, users and sample data are written and Kibana gets ready, and is running when Fleet
  // setup writes the policy. Its FLEET_SERVER_TIMEOUT (plan-lab.ts) outlasts those waits.
  const fleet = plan.containers.find((c) => c.kind === 'fleet-server');
  const startFleetServer = () => (fleet && connections.kibana && connections.fleetServerUrl ? prepareAhead(run, createAndStartFleetServer(run, plan, fleet, secrets, certsDir, fresh)) : undefined);
  let fleetStarted: Promise<void> | undefined;
  try {
    if (fresh) {
      await run.phase(
        'security-setup',
        async () => {
          await configureLabSecurity(client, plan, secrets, `seclab-${run.context.environment.now().getTime()}`, (fleetServerToken) => {
            secrets['fleet-server-service-token'] = fleetServerToken;
            persistSecrets();
            fleetStarted = startFleetServer();
          });
          persistSecrets();
          await indexSampleData(client, run.context.environment.now());
        },
        () => `kibana_system password, ${plan.roles.length} roles, ${plan.users.length} users${fleet ? ', Fleet Server service token' : ''}, sample data`,
      );
    } else run.skip('security-setup', 'users, roles and tokens kept');
  } finally {
    await client.close();
  }
  fleetStarted ??= startFleetServer();
  const probesStanding = fresh ? standProbesAhead(run, fleetStarted ? run.fleetServerAnswered : undefined) : undefined;

  const kibana = plan.containers.find((c) => c.kind === 'kibana');
  if (kibana && connections.kibana) {
    const kibanaConnection = connections.kibana;
    await run.phase('kibana', async () => {
      await kibanaStarted;
      return waitReady(run, kibana, secrets, () => observeKibanaAvailable(kibanaConnection), { what: 'Kibana', timeoutMs: timeouts.kibana });
    });
  } else run.skip('kibana', 'not in this lab');

  const agents = plan.containers.filter((c) => c.kind === 'agent');
  let agentsStarting: Promise<void> | undefined;
  if (fleet && connections.kibana && connections.fleetServerUrl) {
    const kibanaConnection = connections.kibana;
    const fleetUrl = connections.fleetServerUrl;
    await run.phase('fleet', async () => {
      let markHolding: (holding: boolean) => void = () => undefined;
      const fleetServerHolding = new Promise<boolean>((resolve) => (markHolding = resolve));
      try {
        // Fleet setup writes Fleet Server's policy first: its healthy answers are counted while the rest is set up.
        let setupFailed = false;
        let healthyInARow = 0;
        const healthy = prepareAhead(
          run,
          (async () => {
            await fleetStarted;
            // Fleet Server restarts once after first reporting healthy (elastic-package#1123): three in a row.
            const observe = async () => {
              const observation = await observeFleetServerHealthy(fleetUrl, connections.caPem);
              healthyInARow = observation.ready ? healthyInARow + 1 : 0;
              if (observation.ready) run.markFleetServerAnswered(true);
              if (healthyInARow >= 2) markHolding(true);
              return observation;
            };
            await waitReady(run, fleet, secrets, observe, {
              what: 'Fleet Server',
              timeoutMs: timeouts.fleetServer,
              consecutive: 3,
              abandonedWhen: () => setupFailed,
            });
          })(),
        );
        let agentsPrepared: Promise<void> | undefined;
        if (fresh) {
          try {
            const caFingerprint = readFileSync(join(certsDir, 'ca', 'fingerprint'), 'utf8').trim();
            const { enrollmentToken } = await setUpFleet(kibanaConnection, {
              fleetServerPolicyId: FLEET_SERVER_POLICY_ID,
              agentPolicyId: AGENT_POLICY_ID,
              fleetServerUrl: FLEET_SERVER_URL_IN_LAB,
              elasticsearchUrl: ELASTICSEARCH_URL_IN_LAB,
              caPem: connections.caPem,
              caFingerprintSha256: caFingerprint,
            });
            secrets['agent-enrollment-token'] = enrollmentToken;
          } catch (error) {
            setupFailed = true;
            throw error;
          }
          persistSecrets();
          if (agents.length) agentsPrepared = prepareAgentsEarly(run, plan, secrets, certsDir);
        }
        if (agents.length) agentsStarting = startAgentsOnceHolding(run, agents, agentsPrepared, fleetServerHolding);
        await healthy;
      } finally {
        // A failed phase never starts the agents; a passed one marked Fleet Server holding long before.
        markHolding(false);
      }
    });
  } else run.skip('fleet', 'not in this lab');

  if (agents.length && connections.kibana) {
    const kibanaConnection = connections.kibana;
    await run.phase(
      'agents',
      async () => {
        if (!agentsStarting && fresh) await prepareAgentsEarly(run, plan, secrets, certsDir);
        await agentsStarting;
        for (const agent of agents.filter((a) => !run.hasStarted(a))) await startAgent(run, agent);
        try {
          await waitUntil(() => unlessExited(run, () => observeAgentsOnline(kibanaConnection, AGENT_POLICY_ID, agents.length)), {
            what: `${agents.length} agent(s) online in Fleet`,
            timeoutMs: timeouts.agents,
            intervalMs: READINESS_POLL_MS,
            firstIntervalMs: FIRST_READINESS_POLL_MS,
            context: { lab: run.lab, component: agents[0].component, phase: 'agents' },
          });
        } catch (error) {
          throw await run.failureNaming(error, agents[0], secrets);
        }
        await revokeEnrollmentToken(kibanaConnection, requireSecret(secrets, 'agent-enrollment-token'));
        agents.forEach((agent) => run.emit({ type: 'component-state', lab: run.lab, component: agent.component, state: 'ready', detail: 'online' }));
      },
      () => `${agents.length} agent(s) online; enrollment token revoked`,
    );
  } else run.skip('agents', 'no agents in this lab');
  await Promise.all([bootstrapSettingsRemoved, probesStanding]);
}

/**
 * A new lab's standing probes (VerificationContext.standProbes), made once Fleet Server first answers
 * healthy, while it proves it holds: the first verification after `up` then only execs in them. Their
 * starts cost the engine more CPU than anything else then (the outsider's, on the lab network, re-runs
 * dockerd's binary twice); made while Fleet Server booted, they slowed it, and its streak of answers is
 * mostly waiting.
 * It never fails the bring-up; a rollback removes them with what else this run made.
 */
function standProbesAhead(run: LabRun, after: Promise<boolean> | undefined): Promise<void> {
  const { environment } = run.context;
  return prepareAhead(
    run,
    (async () => {
      if (after && !(await after)) return;
      const record = readLabRecord(environment.home, run.lab);
      if (!record) return;
      run.helpers.push(...(await new VerificationContext(environment, run.engine, record).standProbes()));
    })().catch(() => undefined),
  );
}

/** Removes what this run created; false when the engine kept some of it. */
export async function removeCreated(run: LabRun): Promise<boolean> {
  let removedAll = true;
  const attempt = (removal: Promise<void>) => removal.catch(() => void (removedAll = false));
  for (const container of [...run.helpers, ...[...run.created.containers].reverse()]) await attempt(run.engine.removeContainer(container));
  for (const volume of run.created.volumes) await attempt(run.engine.removeVolume(volume));
  for (const network of run.created.networks) await attempt(run.engine.removeNetwork(network));
  return removedAll;
}

function sameShape(a: LabSpec, b: LabSpec): boolean {
  const shape = (spec: LabSpec) => JSON.stringify({ ...spec, ports: {} });
  return shape(a) === shape(b);
}

export interface UpResult {
  status: LabStatus;
  outcome: 'created' | 'started' | 'already-running';
  preflight: PreflightCheck[];
}

/**
 * `seclab up`: a new lab is planned, checked, created and configured; a stopped lab is started
 * again with its data and secrets; a running lab is left as it is. On failure everything this
 * run created is removed (unless keepOnFailure), and the error names the component, the phase
 * and the last lines of its log.
 */
export async function upLab(context: LabContext, input: LabSpecInput, options: UpOptions = {}): Promise<UpResult> {
  // Ports chosen for a new lab are claimed until this up ends: by then its containers hold them.
  const claims = new PortClaims((input as { name?: string }).name ?? 'default');
  try {
    return await claimingUp(context, input, options, claims);
  } finally {
    claims.release();
  }
}

async function claimingUp(context: LabContext, input: LabSpecInput, options: UpOptions, claims: PortClaims): Promise<UpResult> {
  const { environment } = context;
  const engine = environment.engine();
  const requestedName = (input as { name?: string }).name ?? 'default';
  const existingRecord = readLabRecord(environment.home, requestedName);
  const specInput = existingRecord && !hasShapeFlags(input) ? { ...existingRecord.spec, ...input, ports: { ...existingRecord.spec.ports, ...(input as LabSpec).ports } } : input;
  const keyPairs = options.keyPairs ?? keyPairsAhead(environment.home, requestedName, specInput);
  const measured = existingRecord ? undefined : await engineLimitsFor(engine, environment.home, requestedName).catch(() => undefined);
  let engineLimits = measured?.limits;
  const published = await portsPublishedHere(environment, engine, requestedName);
  const hostPorts = { published, claims };
  let resolved = await resolveLab(environment, specInput, await engine.engineSubnets().catch(() => []), engineLimits, hostPorts);
  const { spec } = resolved;
  let plan = resolved.plan;
  if (existingRecord && !sameShape(existingRecord.spec, spec)) {
    throw new SeclabError(
      'LAB_EXISTS_DIFFERENT',
      `lab "${spec.name}" exists with another shape (${existingRecord.spec.elasticsearch.nodes} nodes, ${existingRecord.spec.images} images, version ${existingRecord.spec.version}): remove it first (seclab down --lab ${spec.name}) or choose another --lab name`,
      { lab: spec.name },
    );
  }
  const release = (() => {
    try {
      return acquireLabLock(environment.home, spec.name, 'up');
    } catch (error) {
      throw labHomeRefusal(environment.home, error) ?? error;
    }
  })();
  const run = new LabRun(context, spec.name);
  const paths = labPaths(environment.home, spec.name);
  const folderExisted = existsSync(paths.record);
  let secrets: LabSecrets = {};
  const createdAt = existingRecord?.createdAt ?? environment.now().toISOString();
  const markBringUp = (bringUp: LabRecord['bringUp']) => writeLabRecord(environment.home, { spec, allocation: resolved.allocation, createdAt, bringUp });
  try {
    // No engine to ask: preflight runs anyway and says so, with the fix.
    let before = await engine.labObjects(spec.name).catch((error: unknown) => {
      if (isEngineUnreachable(error)) return undefined;
      throw error;
    });
    // One-shot helpers (the engine-limits probe a moment ago, say) are no part of an existing lab.
    const labContainers = before?.containers.filter((container) => !isOneShotHelper(container)) ?? [];
    let existing = labContainers.length > 0;
    // Reset's teardown leaves the lab's network, with nothing on it, for this bring-up to use.
    const networkKept = before !== undefined && isLonePlannedNetwork(before, plan);
    // A network or volumes alone are what an interrupted bring-up or teardown leaves, too.
    const leftovers = !networkKept && (existing || Boolean(before?.networks.length || before?.volumes.length));
    const unfinished = leftovers ? unfinishedBringUp(existingRecord, plan, labContainers) : undefined;
    let rebuilt: string | undefined;
    if (unfinished) {
      const removed = await removeLabObjects(engine, spec.name, (component) => run.emit({ type: 'component-state', lab: spec.name, component, state: 'removed' }));
      rebuilt = `${unfinished}: removed its ${removedObjects(removed)} to build it again`;
      existing = false;
      before = { containers: [], volumes: [], networks: [] };
    }
    if (existing) {
      const observed = await observeLab(engine, environment.home, spec.name);
      if (observed.state === 'running') {
        for (const phase of UP_PHASES.filter((p) => p !== 'verification')) run.skip(phase, 'lab already running');
        return { status: observed, outcome: 'already-running', preflight: [] };
      }
    }
    const preflight = await run.phase(
      'preflight',
      async () => {
        let checks = await preflightPlannedLab(engine, plan, resolved.allocation, before?.containers ?? [], engineLimits, published, claims);
        if (measured?.reused && checks.some((c) => c.status === 'fail' && LIMIT_CHECKS.has(c.id))) {
          // A remembered measurement never fails a run on its own: the engine may have changed since.
          engineLimits = await measureEngineLimits(engine, environment.home, spec.name);
          resolved = await resolveLab(environment, specInput, await engine.engineSubnets().catch(() => []), engineLimits, hostPorts);
          plan = resolved.plan;
          checks = await preflightPlannedLab(engine, plan, resolved.allocation, before?.containers ?? [], engineLimits, published, claims);
        }
        const failed = checks.filter((c) => c.status === 'fail');
        if (failed.length) {
          throw new SeclabError('PREFLIGHT_FAILED', failed.map((c) => `${c.title}: ${c.detail}. ${c.fix ?? ''}`.trim()).join('\n'), { lab: spec.name, phase: 'preflight', preflight: checks });
        }
        return checks;
      },
      (checks) => [rebuilt, checks.map((c) => `${c.title} ${c.status}`).join(', ')].filter(Boolean).join('; '),
    );

    // The images come first: a pull that fails (no registry, say) leaves no lab object behind.
    await run.phase('images', () => ensureImages(run, plan));
    secrets = readLabSecrets(environment.home, spec.name) ?? generateLabSecrets(environment.randomBytes);
    // Recorded before the first object exists: whatever kills this run, the next `up` knows the lab is unfinished.
    if (!existing) markBringUp('in-progress');
    writeLabSecrets(environment.home, spec.name, secrets);
    if (!existing) {
      // The keystore one-shots have no network: es01's, on the way to the cluster, runs while the network is made.
      prepareVolumesEarly(run, plan, secrets);
      if (networkKept) {
        // A failed bring-up removes it with what it made, as it would a network it had made.
        run.created.networks.push(plan.network.name);
        run.skip('network', keptNetworkDetail(plan.network));
      } else {
        // The network goes before the certificates: it reserves the lab's subnet, which their SANs name.
        await run.phase(
          'network',
          async () => {
            for (let attempt = 1; ; attempt++) {
              try {
                await engine.createNetwork(plan.network.name, plan.network.subnet, plan.network.gateway, plan.network.labels);
                run.created.networks.push(plan.network.name);
                return;
              } catch (error) {
                // Another lab (or program) took the subnet since it was chosen: choose again.
                if (attempt >= 5 || !/overlaps/i.test((error as Error).message) || folderExisted) throw error;
                // The record written a moment ago holds the taken subnet: this lab has no object yet, so it is allocated anew.
                resolved = await resolveLab(environment, specInput, [...(await engine.engineSubnets()), plan.network.subnet], engineLimits, { ...hostPorts, asNew: true });
                markBringUp('in-progress');
                plan = resolved.plan;
              }
            }
          },
          () => `${plan.network.name} ${plan.network.subnet}`,
        );
      }
    } else run.skip('network', `${plan.network.name} exists`);

    await run.phase(
      'certificates',
      async () => await issueLabCertificates({ outDir: paths.certs, components: certificateRequestsFor(spec, resolved.allocation.subnetIndex), now: environment.now(), keyPairs }),
      (result) => `CA ${result.caOutcome}; ${result.certificates.filter((c) => c.outcome === 'issued').length} issued, ${result.certificates.filter((c) => c.outcome === 'reused').length} reused`,
    );

    await bringUpStack(run, plan, spec, secrets, paths.certs, options, !existing, () => writeLabSecrets(environment.home, spec.name, secrets));
    if (!existing) markBringUp('complete');
    return { status: await observeLab(engine, environment.home, spec.name), outcome: existing ? 'started' : 'created', preflight };
  } catch (error) {
    // Whatever the preparations create must be known before rollback removes what this run made.
    run.markNodesStarted(false);
    run.markFleetServerAnswered(false);
    await Promise.allSettled(run.preparations);
    if (!options.keepOnFailure) {
      await run
        .phase(
          'rollback',
          async () => {
            // Objects the engine could not remove (it stopped, say) keep the folder, whose record marks the lab unfinished.
            if ((await removeCreated(run)) && !folderExisted) rmSync(paths.root, { recursive: true, force: true });
          },
          () => `removed ${removedObjects({ containers: run.created.containers.length, volumes: run.created.volumes.length, networks: run.created.networks.length })}`,
        )
        .catch(() => undefined);
    }
    // A run that failed on a remembered measurement measures again next time (a start refused for a ulimit, say).
    if (measured?.reused) forgetEngineLimits(environment.home);
    const seclab = error instanceof SeclabError ? error : (labHomeRefusal(environment.home, error) ?? new SeclabError('UP_FAILED', (error as Error).message, { lab: spec.name }));
    const tail = seclab.context.logTail?.length ? `\nLast log lines of ${seclab.context.component}:\n  ${seclab.context.logTail.join('\n  ')}` : '';
    const where = seclab.context.component ? `${seclab.context.component}${seclab.context.phase ? ` (${seclab.context.phase})` : ''}: ` : '';
    throw new SeclabError(seclab.code, `${where}${scrubSecrets(seclab.message, secrets)}${tail}`, { ...seclab.context, lab: spec.name });
  } finally {
    release();
  }
}

/**
 * A lab without a CA yet (a new one, or one just reset) needs a key for the CA and one per
 * certificate: RSA key generation is most of the certificates phase, and needs nothing else,
 * so it starts now, on the thread pool, while the engine is probed and the images checked.
 */
function keyPairsAhead(home: string, lab: string, specInput: LabSpecInput): KeyPairSource | undefined {
  if (existsSync(join(labPaths(home, lab).certs, 'ca', 'ca.key'))) return undefined;
  try {
    return startKeyPairs(certificateRequestsFor(parseLabSpec(specInput), 0).length + 1);
  } catch {
    return undefined; // an invalid spec: resolveLab says why, in a moment
  }
}

function hasShapeFlags(input: LabSpecInput): boolean {
  const keys = Object.keys(input as object).filter((key) => key !== 'name' && key !== 'ports');
  return keys.length > 0;
}
