import type { PublishedPortAccess } from '../../core/docker/published-ports.ts';

const NAMES: Record<string, string> = { elasticsearch: 'Elasticsearch', kibana: 'Kibana', fleetServer: 'Fleet Server' };

/**
 * For a lab on a remote engine: where its endpoints answer on this machine (an SSH tunnel's local
 * end), or how to forward them by hand. Nothing for a local engine, whose ports are this machine's.
 * `holding`: whether the tunnel outlives this output (access --tunnel) or closes when the command ends.
 */
export function formatPublishedPorts(access: PublishedPortAccess, endpoints: Record<string, string>, labFlag: string, holding = false): string {
  if (access.kind === 'local') return '';
  const ports = Object.values(endpoints).map((url) => Number(new URL(url).port));
  if (access.kind === 'remote-without-tunnel') return `${access.instructions(ports) ?? ''}\n`;
  const tunnels = new Map(access.tunnels().map((t) => [t.remotePort, t.localPort]));
  const lines = Object.entries(endpoints).flatMap(([name, url]) => {
    const local = tunnels.get(Number(new URL(url).port));
    return local === undefined ? [] : [`  ${NAMES[name] ?? name} https://127.0.0.1:${local} via SSH tunnel to ${access.host}`];
  });
  if (!lines.length) return `The lab's ports are on ${access.host}'s 127.0.0.1: \`seclab access${labFlag} --tunnel\` opens an SSH tunnel to them and keeps it open.\n`;
  const lasting = holding ? 'open until Ctrl-C' : `open while this command ran; \`seclab access${labFlag} --tunnel\` keeps one open`;
  return `${['SSH tunnel (' + lasting + '):', ...lines].join('\n')}\n`;
}
