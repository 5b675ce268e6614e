import { lookup } from 'node:dns/promises';
import type { NodeConfig } from '../config/node-config.js';
import type { ServerLogger } from '../logging.js';
import { Loggers } from '../logging.js';
import { ElasticsearchError, masterNotDiscovered } from '../http/rest-errors.js';
import { applyCommand, selfGeneratedLicense, type ClusterCommand } from './commands.js';
import { emptyMetadata, type ClusterMetadata, type DiscoveryNode, type PublishedState, type RestResult } from './cluster-state.js';
import type { NodeStorage } from './persistence.js';
import type { TransportConnection, TransportService } from './transport.js';
import { describeNode } from './discovery-node.js';
import { randomId } from '../security/passwords.js';

const TICK_MS = 300;
const REMOVAL_WARNING_INTERVAL_MS = 12 * 60 * 60 * 1000;
const PING_INTERVAL_MS = 1000;
const MASTER_SILENCE_MS = 4000;
const FOLLOWER_PING_FAILURES = 3;
const PUBLISH_TIMEOUT_MS = 5000;
const FORMATION_WARNING_INTERVAL_MS = 10000;

interface PeerStatus {
  node: DiscoveryNode;
  masterId: string | undefined;
  term: number;
  version: number;
  clusterUuid: string;
  votingConfig: string[];
}

const isMasterEligible = (node: DiscoveryNode) => node.roles.includes('master');

/**
 * Discovery, election, joins, publication and fault detection — a small stand-in for ES's Coordinator.
 * Rules: the first election needs a majority of cluster.initial_master_nodes (afterwards of the persisted
 * voting configuration) among the nodes this one can reach over verified transport; the lowest node name among
 * them stands, and becomes master only with the votes of a majority of the voting configuration for a new term,
 * each node voting once per term and never while it follows a live master; it adopts the newest persisted
 * state; everyone else joins it.
 */
