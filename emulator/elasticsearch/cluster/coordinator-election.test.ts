import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { Coordinator } from './coordinator.ts';
import type { NodeConfig } from '../config/node-config.ts';
import type { ServerLogger } from '../logging.ts';
import type { NodeStorage, PersistedClusterState } from './persistence.ts';
import type { TransportConnection, TransportService } from './transport.ts';
import type { DiscoveryNode } from './cluster-state.ts';

const NAMES = ['es01', 'es02', 'es03'];
const addressOf = (name: string) => `10.0.0.${NAMES.indexOf(name) + 1}:9300`;

/**
 * Three coordinators over an in-memory transport. `unreachable` holds the dials that fail ("es02>es01": es02
 * cannot open a connection to es01), as when one node's first dials go out before another listens.
 */
function cluster(unreachable: Set<string>, seeds: { byName: boolean; resolved: string[] } = { byName: false, resolved: [] }) {
  const coordinators = new Map<string, Coordinator>();
  const nodeOf = (name: string): DiscoveryNode => ({
    id: `id-${name}`,
    name,
    roles: ['master', 'data', 'ingest'],
    transportAddress: addressOf(name),
    httpAddress: `${addressOf(name).split(':')[0]}:9200`,
    ip: addressOf(name).split(':')[0]!,
    ephemeralId: `e-${name}`,
  });
  const connectionTo = (from: string, to: string): TransportConnection => {
    const connection = Object.assign(new EventEmitter(), {
      closed: false,
      peer: { node: nodeOf(to), clusterName: 'lab' },
      close: () => {
        connection.closed = true;
        connection.emit('close');
      },
      request: async (action: string, body: unknown) => structuredClone(await coordinators.get(to)!.handleTransportRequest(connection as unknown as TransportConnection, action, structuredClone(body))),
    });
    return connection as unknown as TransportConnection;
  };
  for (const name of NAMES) {
    const config = { discoveryType: undefined, seedHosts: seeds.byName ? NAMES : NAMES.map(addressOf), initialMasterNodes: NAMES, licenseType: 'basic' } as unknown as NodeConfig;
    // Docker's embedded DNS, as the node asks it: every lookup of a seed host's name is counted.
    const resolveHost = async (host: string) => {
      seeds.resolved.push(`${name}>${host}`);
      return { address: NAMES.includes(host) ? addressOf(host).split(':')[0]! : host };
    };
    const logger = { info: () => undefined, warn: () => undefined, context: {} } as unknown as ServerLogger;
    let persisted: PersistedClusterState | undefined;
    const storage = { loadClusterState: () => persisted, saveClusterState: (state: PersistedClusterState) => void (persisted = state) } as unknown as NodeStorage;
    const transport = {
      connect: async (host: string) => {
        const to = NAMES.find((candidate) => addressOf(candidate).startsWith(`${host}:`))!;
        if (unreachable.has(`${name}>${to}`)) throw new Error('connect_timeout');
        return connectionTo(name, to);
      },
    } as unknown as TransportService;
    coordinators.set(
      name,
      new Coordinator(
        config,
        logger,
        storage,
        () => transport,
        nodeOf(name),
        () => Date.now(),
        resolveHost,
      ),
    );
  }
  return coordinators;
}

let running: Coordinator[] = [];
afterEach(() => running.forEach((coordinator) => coordinator.stop()));

describe('the emulated election', () => {
  it('elects one master when two nodes each see a majority but not each other: one cluster, never two', async () => {
    // es01 reaches es02 and es03; es02 reaches only es03. Both are the lowest name they see among a majority of
    // cluster.initial_master_nodes; without votes both led, each bootstrapping its own cluster (seen in a Compose run).
    const coordinators = cluster(new Set(['es02>es01']));
    running = [...coordinators.values()];
    running.forEach((coordinator) => coordinator.start());
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const masters = running.filter((coordinator) => coordinator.isMaster()).map((coordinator) => coordinator.localNode.name);
    expect(masters).toHaveLength(1);
    const uuids = new Set(running.map((coordinator) => coordinator.metadata().clusterUuid).filter(Boolean));
    expect(uuids.size).toBe(1);
    expect(coordinators.get('es03')!.masterNode()?.name).toBe(masters[0]);
  });

  it('still forms at once when every node sees every other', async () => {
    const coordinators = cluster(new Set());
    running = [...coordinators.values()];
    running.forEach((coordinator) => coordinator.start());
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(running.map((coordinator) => coordinator.masterNode()?.name)).toEqual(['es01', 'es01', 'es01']);
    expect(new Set(running.map((coordinator) => coordinator.metadata().clusterUuid)).size).toBe(1);
  });

  it('resolves the seed hosts only while a node knows no master, as PeerFinder does once deactivated, and again once the master is gone', async () => {
    const seeds = { byName: true, resolved: [] as string[] };
    const coordinators = cluster(new Set(), seeds);
    running = [...coordinators.values()];
    running.forEach((coordinator) => coordinator.start());
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(running.map((coordinator) => coordinator.masterNode()?.name)).toEqual(['es01', 'es01', 'es01']);
    const formed = seeds.resolved.length;
    expect(formed).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(seeds.resolved.length).toBe(formed);

    // The others hear nothing from es01 for MASTER_SILENCE_MS (4 s), lose it, and look for peers again.
    coordinators.get('es01')!.stop();
    await new Promise((resolve) => setTimeout(resolve, 5000));
    expect(seeds.resolved.slice(formed).some((lookup) => lookup.startsWith('es02>') || lookup.startsWith('es03>'))).toBe(true);
  }, 15_000);
});
