import type { DockerEngine } from '../docker/docker-engine.ts';
import { engineProbe, probeReport } from './engine-probe.ts';
import { portsPublishedByContainers, type ListedContainer } from '../docker/container-ports.ts';

/**
 * Which of the ports a lab wants are taken on a remote engine's host, whose 127.0.0.1 is where the
 * lab publishes them (not this machine's). Two looks, both on the engine: the ports its running
 * containers publish (another lab, anything started with -p), and a throwaway container on the host's
 * network that tries to listen on 127.0.0.1 at each port (what holds one outside Docker, an sshd's own
 * forward, a local service).
 */

export interface EngineHostPortsReport {
  /** Port → what holds it ("container seclab-other-es01", "a process on the engine host"). */
  busy: Map<number, string>;
  /** Said when the bind probe could not run: the published-port look alone answered. */
  partial?: string;
}

/** Node script for the probe container: tries to listen on 127.0.0.1 at each port, prints {"busy":[…]} (in use only: a port below 1024 it may not take is not "busy"). */
export function bindProbeScript(ports: readonly number[]): string {
  return (
    "const net = require('net'); " +
    `const ports = ${JSON.stringify(ports)}; ` +
    'Promise.all(ports.map((port) => new Promise((resolve) => { const s = net.createServer(); ' +
    "s.once('error', (e) => resolve(e.code === 'EADDRINUSE' ? port : undefined)); s.listen({ host: '127.0.0.1', port, exclusive: true }, () => s.close(() => resolve(undefined))); }))) " +
    '.then((r) => console.log(JSON.stringify({ busy: r.filter((p) => p !== undefined) })));'
  );
}

/** The ports the probe found taken, or undefined when its output says nothing usable. */
export function parseBindProbe(output: string): number[] | undefined {
  const busy = (probeReport(output) as Record<string, unknown> | null)?.busy;
  return Array.isArray(busy) && busy.every(Number.isInteger) ? (busy as number[]) : undefined;
}

export async function engineHostPortsInUse(engine: DockerEngine, lab: string, wanted: readonly number[]): Promise<EngineHostPortsReport> {
  const containers = (await engine.docker.listContainers({ all: false })) as ListedContainer[];
  const busy = portsPublishedByContainers(containers, wanted, lab);
  const unexplained = wanted.filter((port) => !busy.has(port));
  if (!unexplained.length) return { busy };
  try {
    const result = await (await engineProbe(engine, lab, 'ports'))(bindProbeScript(unexplained), { networkMode: 'host' });
    const taken = result.exitCode === 0 ? parseBindProbe(result.output) : undefined;
    if (!taken) return { busy, partial: `the port probe on the engine host said nothing usable (exit ${result.exitCode})` };
    for (const port of taken) busy.set(port, 'a process on the engine host');
    return { busy };
  } catch (error) {
    return { busy, partial: `the port probe on the engine host did not run (${(error as Error).message})` };
  }
}