export class Coordinator {
  private metadataValue: ClusterMetadata;
  private term: number;
  private applied: PublishedState | undefined;
  private master: DiscoveryNode | undefined;
  private readonly peers = new Map<string, TransportConnection>();
  private readonly connectedAddresses = new Map<string, string>();
  private readonly dialing = new Set<string>();
  private readonly lastDial = new Map<string, number>();
  private readonly selfAddresses = new Set<string>();
  private readonly followerFailures = new Map<string, number>();
  private lastMasterContact = 0;
  private lastFormationWarning = 0;
  private lastPing = 0;
  private electing = false;
  /** The newest term this node voted in (its own candidacy included): one vote per term, as in ES's CoordinationState. */
  private votedTerm = 0;
  private commandQueue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private removalWarningTimer: NodeJS.Timeout | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly config: NodeConfig,
    private readonly logger: ServerLogger,
    private readonly storage: NodeStorage,
    private readonly transport: () => TransportService,
    readonly localNode: DiscoveryNode,
    private readonly clock: () => number,
    private readonly resolveHost: (host: string) => Promise<{ address: string }> = (host) => lookup(host, { family: 4 }),
  ) {
    const persisted = storage.loadClusterState();
    this.metadataValue = persisted?.metadata ?? emptyMetadata();
    this.term = persisted?.term ?? 0;
  }

  metadata(): ClusterMetadata {
    return this.metadataValue;
  }

  appliedState(): PublishedState | undefined {
    return this.applied;
  }

  masterNode(): DiscoveryNode | undefined {
    return this.master;
  }

  start(): void {
    this.logBootstrapState();
    if (this.config.discoveryType === 'single-node') this.background(this.becomeMaster([]));
    this.timer = setInterval(() => this.background(this.tick()), TICK_MS);
  }

  /**
   * ClusterBootstrapService.logBootstrapState (ES PR #92744): a node that has joined a cluster before (its persisted
   * state carries the cluster UUID) and still has `cluster.initial_master_nodes` set warns now and every 12 hours.
   * Requirements print as Java's Set.toString, e.g. `[es01, es02, es03]`.
   */
  private logBootstrapState(): void {
    const requirements = this.config.discoveryType === 'single-node' ? [] : [...new Set(this.config.initialMasterNodes)];
    const clusterUuid = this.metadataValue.clusterUuid;
    const setting = 'cluster.initial_master_nodes';
    if (!clusterUuid) {
      this.logger.info(Loggers.clusterBootstrapService, `this node has not joined a bootstrapped cluster yet; [${setting}] is set to [${requirements.join(', ')}]`);
    } else if (requirements.length === 0) {
      this.logger.info(Loggers.clusterBootstrapService, `this node is locked into cluster UUID [${clusterUuid}] and will not attempt further cluster bootstrapping`);
    } else {
      const warn = () =>
        this.logger.warn(
          Loggers.clusterBootstrapService,
          `this node is locked into cluster UUID [${clusterUuid}] but [${setting}] is set to [${requirements.join(', ')}]; remove this setting to avoid possible data loss caused by subsequent cluster bootstrap attempts`,
        );
      warn();
      this.removalWarningTimer = setInterval(warn, REMOVAL_WARNING_INTERVAL_MS);
      this.removalWarningTimer.unref();
    }
  }

  /** Background work must never take the node down with an unhandled rejection; it is logged instead. */
  private background(work: Promise<unknown>): void {
    work.catch((error: unknown) => this.logger.warn(Loggers.coordinator, `unexpected failure in cluster coordination: ${(error as Error).stack ?? String(error)}`));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.removalWarningTimer) clearInterval(this.removalWarningTimer);
    for (const connection of this.peers.values()) connection.close();
  }

  /** Resolves when `predicate` holds, re-checked whenever the applied state or master changes. */
  waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
    if (predicate()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (predicate()) {
          clearTimeout(timer);
          this.waiters.delete(check);
          resolve(true);
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        resolve(predicate());
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  // ---- discovery -------------------------------------------------------------------------------

  private async seedAddresses(): Promise<string[]> {
    const addresses = new Set<string>();
    // The seed hosts are resolved only while this node knows no master: becoming leader or follower
    // deactivates ES's PeerFinder, whose handleWakeUp then returns before resolveConfiguredHosts. The
    // nodes of the applied cluster state are still dialled, as its NodeConnectionsService does.
    const seedHosts = this.master ? [] : this.config.seedHosts;
    for (const seed of seedHosts) {
      const match = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(seed.trim());
      if (!match) continue;
      const port = match[2] ?? '9300';
      try {
        const resolved = await this.resolveHost(match[1]!);
        addresses.add(`${resolved.address}:${port}`);
      } catch {
        // DNS names of containers that are not up yet resolve later
      }
    }
    for (const node of this.applied?.nodes ?? []) addresses.add(node.transportAddress);
    return [...addresses].filter((address) => address !== this.localNode.transportAddress && !this.selfAddresses.has(address));
  }

  private async tick(): Promise<void> {
    const now = this.clock();
    if (this.config.discoveryType !== 'single-node') {
      for (const address of await this.seedAddresses()) {
        if ([...this.connectedAddresses.values()].includes(address) || this.dialing.has(address)) continue;
        if (now - (this.lastDial.get(address) ?? 0) < 1000) continue;
        this.lastDial.set(address, now);
        void this.dial(address);
      }
    }
    if (this.isMaster()) {
      if (now - this.lastPing >= PING_INTERVAL_MS) {
        this.lastPing = now;
        this.background(this.pingFollowers());
        this.background(this.yieldToAnotherMaster());
      }
    } else if (this.master) {
      if (now - this.lastMasterContact > MASTER_SILENCE_MS || !this.peers.has(this.master.id)) this.masterLost('master left (no contact)');
    } else if (!this.electing) {
      this.electing = true;
      try {
        await this.tryToFormOrJoin();
      } finally {
        this.electing = false;
      }
    }
  }

  private async dial(address: string): Promise<void> {
    this.dialing.add(address);
    const separator = address.lastIndexOf(':');
    try {
      const connection = await this.transport().connect(address.slice(0, separator), Number(address.slice(separator + 1)));
      const peer = connection.peer!.node;
      if (peer.id === this.localNode.id) {
        this.selfAddresses.add(address);
        connection.close();
        return;
      }
      const existing = this.peers.get(peer.id);
      if (existing && !existing.closed) {
        connection.close();
        return;
      }
      this.peers.set(peer.id, connection);
      this.connectedAddresses.set(peer.id, address);
      connection.once('close', () => {
        if (this.peers.get(peer.id) === connection) {
          this.peers.delete(peer.id);
          this.connectedAddresses.delete(peer.id);
          this.onPeerDisconnected(peer);
        }
      });
    } catch {
      // failures are logged where they happen (TLS trust, handshake); discovery retries
    } finally {
      this.dialing.delete(address);
    }
  }

  private connectedPeers(): DiscoveryNode[] {
    return [...this.peers.values()].filter((connection) => !connection.closed).map((connection) => connection.peer!.node);
  }

  // ---- election --------------------------------------------------------------------------------

  private async tryToFormOrJoin(): Promise<void> {
    const statuses = (await Promise.all([...this.peers.values()].map((connection) => connection.request<PeerStatus>('internal:cluster/status', {}, 1000).catch(() => undefined)))).filter(
      (status): status is PeerStatus => status !== undefined,
    );
    const leader = statuses.find((status) => status.masterId === status.node.id);
    if (leader) {
      await this.join(leader.node);
      return;
    }
    if (!isMasterEligible(this.localNode)) return this.warnFormation(statuses, []);
    const bootstrapped = Boolean(this.metadataValue.clusterUuid);
    const knownCluster = statuses.find((status) => status.clusterUuid);
    let voters: string[];
    if (bootstrapped) voters = this.metadataValue.votingConfig;
    else if (knownCluster) voters = knownCluster.votingConfig;
    else if (this.config.initialMasterNodes.length > 0) voters = this.config.initialMasterNodes;
    else if (this.config.seedHosts.length === 0)
      voters = [this.localNode.name]; // development-mode auto-bootstrap
    else voters = [];
    const present = new Set([this.localNode.name, ...statuses.filter((status) => isMasterEligible(status.node)).map((status) => status.node.name)]);
    const presentVoters = voters.filter((name) => present.has(name)).sort();
    if (voters.length === 0 || presentVoters.length * 2 <= voters.length) return this.warnFormation(statuses, voters);
    if (presentVoters[0] !== this.localNode.name) return;
    await this.becomeMaster(statuses, voters);
  }

  private warnFormation(statuses: PeerStatus[], voters: string[]): void {
    const now = this.clock();
    if (now - this.lastFormationWarning < FORMATION_WARNING_INTERVAL_MS) return;
    this.lastFormationWarning = now;
    const discovered = statuses.map((status) => describeNode(status.node)).join(', ');
    const hosts = this.config.seedHosts.join(', ');
    const message = this.metadataValue.clusterUuid
      ? `master not discovered or elected yet, an election requires at least ${Math.floor(voters.length / 2) + 1} nodes with ids from [${voters.join(', ')}], have only discovered non-quorum [${[describeNode(this.localNode), discovered].filter(Boolean).join(', ')}]; discovery will continue using [${hosts}] from hosts providers; node term ${this.term}, last-accepted version ${this.metadataValue.version} in term ${this.term}`
      : `master not discovered yet, this node has not previously joined a bootstrapped cluster, and this node must discover master-eligible nodes [${this.config.initialMasterNodes.join(', ')}] to bootstrap a cluster: have discovered [${[describeNode(this.localNode), discovered].filter(Boolean).join(', ')}]; discovery will continue using [${hosts}] from hosts providers and [${describeNode(this.localNode)}] from last-known cluster state; node term ${this.term}, last-accepted version ${this.metadataValue.version} in term ${this.term}`;
    this.logger.warn(Loggers.formationHelper, message);
  }

  private async becomeMaster(statuses: PeerStatus[], voters: string[] = [this.localNode.name]): Promise<void> {
    const newer = statuses.filter((status) => status.clusterUuid && (!this.metadataValue.clusterUuid || status.clusterUuid === this.metadataValue.clusterUuid)).sort((a, b) => b.term - a.term || b.version - a.version)[0];
    if (newer && (newer.term > this.term || newer.version > this.metadataValue.version)) {
      const connection = this.peers.get(newer.node.id);
      const fetched = await connection?.request<{ metadata: ClusterMetadata }>('internal:cluster/state', {}, 5000).catch(() => undefined);
      if (!fetched) return;
      this.metadataValue = fetched.metadata;
    }
    const term = Math.max(this.term, this.votedTerm, ...statuses.map((status) => status.term)) + 1;
    const votes = await this.collectVotes(term, voters);
    if (votes.length * 2 <= voters.length) return;
    this.term = term;
    const metadata = structuredClone(this.metadataValue);
    if (!metadata.clusterUuid) {
      metadata.clusterUuid = randomId(22);
      metadata.votingConfig = [...voters].sort();
      this.logger.info(Loggers.coordinator, `setting initial configuration to VotingConfiguration{${metadata.votingConfig.join(',')}}`);
    }
    if (!metadata.license) {
      metadata.license = selfGeneratedLicense(this.config.licenseType, crypto.randomUUID(), this.clock());
      this.logger.info(Loggers.license, `license [${metadata.license.uid}] mode [${metadata.license.type}] - valid`);
    }
    this.metadataValue = metadata;
    const previous = this.master;
    this.logger.info(
      Loggers.masterService,
      `elected-as-master ([${votes.length}] nodes joined in term ${this.term}), term: ${this.term}, version: ${metadata.version + 1}, delta: master node changed {previous [${previous ? describeNode(previous) : ''}], current [${describeNode(this.localNode)}]}`,
    );
    // The voters follow at once: a voter left waiting for its next tick could vote again, for another candidate.
    await this.publish([this.localNode, ...votes.filter((node) => node.id !== this.localNode.id)]);
  }

  /**
   * The voters that vote for this node in `term`: itself, unless it already voted in that term, and each
   * reachable one that grants it. A vote is a join, as in ES: the first publication of the term goes to them.
   * Without votes two nodes that each see a majority but not each other would both lead, each with its own
   * new cluster (a split brain ES's elections rule out).
   */
  private async collectVotes(term: number, voters: string[]): Promise<DiscoveryNode[]> {
    if (this.votedTerm >= term) return [];
    this.votedTerm = term;
    const granted = await Promise.all(
      this.connectedPeerConnections()
        .filter((connection) => voters.includes(connection.peer!.node.name))
        .map((connection) =>
          connection.request<{ granted: boolean }>('internal:cluster/vote', { term, candidate: this.localNode.name }, PING_INTERVAL_MS).then(
            (answer) => (answer.granted ? connection.peer!.node : undefined),
            () => undefined,
          ),
        ),
    );
    const voted = new Map(granted.filter((node): node is DiscoveryNode => node !== undefined).map((node) => [node.name, node]));
    if (voters.includes(this.localNode.name)) voted.set(this.localNode.name, this.localNode);
    return [...voted.values()];
  }

  /** A vote for a candidate in `term`: once per term, and not while this node leads or hears from its master. */
  private grantVote(term: number): { granted: boolean } {
    const followingLiveMaster = this.master !== undefined && (this.isMaster() || this.clock() - this.lastMasterContact <= MASTER_SILENCE_MS);
    if (followingLiveMaster || term <= this.term || term <= this.votedTerm) return { granted: false };
    this.votedTerm = term;
    return { granted: true };
  }

  private async join(leader: DiscoveryNode): Promise<void> {
    const connection = this.peers.get(leader.id);
    if (!connection) return;
    try {
      await connection.request('internal:cluster/join', { node: this.localNode }, PUBLISH_TIMEOUT_MS);
    } catch (error) {
      this.logger.info(Loggers.coordinator, `failed to join ${describeNode(leader)} with JoinRequest{sourceNode=${describeNode(this.localNode)}}: ${(error as Error).message}`);
    }
  }

  // ---- master duties ---------------------------------------------------------------------------

  isMaster(): boolean {
    return this.master?.id === this.localNode.id;
  }

  private async publish(nodes: DiscoveryNode[] = this.applied?.nodes ?? [this.localNode]): Promise<void> {
    this.metadataValue.version += 1;
    const state: PublishedState = { term: this.term, version: this.metadataValue.version, masterId: this.localNode.id, nodes, metadata: this.metadataValue };
    this.applyState(state);
    await Promise.all(
      nodes
        .filter((node) => node.id !== this.localNode.id)
        .map((node) =>
          this.peers
            .get(node.id)
            ?.request('internal:cluster/publish', state, PUBLISH_TIMEOUT_MS)
            .catch(() => undefined),
        ),
    );
  }

  private async handleJoin(joiner: DiscoveryNode): Promise<unknown> {
    if (!this.isMaster()) throw new Error('node is no longer master');
    if (!this.peers.has(joiner.id)) {
      await this.dial(joiner.transportAddress);
      if (!this.peers.has(joiner.id)) throw new Error(`failed to validate incoming join request from node [${describeNode(joiner)}]: could not connect back`);
    }
    return this.enqueue(async () => {
      const nodes = (this.applied?.nodes ?? [this.localNode]).filter((node) => node.id !== joiner.id);
      nodes.push(joiner);
      if (isMasterEligible(joiner) && !this.metadataValue.votingConfig.includes(joiner.name)) {
        this.metadataValue = { ...this.metadataValue, votingConfig: [...this.metadataValue.votingConfig, joiner.name].sort() };
      }
      this.followerFailures.delete(joiner.id);
      this.logger.info(Loggers.masterService, `node-join[${describeNode(joiner)} joining], term: ${this.term}, version: ${this.metadataValue.version + 1}, delta: added {${describeNode(joiner)}}`);
      await this.publish(nodes);
      return { joined: true };
    });
  }

  private async pingFollowers(): Promise<void> {
    const followers = (this.applied?.nodes ?? []).filter((node) => node.id !== this.localNode.id);
    await Promise.all(
      followers.map(async (node) => {
        const connection = this.peers.get(node.id);
        const ok = connection
          ? await connection.request('internal:cluster/ping', { term: this.term, masterId: this.localNode.id }, PING_INTERVAL_MS).then(
              () => true,
              () => false,
            )
          : false;
        const failures = ok ? 0 : (this.followerFailures.get(node.id) ?? 0) + 1;
        this.followerFailures.set(node.id, failures);
        if (failures >= FOLLOWER_PING_FAILURES) await this.removeNode(node, connection ? 'followers check retry count exceeded' : 'disconnected');
      }),
    );
  }

  /**
   * ES never has two masters of one cluster: a term's election needs a quorum of votes, and each node
   * votes once. This stand-in elects without votes, so after a quick restart two nodes can each see a
   * quorum and both lead. Whoever finds another master of the same cluster in a newer term (or the same
   * term under a lower node name) steps down and joins it, as a node does that loses an election.
   */
  private async yieldToAnotherMaster(): Promise<void> {
    const statuses = await Promise.all(this.connectedPeerConnections().map((connection) => connection.request<PeerStatus>('internal:cluster/status', {}, PING_INTERVAL_MS).catch(() => undefined)));
    const rival = statuses.find(
      (status) =>
        status !== undefined &&
        status.masterId === status.node.id &&
        status.clusterUuid === this.metadataValue.clusterUuid &&
        (status.term > this.term || (status.term === this.term && status.node.name < this.localNode.name)),
    );
    if (rival && this.isMaster()) this.masterLost(`another master, ${rival.node.name}, leads term ${rival.term}`);
  }

  private connectedPeerConnections() {
    return [...this.peers.values()].filter((connection) => !connection.closed);
  }

  private onPeerDisconnected(peer: DiscoveryNode): void {
    if (this.isMaster() && this.applied?.nodes.some((node) => node.id === peer.id)) this.background(this.removeNode(peer, 'disconnected'));
    if (this.master?.id === peer.id) this.masterLost('disconnected');
  }

  private removeNode(node: DiscoveryNode, reason: string): Promise<unknown> {
    return this.enqueue(async () => {
      if (!this.applied?.nodes.some((entry) => entry.id === node.id)) return;
      this.followerFailures.delete(node.id);
      this.logger.info(Loggers.masterService, `node-left[${describeNode(node)} reason: ${reason}], term: ${this.term}, version: ${this.metadataValue.version + 1}, delta: removed {${describeNode(node)}}`);
      await this.publish(this.applied.nodes.filter((entry) => entry.id !== node.id));
    });
  }

  private enqueue<T>(work: () => Promise<T>): Promise<T> {
    const run = this.commandQueue.then(work, work);
    this.commandQueue = run.catch(() => undefined);
    return run;
  }

  private masterLost(reason: string): void {
    const previous = this.master;
    if (!previous) return;
    this.master = undefined;
    this.logger.info(Loggers.clusterApplier, `master node changed {previous [${describeNode(previous)}], current []}, term: ${this.term}, version: ${this.metadataValue.version}, reason: becoming candidate: ${reason}`);
    this.notify();
  }

  // ---- state application -------------------------------------------------------------------------

  private applyState(state: PublishedState): void {
    const previousMaster = this.master;
    const previousNodes = new Set((this.applied?.nodes ?? []).map((node) => node.id));
    this.applied = state;
    this.metadataValue = state.metadata;
    this.term = state.term;
    this.master = state.nodes.find((node) => node.id === state.masterId);
    this.storage.saveClusterState({ term: this.term, metadata: state.metadata });
    this.logger.context.clusterUuid = state.metadata.clusterUuid;
    if (previousMaster?.id !== this.master?.id) {
      this.logger.info(
        Loggers.clusterApplier,
        `master node changed {previous [${previousMaster ? describeNode(previousMaster) : ''}], current [${this.master ? describeNode(this.master) : ''}]}, term: ${state.term}, version: ${state.version}, reason: Publication{term=${state.term}, version=${state.version}}`,
      );
    }
    const added = state.nodes.filter((node) => !previousNodes.has(node.id) && node.id !== this.localNode.id);
    if (added.length > 0 && previousMaster?.id === this.master?.id) {
      this.logger.info(Loggers.clusterApplier, `added {${added.map(describeNode).join(', ')}}, term: ${state.term}, version: ${state.version}, reason: Publication{term=${state.term}, version=${state.version}}`);
    }
    this.notify();
  }

  /** Transport requests from other nodes. */
  async handleTransportRequest(connection: TransportConnection, action: string, body: unknown): Promise<unknown> {
    switch (action) {
      case 'internal:cluster/status':
        return {
          node: this.localNode,
          masterId: this.master?.id,
          term: this.term,
          version: this.metadataValue.version,
          clusterUuid: this.metadataValue.clusterUuid,
          votingConfig: this.metadataValue.votingConfig,
        } satisfies PeerStatus;
      case 'internal:cluster/state':
        return { metadata: this.metadataValue };
      case 'internal:cluster/join':
        return this.handleJoin((body as { node: DiscoveryNode }).node);
      case 'internal:cluster/vote':
        return this.grantVote((body as { term: number }).term);
      case 'internal:cluster/publish': {
        const state = body as PublishedState;
        if (state.term < this.term) throw new Error(`rejecting publication from term ${state.term}, current term is ${this.term}`);
        // Two nodes elected in the same term (a race after a restart): the lower node name keeps the role.
        const sender = state.nodes.find((node) => node.id === state.masterId);
        if (state.term === this.term && this.isMaster() && sender && sender.name > this.localNode.name) {
          throw new Error(`rejecting publication from [${sender.name}]: this node is master in term ${this.term}`);
        }
        this.lastMasterContact = this.clock();
        this.applyState(state);
        return { ack: true };
      }
      case 'internal:cluster/ping': {
        const ping = body as { term: number; masterId: string };
        if (ping.term < this.term) throw new Error('stale master');
        if (this.master?.id === ping.masterId) this.lastMasterContact = this.clock();
        else if (!this.master) throw new Error('not following this master');
        return { ok: true };
      }
      case 'internal:cluster/command':
        if (!this.isMaster()) throw new Error('no longer master');
        return this.executeOnMaster(body as ClusterCommand);
      default:
        throw new Error(`No handler for action [${action}] from [${connection.peer?.node.name ?? 'unknown'}]`);
    }
  }

  private executeOnMaster(command: ClusterCommand): Promise<RestResult> {
    return this.enqueue(async () => {
      const copy = structuredClone(this.metadataValue);
      const dataNodeCount = (this.applied?.nodes ?? [this.localNode]).filter((node) => node.roles.includes('data')).length;
      let result: RestResult;
      try {
        result = applyCommand(copy, command, { dataNodeCount });
      } catch (error) {
        if (error instanceof ElasticsearchError) return { ...error.toResult() };
        throw error;
      }
      this.metadataValue = copy;
      await this.publish();
      return result;
    });
  }

  /** Runs a write on the master, waiting up to `timeoutMs` for one to be elected. */
  async submit(command: ClusterCommand, timeoutMs: number): Promise<RestResult> {
    const deadline = this.clock() + timeoutMs;
    for (;;) {
      if (this.isMaster()) return this.executeOnMaster(command);
      const master = this.master;
      const connection = master ? this.peers.get(master.id) : undefined;
      if (connection) {
        try {
          return await connection.request<RestResult>('internal:cluster/command', command, Math.max(1000, deadline - this.clock()));
        } catch (error) {
          if (this.clock() >= deadline) throw error;
        }
      }
      const remaining = deadline - this.clock();
      if (remaining <= 0) {
        if (['index_document', 'update_document', 'delete_document', 'bulk', 'create_index', 'delete_indices'].includes(command.kind)) {
          throw new ElasticsearchError(503, 'cluster_block_exception', 'blocked by: [SERVICE_UNAVAILABLE/2/no master];');
        }
        throw masterNotDiscovered();
      }
      await this.waitFor(() => this.master !== undefined && this.master.id !== master?.id, Math.min(remaining, 1000));
    }
  }
}
