import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ContainerPlan, LabPlan } from '../../../common/lab-plan.ts';
import type { CheckStatus } from '../../../common/checks.ts';
import { SeclabError } from '../../../common/errors.ts';
import type { CoreEnvironment } from '../environment.ts';
import type { ContainerInspection, DockerEngine } from '../docker/docker-engine.ts';
import { readLabRecord, type LabRecord } from '../lab-store/lab-records.ts';
import { labPaths } from '../lab-store/lab-home.ts';
import { readLabSecrets, type LabSecrets } from '../lab-store/lab-secrets.ts';
import { planLab } from '../planner/plan-lab.ts';
import { publishedHostPorts, stackConnections, type StackConnections } from '../orchestrator/stack-connections.ts';
import { runInNetworkProbe, type ProbePlacement } from './probes/run-in-network-probe.ts';
import { standingProbeName, standProbe } from './probes/run-probe-program.ts';
import type { NodeObservation } from './probes/in-network-probe.ts';
import { containerProcessesHere, processOf, type ContainerProcess, type ContainerProcessesHere } from '../docker/container-processes-here.ts';
import { componentStateOf, stateSentence, type ComponentState } from './component-state.ts';
import { keystoreToolFor } from '../orchestrator/keystore-tools.ts';
import { keystoreListing, type KeystoreListing } from './keystore-listings.ts';

export interface Observed {
  status: CheckStatus;
  evidence: string[];
  /** Replaces the catalogue's fix when the cause is known more precisely. */
  fix?: string;
}

/** Addresses on the lab network outside every allow list, for the IP-filter probe (.200–.254). */
const OUTSIDER_FIRST_OCTET = 200;
const OUTSIDER_LAST_OCTET = 254;
/** The OCI runtime's own init while it sets up an exec (`runc:[2:INIT]`, `runc init`, crun): root until it takes the container's user. */
const RUNTIME_INIT = /^(runc(:\[\d:[A-Z]+\])?|runc init|crun)$/;
/** How long a runtime init may stay root before it counts as a root process (under load it has taken more than 150 ms). */
const RUNTIME_INIT_GRACE_MS = 3000;
const RUNTIME_INIT_LOOK_EVERY_MS = 100;

/**
 * A process seen as root, looked at again: the runtime's init for an exec (this run's own `cat`, a
 * healthcheck) becomes the exec'd program as the container's user within moments, or ends; it is
 * watched until then (at most RUNTIME_INIT_GRACE_MS). Any other root process is root.
 */
async function rootProcessSettled(first: ContainerProcess): Promise<ContainerProcess | undefined> {
  let current: ContainerProcess | undefined = first;
  const deadline = Date.now() + RUNTIME_INIT_GRACE_MS;
  while (current && current.uid === '0' && RUNTIME_INIT.test(current.comm) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, RUNTIME_INIT_LOOK_EVERY_MS));
    current = processOf('/proc', current.pid);
  }
  return current;
}
const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';

/**
 * What every probe of one verification run shares: the lab's record and plan, the live Docker
 * inspection of each container, connections that verify the lab CA, and the in-network
 * observations (made once, used by several checks).
 */
export class VerificationContext {
  readonly plan: LabPlan;
  readonly secrets: LabSecrets;
  readonly caPem: string;
  readonly connections: StackConnections;
  readonly certsDir: string;
  private readonly inspections = new Map<string, Promise<ContainerInspection | undefined>>();
  private readonly files = new Map<string, Promise<string | undefined>>();
  private inNetwork?: Promise<NodeObservation[]>;
  private outsider?: Promise<{ ip: string; observations: NodeObservation[] }>;

  constructor(
    readonly environment: CoreEnvironment,
    readonly engine: DockerEngine,
    readonly record: LabRecord,
  ) {
    this.plan = planLab(record.spec, record.allocation);
    this.secrets = readLabSecrets(environment.home, record.spec.name) ?? {};
    this.certsDir = labPaths(environment.home, record.spec.name).certs;
    this.caPem = readFileSync(join(this.certsDir, 'ca', 'ca.crt'), 'utf8');
    this.connections = stackConnections(this.plan, this.certsDir, this.secrets, (port) => this.hostPort(port));
  }

