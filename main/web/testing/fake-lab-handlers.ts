import { exportFolderFor } from '../../core/export/export-folder.ts';
import type { ExportFormat, ExportResult } from '../../../common/lab-export.ts';
import type { Handlers, ServerEvent } from '../../../common/contract.ts';
import type { CheckId, CheckStatus } from '../../../common/checks.ts';
import type { DockerEngineInfo, EngineOption } from '../../../common/docker-engine-info.ts';
import type { EngineChoiceInput } from '../../../common/engine-choice.ts';
import { SeclabError } from '../../../common/errors.ts';
import { PHASE_TITLES, UP_PHASES, type LabEvent, type UpPhase } from '../../../common/lab-events.ts';
import type { LabPlan } from '../../../common/lab-plan.ts';
import { parseLabSpec, type LabSpec } from '../../../common/lab-spec.ts';
import type { ComponentStatus, LabState, LabStatus, PreflightCheck } from '../../../common/lab-status.ts';
import { removedObjects } from '../../../common/counted.ts';
import { reachLabEndpoints } from '../../core/docker/lab-endpoint-reach.ts';
import { localPublishedPorts, type PublishedPortAccess } from '../../core/docker/published-ports.ts';
import { planLab } from '../../core/planner/plan-lab.ts';
import { createLabOperations } from '../../core/lab-operations.ts';
import { fakeCheckResults } from './fake-check-catalog.ts';
import { createFakeWorkshop } from './fake-workshop.ts';
import { createDemoPki, type DemoPki } from './demo-pki.ts';
import { demoLogLine } from './demo-log-lines.ts';
import { KEPT_NETWORK_TEARDOWN_NOTE, keptNetworkDetail } from '../../core/orchestrator/lone-lab-network.ts';

/** The demo lab's engine: the platform default, as a Linux machine with Docker Engine would find it. */
const DEMO_ENGINE: DockerEngineInfo = {
  source: 'default',
  address: 'unix:///var/run/docker.sock',
  how: 'the default for Linux',
  label: 'unix:///var/run/docker.sock (the default for Linux)',
  candidates: [
    { address: 'unix:///var/run/docker.sock', source: 'default', found: true, why: 'Docker Engine' },
    { address: 'unix:///run/user/1000/docker.sock', source: 'default', found: false, why: 'rootless Docker: not there' },
    { address: 'unix:///run/user/1000/podman/podman.sock', source: 'default', found: true, why: 'Podman (rootless): also there; the first one found is used' },
  ],
};
const DEMO_PODMAN = 'unix:///run/user/1000/podman/podman.sock';
/** The two engines the demo machine has, as engine.current offers them. */
const DEMO_CHOICES: EngineOption[] = [
  { address: DEMO_ENGINE.address, kind: `Docker Engine (${DEMO_ENGINE.how})`, choice: {} },
  { address: DEMO_PODMAN, kind: 'Podman (rootless)', choice: { engine: DEMO_PODMAN } },
];
/** A remote engine the demo machine reaches over SSH (typed in Change engine): its labs' ports come through tunnels. */
export const DEMO_SSH_ENGINE = 'ssh://ada@lab-host.example';
/** What the demo's preflight says of each engine it has. */
const DEMO_ANSWERS: Record<string, string> = {
  [DEMO_ENGINE.address]: 'Docker 26.1.5 answers on /var/run/docker.sock',
  [DEMO_PODMAN]: 'Podman 5.2.2 (Docker API 1.41) answers on /run/user/1000/podman/podman.sock',
  [DEMO_SSH_ENGINE]: 'Docker 27.3.1 answers on lab-host.example over SSH',
};

