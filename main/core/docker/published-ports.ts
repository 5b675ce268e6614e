import type { ResolvedEngine } from './engine-resolution.ts';
import type { SshEngineSession } from './ssh-engine-session.ts';

/**
 * How this machine reaches the ports a lab publishes on its engine host's 127.0.0.1. A local engine
 * (a socket, or tcp:// to loopback) shares this machine's loopback: the port is the port. An ssh://
 * engine's host is elsewhere: each port is reached through an SSH tunnel on the engine's own SSH
 * connection, listening on this machine's 127.0.0.1, so the lab's certificates (SANs 127.0.0.1 and
 * localhost) still verify. A tcp:// engine on another host has no SSH connection to borrow: its
 * ports are not reachable from here, and `instructions` says how to forward them by hand.
 */
export interface PublishedPortAccess {
  readonly kind: 'local' | 'ssh-tunnel' | 'remote-without-tunnel';
  /** The engine host, for sentences ("via SSH tunnel to root@host"). */
  readonly host?: string;
  /**
   * Makes each port reachable from here (opens its tunnel once); then `local` answers for it.
   * `samePort`: a tunnel listens on the same port number when it is free here (for a person to keep open).
   */
  open(ports: readonly number[], options?: { samePort?: boolean }): Promise<void>;
  /** Where the engine host's 127.0.0.1:`port` answers on this machine's 127.0.0.1. */
  local(port: number): number;
  /** The open tunnels: engine host port → local port. */
  tunnels(): Array<{ remotePort: number; localPort: number }>;
  /** For a remote engine without a tunnel: the ssh -L line that forwards `ports`, else undefined. */
  instructions(ports: readonly number[]): string | undefined;
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

export const localPublishedPorts: PublishedPortAccess = {
  kind: 'local',
  open: async () => undefined,
  local: (port) => port,
  tunnels: () => [],
  instructions: () => undefined,
  close: async () => undefined,
};

/** The ssh -L command that forwards `ports` from a remote engine host's loopback to the same ports here. */
export function sshForwardCommand(host: string, ports: readonly number[], user?: string, sshPort?: number): string {
  const forwards = ports.map((port) => `-L ${port}:127.0.0.1:${port}`).join(' ');
  return `ssh -N ${forwards}${sshPort && sshPort !== 22 ? ` -p ${sshPort}` : ''} ${user ?? 'USER'}@${host}`;
}

function remoteWithoutTunnel(host: string): PublishedPortAccess {
  return {
    ...localPublishedPorts,
    kind: 'remote-without-tunnel',
    host,
    instructions: (ports) =>
      ports.length
        ? `The lab's ports are published on ${host}'s 127.0.0.1, which this machine cannot reach over the engine's tcp:// connection. Forward them with \`${sshForwardCommand(host, ports)}\` (kept running), or use an ssh:// engine address, with which seclab opens the tunnel itself.`
        : undefined,
  };
}

function sshTunnels(session: SshEngineSession): PublishedPortAccess {
  const opened = new Map<number, Promise<number>>();
  const settled = new Map<number, number>();
  return {
    kind: 'ssh-tunnel',
    host: session.address.replace(/^ssh:\/\//, ''),
    async open(ports, options) {
      await Promise.all(
        ports.map((port) => {
          let tunnel = opened.get(port);
          if (!tunnel) {
            tunnel = session.forward(port, options?.samePort).then((local) => {
              settled.set(port, local);
              return local;
            });
            tunnel.catch(() => opened.delete(port));
            opened.set(port, tunnel);
          }
          return tunnel;
        }),
      );
    },
    local(port) {
      const local = settled.get(port);
      if (local === undefined) throw new Error(`internal: port ${port} of the engine host was used before its SSH tunnel was opened`);
      return local;
    },
    tunnels: () => [...settled].map(([remotePort, localPort]) => ({ remotePort, localPort })),
    instructions: () => undefined,
    async close() {
      opened.clear();
      settled.clear();
      await session.close();
    },
  };
}

export function publishedPortAccessFor(resolved: ResolvedEngine, session: SshEngineSession | undefined): PublishedPortAccess {
  if (session) return sshTunnels(session);
  const { host, socketPath } = resolved.options;
  if (socketPath || !host || LOOPBACK_HOSTS.has(host)) return localPublishedPorts;
  return remoteWithoutTunnel(host);
}
