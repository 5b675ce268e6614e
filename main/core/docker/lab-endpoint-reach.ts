import type { LabAccess, LabEndpointName, LabReach } from '../../../common/lab-status.ts';
import { sshForwardCommand, type PublishedPortAccess } from './published-ports.ts';

/** The ssh -L command for a host written as user@host:port (ssh://'s form) or a bare host name. */
function forwardCommandFor(host: string, ports: readonly number[]): string {
  const [, user, name, port] = /^(?:([^@]+)@)?(.+?)(?::(\d+))?$/.exec(host) ?? [];
  return sshForwardCommand(name ?? host, ports, user, port ? Number(port) : undefined);
}

/**
 * A lab's endpoints as the app shows them: on a local engine as recorded; on an ssh:// engine through
 * SSH tunnels opened here (once; they stay open while the app runs), each URL on its tunnel's local
 * port (the lab certificate names localhost and 127.0.0.1, so it still verifies); on a tcp:// engine
 * elsewhere, as recorded with the ssh -L command that forwards them.
 */
export async function reachLabEndpoints(access: PublishedPortAccess, endpoints: LabAccess['endpoints']): Promise<{ endpoints: LabAccess['endpoints']; reach: LabReach }> {
  const named = Object.entries(endpoints)
    .filter((entry): entry is [LabEndpointName, string] => typeof entry[1] === 'string')
    .map(([endpoint, url]) => ({ endpoint, url: new URL(url) }));
  const ports = named.map(({ url }) => Number(url.port));
  if (access.kind === 'local') return { endpoints, reach: { kind: 'local' } };
  const host = access.host ?? 'the engine host';
  if (access.kind === 'remote-without-tunnel') {
    return {
      endpoints,
      reach: {
        kind: 'remote-without-tunnel',
        host,
        command: forwardCommandFor(host, ports),
        why: `The lab's ports are on ${host}'s 127.0.0.1, which a tcp:// engine gives no way to reach. Forward them with this command, kept running, or use an ssh:// engine address.`,
      },
    };
  }
  try {
    await access.open(ports);
  } catch (error) {
    const why = `The SSH tunnel to ${host} did not open (${(error as Error).message}). Forward the lab's ports yourself with this command, kept running:`;
    return { endpoints, reach: { kind: 'remote-without-tunnel', host, command: forwardCommandFor(host, ports), why } };
  }
  const local = { ...endpoints };
  const tunnels = named.map(({ endpoint, url }) => {
    const remotePort = Number(url.port);
    const localPort = access.local(remotePort);
    url.port = String(localPort);
    local[endpoint] = url.toString().replace(/\/$/, '');
    return { endpoint, remotePort, localPort };
  });
  return { endpoints: local, reach: { kind: 'ssh-tunnel', host, tunnels } };
}