  /** With the lab's published ports reachable from here (an ssh:// engine's through SSH tunnels). */
  static async forLab(environment: CoreEnvironment, lab: string): Promise<VerificationContext> {
    const record = readLabRecord(environment.home, lab);
    if (!record) throw new SeclabError('LAB_NOT_FOUND', `there is no lab named "${lab}" to verify`, { lab });
    const engine = environment.engine();
    await engine.publishedPorts.open(publishedHostPorts(planLab(record.spec, record.allocation)));
    return new VerificationContext(environment, engine, record);
  }

  /**
   * An engine on this machine's sockets (or loopback): the probes may stand, files are read with
   * `cat`, processes from /proc. Over ssh:// or tcp:// to another host every exec is a stream across
   * the network (over SSH a channel beside the tunnels the checks' handshakes go through, with 4–5 s
   * deadlines): there the checks keep one-shot probes, the archive endpoint and `docker top`.
   */
  private get engineIsLocal(): boolean {
    return this.engine.publishedPorts.kind === 'local';
  }

  /** Where this machine reaches `port` of the engine host's 127.0.0.1: itself, or an SSH tunnel's local end (forLab opens them). */
  hostPort(port: number): number {
    return this.engine.publishedPorts.local(port);
  }

  get lab(): string {
    return this.record.spec.name;
  }

  containersOf(kind: ContainerPlan['kind']): ContainerPlan[] {
    return this.plan.containers.filter((c) => c.kind === kind);
  }

  inspect(container: ContainerPlan): Promise<ContainerInspection | undefined> {
    let inspection = this.inspections.get(container.name);
    if (!inspection) {
      inspection = this.engine.inspectContainer(container.name);
      this.inspections.set(container.name, inspection);
    }
    return inspection;
  }

  /** Docker's state of a planned component, from the run's one inspection of its container. */
  async stateOf(container: ContainerPlan): Promise<ComponentState> {
    return componentStateOf(container, await this.inspect(container), this.lab);
  }

  /** The components among `containers` whose ports and processes cannot be probed now (stopped, paused, missing, …). */
  async unprobeable(containers: ContainerPlan[]): Promise<ComponentState[]> {
    const states = await Promise.all(containers.map((c) => this.stateOf(c)));
    return states.filter((s) => !s.probeable);
  }

  /** The Elasticsearch nodes that can be probed: a node that is not running is never probed, so nothing is said of what it "accepts". */
  private async probeableNodes(): Promise<ContainerPlan[]> {
    const nodes = this.containersOf('elasticsearch');
    const down = new Set((await this.unprobeable(nodes)).map((s) => s.component));
    const up = nodes.filter((n) => !down.has(n.component));
    if (!up.length) throw new Error(`no Elasticsearch node can be probed: ${(await this.unprobeable(nodes)).map(stateSentence).join(', ')}`);
    return up;
  }

  /**
   * Throws — so the check is `error` — when a planned container does not exist: a missing container's
   * ports, env, user or limits cannot be proved either way (it must not read as "no port", "no secret").
   */
  async requireContainers(containers: ContainerPlan[]): Promise<void> {
    const missing: string[] = [];
    for (const container of containers) if (!(await this.inspect(container))) missing.push(container.name);
    if (missing.length) throw new Error(`${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist (docker inspect: no such container)`);
  }

