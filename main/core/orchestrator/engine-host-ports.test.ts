import { execFile } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseLabSpec } from '../../../common/lab-spec.ts';
import type { DockerEngine, EngineVersion } from '../docker/docker-engine.ts';
import { planLab } from '../planner/plan-lab.ts';
import { bindProbeScript, parseBindProbe } from './engine-host-ports.ts';
import { portsPublishedByContainers } from '../docker/container-ports.ts';
import { runPreflight } from './preflight.ts';

/** Issue 14: on a remote engine the lab's ports are the engine host's, and preflight checks them there. */

const plan = planLab(parseLabSpec({ name: 'remote', images: 'emulated' }), { subnetIndex: 202, ports: { elasticsearch: 19200, kibana: 15601, fleetServer: 18220 } });
const version: EngineVersion = { version: '27.0.0', apiVersion: '1.46', os: 'linux', kernelVersion: '6.1.0', memoryBytes: 64 * 1024 ** 3, operatingSystem: 'Debian GNU/Linux 12', components: ['Engine'] };
const remoteEngine = { version: async () => version, info: { address: 'ssh://ada@box' }, publishedPorts: { kind: 'ssh-tunnel', host: 'ada@box' } } as unknown as DockerEngine;

const portsCheck = async (busy: Map<number, string>, partial?: string) =>
  (await runPreflight({ engine: remoteEngine, plan, portsHeldByLab: [], labExists: false, engineHostPortsInUse: async () => ({ busy, ...(partial ? { partial } : {}) }) })).find((check) => check.id === 'ports');

describe("a remote engine's ports are checked on its host", () => {
  it('a port taken there fails, naming the host, the component and what holds it', async () => {
    expect(await portsCheck(new Map([[15601, 'container other-kibana']]))).toEqual({
      id: 'ports',
      title: 'Host ports',
      status: 'fail',
      detail: "already in use on ada@box's 127.0.0.1, checked on the engine: 15601 (kibana, held by container other-kibana)",
      fix: 'Stop what holds them, or choose other ports (--port-elasticsearch, --port-kibana, --port-fleet-server).',
    });
  });

  it('free ports pass, saying where they were checked; a probe that could not run is a warning', async () => {
    expect((await portsCheck(new Map()))?.detail).toBe("free on ada@box's 127.0.0.1 (checked on the engine): 19200, 15601, 18220");
    const partial = await portsCheck(new Map(), 'the port probe on the engine host did not run (no image)');
    expect(partial?.status).toBe('warn');
    expect(partial?.detail).toContain('the port probe on the engine host did not run');
  });

  it("published ports of other containers count on loopback or every address, never the lab's own or UDP", () => {
    const busy = portsPublishedByContainers(
      [
        { Names: ['/web'], Labels: {}, Ports: [{ IP: '0.0.0.0', PublicPort: 19200, Type: 'tcp' }] },
        { Names: ['/dns'], Labels: {}, Ports: [{ IP: '127.0.0.1', PublicPort: 15601, Type: 'udp' }] },
        { Names: ['/lan-only'], Labels: {}, Ports: [{ IP: '192.168.1.5', PublicPort: 15601, Type: 'tcp' }] },
        { Names: ['/seclab-remote-fleet-server'], Labels: { 'seclab.lab': 'remote' }, Ports: [{ IP: '127.0.0.1', PublicPort: 18220, Type: 'tcp' }] },
      ],
      [19200, 15601, 18220],
      'remote',
    );
    expect([...busy]).toEqual([[19200, 'container web']]);
  });

  it("a port Podman lists for a probe sharing the node's network stack is named after the node that publishes it", () => {
    const probe = { Names: ['/seclab-pod-probe-es01'], Labels: { 'seclab.lab': 'pod', 'seclab.role': 'probe' }, Ports: [{ IP: '127.0.0.1', PublicPort: 9200, Type: 'tcp' }] };
    const node = { Names: ['/seclab-pod-es01'], Labels: { 'seclab.lab': 'pod' }, Ports: [{ IP: '127.0.0.1', PublicPort: 9200, Type: 'tcp' }] };
    expect([...portsPublishedByContainers([probe, node])]).toEqual([[9200, 'container seclab-pod-es01']]);
    expect([...portsPublishedByContainers([node, probe])]).toEqual([[9200, 'container seclab-pod-es01']]);
  });

  it('the bind probe reports the ports something listens on, and only those', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const taken = (holder.address() as AddressInfo).port;
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['-e', bindProbeScript([taken, 0])]);
      expect(parseBindProbe(stdout)).toEqual([taken]);
    } finally {
      holder.close();
    }
    expect(parseBindProbe('not json')).toBeUndefined();
  });
});
