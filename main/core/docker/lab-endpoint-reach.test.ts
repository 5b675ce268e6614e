import { describe, expect, it, vi } from 'vitest';
import { reachLabEndpoints } from './lab-endpoint-reach.ts';
import { localPublishedPorts, publishedPortAccessFor, type PublishedPortAccess } from './published-ports.ts';
import type { ResolvedEngine } from './engine-resolution.ts';

/** Issue 14: the app shows how each endpoint of a lab on a remote engine is reached, and uses the tunnel's port. */
const endpoints = { elasticsearch: 'https://localhost:9200', kibana: 'https://localhost:5601', fleetServer: 'https://localhost:8220' };

/** The ssh:// engine's tunnels, as published-ports.ts gives them, with local ports picked the way a busy machine would. */
function sshTunnels(fail?: Error): PublishedPortAccess & { open: ReturnType<typeof vi.fn> } {
  const local = new Map<number, number>();
  const open = vi.fn(async (ports: readonly number[]) => {
    if (fail) throw fail;
    for (const port of ports) local.set(port, port + 40000);
  });
  return { ...localPublishedPorts, kind: 'ssh-tunnel', host: 'ada@box:2222', open, local: (port) => local.get(port) as number };
}

describe("a lab's endpoints as the app shows them", () => {
  it('a local engine: as recorded, no tunnel', async () => {
    expect(await reachLabEndpoints(localPublishedPorts, endpoints)).toEqual({ endpoints, reach: { kind: 'local' } });
  });

  it('an ssh:// engine: the app opens the tunnels and the links use their local ports', async () => {
    const tunnels = sshTunnels();
    const reached = await reachLabEndpoints(tunnels, endpoints);
    expect(tunnels.open).toHaveBeenCalledWith([9200, 5601, 8220]);
    expect(reached.endpoints).toEqual({ elasticsearch: 'https://localhost:49200', kibana: 'https://localhost:45601', fleetServer: 'https://localhost:48220' });
    expect(reached.reach).toEqual({
      kind: 'ssh-tunnel',
      host: 'ada@box:2222',
      tunnels: [
        { endpoint: 'elasticsearch', remotePort: 9200, localPort: 49200 },
        { endpoint: 'kibana', remotePort: 5601, localPort: 45601 },
        { endpoint: 'fleetServer', remotePort: 8220, localPort: 48220 },
      ],
    });
  });

  it('a tunnel that does not open: the recorded addresses and the ssh -L command for that host', async () => {
    const reached = await reachLabEndpoints(sshTunnels(new Error('connect ECONNREFUSED')), { elasticsearch: endpoints.elasticsearch });
    expect(reached.endpoints).toEqual({ elasticsearch: endpoints.elasticsearch });
    expect(reached.reach).toMatchObject({ kind: 'remote-without-tunnel', command: 'ssh -N -L 9200:127.0.0.1:9200 -p 2222 ada@box' });
    expect(reached.reach.kind === 'remote-without-tunnel' && reached.reach.why).toContain('did not open (connect ECONNREFUSED)');
  });

  it('a tcp:// engine on another host: the ssh -L command, nothing opened', async () => {
    const access = publishedPortAccessFor({ options: { protocol: 'http', host: 'engine.lan', port: 2375 } } as unknown as ResolvedEngine, undefined);
    const reached = await reachLabEndpoints(access, endpoints);
    expect(reached.endpoints).toBe(endpoints);
    expect(reached.reach).toMatchObject({ kind: 'remote-without-tunnel', host: 'engine.lan', command: 'ssh -N -L 9200:127.0.0.1:9200 -L 5601:127.0.0.1:5601 -L 8220:127.0.0.1:8220 USER@engine.lan' });
  });
});