  /**
   * Transport and per-node HTTP observations of the running nodes, made from the first running node's
   * own network stack (an allowed address) with its certificate.
   */
  nodeObservations(): Promise<NodeObservation[]> {
    this.inNetwork ??= (async () => {
      const nodes = await this.probeableNodes();
      const first = nodes[0];
      const { answer } = await runInNetworkProbe(
        this.engine,
        // The standing probe is es01's: while es01 is down, a one-shot takes the next node's place rather than one more that would stay.
        { ...this.nodesVantage(first), standing: first.name === this.containersOf('elasticsearch')[0].name && (await this.probesMayStand()) },
        {
          caPem: this.caPem,
          client: {
            certPem: readFileSync(join(this.certsDir, first.component, `${first.component}.crt`), 'utf8'),
            keyPem: readFileSync(join(this.certsDir, first.component, `${first.component}.key`), 'utf8'),
          },
          nodes: nodes.map((n) => ({ name: n.component, ip: n.ip })),
          timeoutMs: 3000,
        },
        this.environment.home,
      );
      return answer;
    })();
    return this.inNetwork;
  }

  /** HTTP reachability of every node from an address on the lab network that no allow list names. */
  outsiderObservations(): Promise<{ ip: string; observations: NodeObservation[] }> {
    this.outsider ??= (async () => {
      const nodes = await this.probeableNodes();
      const { answer, address } = await runInNetworkProbe(
        this.engine,
        { ...this.outsiderVantage(), standing: await this.probesMayStand() },
        { caPem: this.caPem, nodes: nodes.map((n) => ({ name: n.component, ip: n.ip })), timeoutMs: 3000, reachOnly: true },
        this.environment.home,
      );
      if (!address) throw new Error('the outsider probe has no address on the lab network');
      return { ip: address, observations: answer };
    })();
    return this.outsider;
  }

  /** Inside a node's own network stack: an address its allow lists name, with its certificate. */
  private nodesVantage(node: ContainerPlan): ProbePlacement {
    return { lab: this.lab, vantage: node.component, from: { container: node.name } };
  }

  /** On the lab network, at an address no allow list names. */
  private outsiderVantage(): ProbePlacement {
    const base = this.plan.network.gateway.split('.').slice(0, 3).join('.');
    return {
      lab: this.lab,
      vantage: 'outsider',
      from: { network: this.plan.network.name, ip: () => `${base}.${OUTSIDER_FIRST_OCTET + (randomBytes(1)[0] % (OUTSIDER_LAST_OCTET - OUTSIDER_FIRST_OCTET + 1))}` },
    };
  }

  /**
   * Makes the lab's standing probes (es01's and the outsider's) without running anything in them, where
   * probes may stand: `up` makes a new lab's while it waits on Fleet. A probe that cannot stand now is
   * left to the verification that needs it. The names of the probes it tried to make, made or not: what
   * a failed `up` removes.
   */
  async standProbes(): Promise<string[]> {
    const es01 = this.containersOf('elasticsearch')[0];
    if (!es01 || !(await this.probesMayStand())) return [];
    const vantages = [this.nodesVantage(es01), this.outsiderVantage()];
    await Promise.allSettled(vantages.map((vantage) => standProbe(this.engine, vantage, this.environment.home)));
    return vantages.map(standingProbeName);
  }

  /**
   * Whether this lab's probes may stand between runs. Not in a lab Compose runs (the export's
   * `docker compose up`), whose `docker compose down` would find the probe on the lab's network and
   * could not remove the network; not on an engine reached over the network (ssh://, tcp:// to
   * another host), where making a standing probe takes more round trips than a one-shot and a
   * loaded CI ran the first run's past the checks' 15 s. There each run's probes are one-shots.
   */
  private async probesMayStand(): Promise<boolean> {
    if (!this.engineIsLocal) return false;
    const es01 = this.containersOf('elasticsearch')[0];
    return !(es01 && (await this.inspect(es01))?.Config.Labels?.[COMPOSE_PROJECT_LABEL]);
  }

  /** A file in a container, read once per run however many checks ask for it. */
  readContainerFile(container: ContainerPlan, path: string): Promise<string | undefined> {
    const key = `${container.name}\u0000${path}`;
    let content = this.files.get(key);
    if (!content) {
      content = this.readFileFromEngine(container, path);
      this.files.set(key, content);
    }
    return content;
  }