/** The demo's tunnels on an ssh:// engine: each lab port on a local port of its own (the way a busy machine picks them). */
function demoPublishedPorts(engine: DockerEngineInfo): PublishedPortAccess {
  if (!engine.address.startsWith('ssh://')) return localPublishedPorts;
  return { ...localPublishedPorts, kind: 'ssh-tunnel', host: engine.address.replace(/^ssh:\/\//, ''), local: (port) => 40000 + (port % 10000) };
}

/** The demo engine after engine.choose: the address as chosen in the app, or the demo's default for {}. */
function demoEngineFor(choice: EngineChoiceInput): DockerEngineInfo {
  if (choice.context !== undefined && choice.context !== 'default') {
    throw new SeclabError(
      'DOCKER_CONTEXT_BROKEN',
      `The Docker context "${choice.context}" (chosen in the app) cannot be used: there is no such context (the demo machine has none). To fix: see the contexts there are with \`docker context ls\` and type one of their names, or pick an engine found on this machine`,
    );
  }
  if (choice.engine === undefined) return DEMO_ENGINE;
  const address = choice.engine;
  const socket = /^unix:\/\/(\/.*)$/.exec(address)?.[1];
  const found = socket ? address in DEMO_ANSWERS : true;
  return {
    source: 'app',
    address,
    how: 'chosen in the app',
    label: `${address} (chosen in the app)`,
    candidates: [{ address, source: 'app', found, ...(found ? {} : { why: 'no socket there' }) }],
  };
}

/** The demo's Docker check against the chosen engine: the two it has answer, any other is not there. */
function demoDockerCheck(engine: DockerEngineInfo): PreflightCheck {
  const answer = DEMO_ANSWERS[engine.address];
  if (answer) return { id: 'docker', title: 'Docker engine', status: 'pass', detail: answer };
  return {
    id: 'docker',
    title: 'Docker engine',
    status: 'fail',
    detail: `no Docker engine answers at ${engine.address} (${engine.how}): the demo machine has engines only at ${Object.keys(DEMO_ANSWERS).join(' and ')}`,
    fix: 'Choose an engine found on this machine (Change engine)',
  };
}

/**
 * An in-memory lab that answers the whole contract with plausible data and the same event
 * stream the orchestrator emits, paced by `stepMs`. For renderer tests, early e2e and
 * `seclab ui --demo`; never touches Docker, and reads nothing from disk but the lesson files.
 */
export interface FakeLabOptions {
  emit: (event: ServerEvent) => void;
  /** Pause between bring-up steps; 0 in unit tests. */
  stepMs?: number;
  now?: () => Date;
  /** Make a check come out with another status (e.g. to show a failing layer). */
  checkOverrides?: Partial<Record<CheckId, CheckStatus>>;
  /** Fail bring-up at this phase, with the failing component's log tail. */
  failAt?: { phase: UpPhase; component: string };
  /** A machine that cannot reach Elastic's registry: official images fail preflight. */
  offline?: boolean;
}

interface FakeLab {
  spec: LabSpec;
  plan: LabPlan;
  state: LabState;
  checks?: LabStatus['checks'];
  subnetIndex: number;
}

const PASSWORDS: Record<string, string> = {
  elastic: 'vT7q-Lm2x9Rk4sWp8ZbNc3Hd',
  analyst: 'Qe4rT9yU2iO7pA5sD8fG1hJk',
  writer: 'Zx6cV3bN8mL1kJ4hG7fD2sAq',
  lab_admin: 'Pw9oI2uY5tR8eW3qA6sD1fGh',
};

export function createFakeLabHandlers(options: FakeLabOptions): Handlers {
  const stepMs = options.stepMs ?? 150;
  const now = options.now ?? (() => new Date());
  // The same registry as the real handlers: a reload mid-bring-up rejoins it, checks wait for it.
  const operations = createLabOperations({ now, emit: options.emit });
  const emit = (event: ServerEvent) => options.emit(operations.track(event));
  const labs = new Map<string, FakeLab>();
  // The demo machine's engine, in memory: engine.choose switches it, preflight checks it.
  let engine = DEMO_ENGINE;
  const follows = new Map<string, ReturnType<typeof setInterval>>();
  let followCounter = 0;
  // Made on first ask and again after a reset, as a real lab's certificates are.
  const pkis = new Map<string, Promise<DemoPki>>();
  const pkiOf = (lab: FakeLab) => {
    const name = lab.spec.name;
    if (!pkis.has(name)) pkis.set(name, createDemoPki(lab.plan, now()));
    return pkis.get(name)!;
  };

  const pause = (factor = 1) => (stepMs > 0 ? new Promise<void>((resolve) => setTimeout(resolve, stepMs * factor)) : Promise.resolve());
  const labEvent = (event: LabEvent) => emit({ type: 'lab-event', event });

  function labOrThrow(name: string): FakeLab {
    const lab = labs.get(name);
    if (!lab) throw new SeclabError('LAB_NOT_FOUND', `There is no lab "${name}". Start one from the Start screen (or \`seclab up\`).`, { lab: name });
    return lab;
  }

  function componentsOf(lab: FakeLab): ComponentStatus[] {
    const running = lab.state === 'running' || lab.state === 'degraded';
    return lab.plan.containers.map((container) => ({
      component: container.component,
      kind: container.kind,
      container: container.name,
      image: container.image,
      state: running ? 'running' : lab.state === 'creating' ? 'created' : 'exited',
      health: running ? 'healthy' : 'starting',
      ip: container.ip,
      ports: container.ports.map(({ hostIp, hostPort, containerPort }) => ({ hostIp, hostPort, containerPort })),
      memoryBytes: container.memoryBytes,
      user: container.user,
    }));
  }

  function statusOf(lab: FakeLab): LabStatus {
    return {
      lab: lab.spec.name,
      state: lab.state,
      emulated: lab.plan.emulated,
      version: lab.spec.version,
      spec: lab.spec,
      network: { name: lab.plan.network.name, subnet: lab.plan.network.subnet },
      endpoints: lab.plan.endpoints,
      components: componentsOf(lab),
      ...(lab.checks ? { checks: lab.checks } : {}),
      ...(workshop.notice(lab.spec.name) ? { workshop: workshop.notice(lab.spec.name) } : {}),
    };
  }

  /** The catalog's results, with the checks a workshop break turned off failing and saying why. */
  function checksOf(lab: FakeLab): NonNullable<LabStatus['checks']> {
    const failing = workshop.failingChecks(lab.spec.name);
    const overrides = { ...options.checkOverrides, ...Object.fromEntries(Object.keys(failing).map((id) => [id, 'fail' as const])) };
    return fakeCheckResults(lab.spec, now().toISOString(), overrides).map((check) => (failing[check.id] ? { ...check, evidence: [failing[check.id]!] } : check));
  }

  const workshop = createFakeWorkshop({
    specOf: (name) => labOrThrow(name).spec,
    recheck: (name) => {
      const lab = labOrThrow(name);
      lab.checks = checksOf(lab);
      publishStatus(lab);
      return lab.checks;
    },
    pause,
    now,
  });

  const publishStatus = (lab: FakeLab) => emit({ type: 'status-changed', lab: lab.spec.name, status: statusOf(lab) });

  function planFor(spec: LabSpec, subnetIndex: number): LabPlan {
    const ports = {
      elasticsearch: spec.ports.elasticsearch ?? 9200 + (subnetIndex - 1) * 10,
      kibana: spec.ports.kibana ?? 5601 + (subnetIndex - 1) * 10,
      fleetServer: spec.ports.fleetServer ?? 8220 + (subnetIndex - 1) * 10,
    };
    return planLab(spec, { subnetIndex, ports });
  }

  async function runPhase(lab: FakeLab, phase: UpPhase, title: string, work: () => Promise<void>): Promise<void> {
    const started = now().getTime();
    labEvent({ type: 'phase-started', lab: lab.spec.name, phase, title, at: now().toISOString() });
    try {
      await work();
      if (options.failAt?.phase === phase) {
        const component = options.failAt.component;
        labEvent({ type: 'component-state', lab: lab.spec.name, component, state: 'failed', detail: 'exited with code 78' });
        throw new SeclabError('COMPONENT_FAILED', `${component} did not join: its certificate is signed by another CA. Regenerate the lab's certificates (Reset).`, {
          lab: lab.spec.name,
          component,
          phase,
          logTail: [`[${component}] starting ...`, `[${component}] transport handshake with es01 failed: PKIX path validation failed`, `[${component}] unable to find valid certification path to requested target`],
        });
      }
      labEvent({ type: 'phase-finished', lab: lab.spec.name, phase, outcome: 'done', at: now().toISOString(), elapsedMs: now().getTime() - started });
    } catch (error) {
      labEvent({ type: 'phase-finished', lab: lab.spec.name, phase, outcome: 'failed', detail: (error as Error).message, at: now().toISOString(), elapsedMs: now().getTime() - started });
      throw error;
    }
  }

  async function pullImages(lab: FakeLab): Promise<void> {
    const images = [...new Set(lab.plan.containers.map((container) => container.image))];
    if (options.offline && !lab.plan.emulated) {
      await pause();
      throw new SeclabError(
        'IMAGE_PULL_FAILED',
        `could not pull ${images[0]}: the Docker engine could not reach docker.elastic.co (connect: connection refused). Start the lab on emulated images, built here with no registry (seclab up --images emulated), or connect the engine to docker.elastic.co and try again.`,
        { lab: lab.spec.name, phase: 'images' },
      );
    }
    const totals = images.map((_, index) => [612_000_000, 498_000_000, 731_000_000][index % 3] / (lab.plan.emulated ? 8 : 1));
    for (let step = 1; step <= 4; step++) {
      images.forEach((image, index) => {
        const totalBytes = Math.round(totals[index]);
        const currentBytes = Math.round((totalBytes * step) / 4);
        labEvent({ type: 'image-progress', lab: lab.spec.name, image, status: step === 4 ? 'Pull complete' : 'Downloading', currentBytes, totalBytes });
      });
      await pause();
    }
  }

  async function startComponents(lab: FakeLab, kinds: string[]): Promise<void> {
    for (const container of lab.plan.containers.filter((entry) => kinds.includes(entry.kind))) {
      for (const state of ['creating', 'starting', 'waiting', 'ready'] as const) {
        labEvent({ type: 'component-state', lab: lab.spec.name, component: container.component, state });
        await pause(0.3);
      }
    }
  }

  /** `networkKept`: a reset's bring-up, which uses the network its teardown kept (as reset-lab.ts does). */
  async function bringUp(lab: FakeLab, { networkKept = false } = {}): Promise<LabStatus> {
    const titles = PHASE_TITLES;
    lab.state = 'creating';
    lab.checks = undefined;
    publishStatus(lab);
    try {
      for (const phase of UP_PHASES) {
        if (phase === 'network' && networkKept) {
          const at = now().toISOString();
          labEvent({ type: 'phase-started', lab: lab.spec.name, phase, title: titles[phase], at });
          labEvent({ type: 'phase-finished', lab: lab.spec.name, phase, outcome: 'skipped', detail: keptNetworkDetail(lab.plan.network), at, elapsedMs: 0 });
          continue;
        }
        await runPhase(lab, phase, titles[phase], async () => {
          if (phase === 'images') await pullImages(lab);
          else if (phase === 'elasticsearch') await startComponents(lab, ['elasticsearch']);
          else if (phase === 'kibana' && lab.spec.kibana) await startComponents(lab, ['kibana']);
          else if (phase === 'fleet' && lab.spec.fleetServer) await startComponents(lab, ['fleet-server']);
          else if (phase === 'agents') await startComponents(lab, ['agent']);
          else await pause();
        });
      }
    } catch (error) {
      lab.state = 'failed';
      publishStatus(lab);
      throw error;
    }
    lab.state = 'running';
    workshop.forget(lab.spec.name);
    lab.checks = checksOf(lab);
    publishStatus(lab);
    return statusOf(lab);
  }

  const logLine = (lab: FakeLab, component: string, index: number) => {
    const container = lab.plan.containers.find((entry) => entry.component === component);
    return demoLogLine(component, container?.kind ?? 'agent', container?.ip, index);
  };

  return {
    'labs.list': async () =>
      [...labs.values()].map((lab) => ({
        lab: lab.spec.name,
        state: lab.state,
        emulated: lab.plan.emulated,
        version: lab.spec.version,
        components: lab.plan.containers.length,
        running: lab.state === 'running' ? lab.plan.containers.length : 0,
      })),
    'labs.operations': async () => operations.list(),
    'labs.plan': async ({ spec }) => {
      const parsed = parseLabSpec(spec);
      return planFor(parsed, labs.get(parsed.name)?.subnetIndex ?? labs.size + 1);
    },
    'engine.current': async () => ({ ...engine, choices: DEMO_CHOICES }),
    'engine.choose': async (choice) => {
      const busy = operations.list()[0];
      if (busy) operations.requireIdle(busy.lab, 'choose another engine');
      engine = demoEngineFor(choice);
      return { ...engine, choices: DEMO_CHOICES };
    },
    'labs.preflight': async ({ spec }) => {
      const parsed = parseLabSpec(spec);
      const checks: PreflightCheck[] = [
        demoDockerCheck(engine),
        { id: 'memory', title: 'Memory', status: 'pass', detail: `${parsed.elasticsearch.nodes} × ${parsed.elasticsearch.memory} for Elasticsearch fits in 15.6 GiB free` },
        {
          id: 'max-map-count',
          title: 'vm.max_map_count',
          // The demo engine's kernel says 65530, as a new Linux machine does; emulated nodes enforce the bootstrap check too.
          status: 'warn',
          detail: 'vm.max_map_count is 65530, read inside a container on the engine; Elasticsearch wants at least 262144',
          fix: 'sudo sysctl -w vm.max_map_count=262144',
        },
        { id: 'ports', title: 'Ports', status: 'pass', detail: '9200, 5601 and 8220 are free on 127.0.0.1' },
      ];
      if (options.offline && parsed.images === 'official') {
        checks.push({
          id: 'images',
          title: 'Registry unreachable',
          status: 'warn',
          detail: `the Docker engine could not reach docker.elastic.co for docker.elastic.co/elasticsearch/elasticsearch:${parsed.version} and 2 more, and they are not on this machine (connect: connection refused)`,
          fix: 'Start the lab on emulated images, built here with no registry (seclab up --images emulated), or connect the engine to docker.elastic.co and try again.',
        });
      }
      if (labs.has(parsed.name)) {
        checks.push({ id: 'lab-exists', title: 'Lab name', status: 'warn', detail: `a lab named "${parsed.name}" exists`, fix: 'pick another name, or Reset it' });
      }
      return checks;
    },
    'labs.up': async ({ spec }) => {
      const parsed = parseLabSpec(spec);
      const existing = labs.get(parsed.name);
      if (existing?.state === 'creating') throw new SeclabError('LAB_BUSY', `Lab "${parsed.name}" is already being created.`, { lab: parsed.name });
      return operations.run(
        parsed.name,
        'up',
        () => {
          const subnetIndex = existing?.subnetIndex ?? labs.size + 1;
          const lab: FakeLab = { spec: parsed, plan: planFor(parsed, subnetIndex), state: 'creating', subnetIndex };
          labs.set(parsed.name, lab);
          return bringUp(lab);
        },
        (status) => status,
      );
    },
    'labs.down': async ({ lab: name, purge }) => {
      const lab = labOrThrow(name);
      return operations.run(name, 'down', async () => {
        const started = now().getTime();
        labEvent({ type: 'phase-started', lab: name, phase: 'teardown', title: 'Teardown', at: now().toISOString() });
        for (const container of lab.plan.containers) {
          labEvent({ type: 'component-state', lab: name, component: container.component, state: 'removed' });
          await pause(0.5);
        }
        labs.delete(name);
        pkis.delete(name);
        workshop.forget(name);
        labEvent({ type: 'phase-finished', lab: name, phase: 'teardown', outcome: 'done', detail: purge ? 'lab folder deleted' : undefined, at: now().toISOString(), elapsedMs: now().getTime() - started });
        return { removed: { containers: lab.plan.containers.length, volumes: lab.plan.volumes.length, networks: 1 } };
      });
    },
    'labs.reset': async ({ lab: name }) => {
      const lab = labOrThrow(name);
      return operations.run(
        name,
        'reset',
        async () => {
          lab.state = 'creating';
          lab.checks = undefined;
          pkis.delete(name);
          labEvent({ type: 'phase-started', lab: name, phase: 'teardown', title: 'Teardown', at: now().toISOString() });
          await pause();
          const detail = `removed ${removedObjects({ containers: lab.plan.containers.length, volumes: lab.plan.volumes.length, networks: 0 })}; ${KEPT_NETWORK_TEARDOWN_NOTE}`;
          labEvent({ type: 'phase-finished', lab: name, phase: 'teardown', outcome: 'done', detail, at: now().toISOString(), elapsedMs: stepMs });
          return bringUp(lab, { networkKept: true });
        },
        (status) => status,
      );
    },
    'labs.status': async ({ lab }) => statusOf(labOrThrow(lab)),
    'labs.access': async ({ lab: name }) => {
      const lab = labOrThrow(name);
      return {
        lab: name,
        emulated: lab.plan.emulated,
        ...(await reachLabEndpoints(demoPublishedPorts(engine), lab.plan.endpoints)),
        caFingerprintSha256: (await pkiOf(lab)).caFingerprintSha256,
        users: [
          { username: 'elastic', roles: ['superuser'], description: 'built-in superuser: break-glass only', builtIn: true },
          ...lab.plan.users.map((user) => ({ username: user.username, roles: user.roles, description: user.description, builtIn: false })),
        ],
      };
    },
    'labs.revealSecret': async ({ lab, username }) => {
      labOrThrow(lab);
      return { username, password: PASSWORDS[username] };
    },
    'labs.export': async ({ lab: name, format, outDir }) => {
      const lab = labOrThrow(name);
      const folder = outDir === undefined ? `/home/you/.seclab/exports/${name}-${format}-20261130-101500` : exportFolderFor('/home/you/.seclab', name, format, new Date(), outDir);
      return demoExport(lab.plan, format, folder);
    },
    'labs.caCertificate': async ({ lab }) => {
      const { caPem, caFingerprintSha256 } = await pkiOf(labOrThrow(lab));
      return { pem: caPem, fingerprintSha256: caFingerprintSha256 };
    },
    'labs.certificates': async ({ lab }) => (await pkiOf(labOrThrow(lab))).certificates,
    'labs.logs': async ({ lab, component, tail }) => {
      const known = labOrThrow(lab);
      return { lines: Array.from({ length: Math.min(tail, 40) }, (_, index) => logLine(known, component, index)) };
    },
    'logs.follow': async ({ lab, component }) => {
      const known = labOrThrow(lab);
      const subscription = `follow-${++followCounter}`;
      let index = 40;
      follows.set(
        subscription,
        setInterval(() => emit({ type: 'log-line', subscription, line: logLine(known, component, index++) }), Math.max(stepMs * 4, 200)),
      );
      return { subscription };
    },
    'logs.unfollow': async ({ subscription }) => {
      const timer = follows.get(subscription);
      if (timer) clearInterval(timer);
      return { stopped: follows.delete(subscription) };
    },
    'checks.run': async ({ lab: name }) => {
      const lab = labOrThrow(name);
      operations.requireIdle(name, 'run the checks');
      lab.checks = checksOf(lab);
      publishStatus(lab);
      return lab.checks;
    },
    ...workshop.handlers,
  };
}

/** What an export of the demo lab lists: the real layout's files, none written. */
function demoExport(plan: LabPlan, format: ExportFormat, outDir: string): ExportResult {
  const file = (path: string, mode: number, purpose: string, secret = false) => ({ path, mode, purpose, secret });
  if (format === 'eck') {
    return {
      format,
      outDir,
      files: [
        file('00-namespace.yaml', 0o644, "the lab's namespace"),
        file('10-secrets.yaml', 0o600, 'every secret: certificates, file-realm users, roles, Kibana keys', true),
        file('20-lab-ca.yaml', 0o644, 'the lab CA certificate'),
        file('30-network-policies.yaml', 0o644, 'NetworkPolicies in place of IP filtering'),
        file('40-elasticsearch.yaml', 0o644, 'Elasticsearch'),
        file('50-kibana.yaml', 0o644, 'Kibana'),
        file('60-fleet.yaml', 0o644, 'Fleet Server and agents'),
        file('README.md', 0o644, 'this guide'),
      ],
      nextSteps: [`kubectl apply -f ${outDir}/00-namespace.yaml`, `kubectl apply -f ${outDir}/10-secrets.yaml`, '…in the order README.md gives'],
    };
  }
  return {
    format,
    outDir,
    files: [
      file('docker-compose.yml', 0o644, 'the Compose project'),
      file('.env', 0o644, "Compose's project name"),
      file('README.md', 0o644, 'this guide'),
      file('setup/security-setup.sh', 0o644, "kibana_system's password, roles, users, Fleet Server's service token"),
      file('secrets/elastic.curlrc', 0o600, "curl config with elastic's credentials", true),
      ...plan.containers.map((container) => file(`components/${container.component}/place-files.sh`, 0o644, `puts ${container.component}'s files and keystore into its volumes`)),
    ],
    nextSteps: [`cd ${outDir} && docker compose up -d   # or docker-compose up -d`, `seclab status --lab ${plan.lab}`, `seclab down --lab ${plan.lab}   # or: docker compose down -v`],
  };
}