  /**
   * A running container's file from this machine's /proc when its processes are visible here, else
   * through `cat` in it: an exec costs the engine 0.06–0.15 s of CPU, and its archive endpoint
   * re-executes the engine binary for a chroot'ed tar, twice that. A stopped container's file, or one
   * its user may not read, comes from the archive.
   */
  private async readFileFromEngine(container: ContainerPlan, path: string): Promise<string | undefined> {
    if (this.engineIsLocal && (await this.inspect(container))?.State.Running) {
      const here = (await this.processesHere(container))?.file(path);
      if (here !== undefined) return here;
      const read = await this.exec(container, ['cat', '--', path]).catch(() => undefined);
      if (read?.exitCode === 0) return read.output;
    }
    return this.readFileFromArchive(container, path);
  }

  private async readFileFromArchive(container: ContainerPlan, path: string): Promise<string | undefined> {
    try {
      const stream = await this.engine.docker.getContainer(container.name).getArchive({ path });
      const { default: tar } = await import('tar-stream');
      const extract = tar.extract();
      let content: string | undefined;
      await new Promise<void>((resolve, reject) => {
        extract.on('entry', (_header, entry, next) => {
          const chunks: Buffer[] = [];
          entry.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
          entry.on('end', () => {
            content ??= Buffer.concat(chunks).toString('utf8');
            next();
          });
          entry.resume();
        });
        extract.on('finish', resolve);
        extract.on('error', reject);
        stream.pipe(extract);
      });
      return content;
    } catch {
      return undefined;
    }
  }

  /**
   * A running container's processes and what they run as (effective uid, as `ps -o uid,pid,comm`
   * shows them). An exec in the container (this run's own, a healthcheck) is root for a moment, in
   * the runtime's init before it takes the container's user: a root process is looked at again.
   */
  async processes(container: ContainerPlan): Promise<ContainerProcess[]> {
    const seen = (await this.processesHere(container))?.processes();
    if (!seen) {
      const top = await this.engine.docker.getContainer(container.name).top({ ps_args: '-o uid,pid,comm' });
      return (top?.Processes ?? []).map(([uid, pid, comm]: string[]) => ({ uid, pid: Number(pid), comm }));
    }
    return Promise.all(seen.map((p) => (p.uid === '0' ? rootProcessSettled(p) : p))).then((settled) => settled.filter((p): p is ContainerProcess => p !== undefined));
  }

  /** /proc/1/limits of a running container: its main process's resource limits. */
  async mainProcessLimits(container: ContainerPlan): Promise<string | undefined> {
    const here = await this.processesHere(container);
    if (here) return here.mainProcessLimits();
    const { output } = await this.exec(container, ['cat', '/proc/1/limits']);
    return output;
  }

  private async processesHere(container: ContainerPlan): Promise<ContainerProcessesHere | undefined> {
    if (!this.engineIsLocal) return undefined;
    const info = await this.inspect(container);
    return info ? containerProcessesHere(info.Id, info.State.Pid) : undefined;
  }

  /** The image's keystore tool's `list`, or its last listing while the keystore file is unchanged (keystore-listings.ts). */
  async keystoreListing(container: ContainerPlan): Promise<KeystoreListing> {
    const tool = keystoreToolFor(container.kind);
    if (!tool) throw new Error(`${container.component} has no keystore tool`);
    const list = () => this.exec(container, tool.list);
    const info = await this.inspect(container);
    if (!info?.State.Running) return list();
    const stamp = (await this.processesHere(container))?.fileStamp(tool.file);
    return keystoreListing({ labRoot: labPaths(this.environment.home, this.lab).root, component: container.component, containerId: info.Id, path: tool.file, stamp }, list, () => this.environment.now());
  }

  exec(container: ContainerPlan, cmd: string[]): Promise<{ exitCode: number; output: string }> {
    return this.engine.exec(container.name, cmd);
  }
}
