import { stringify } from 'yaml';
import { fetchDaemonState, controlSocketPath, type DaemonState } from './control-socket';

/**
 * `elastic-agent status [--output human|full|json|yaml]` (internal/pkg/agent/cmd/status.go): a go-pretty
 * "connected light" list of the fleet and agent states; exit 0 only when the agent state is HEALTHY.
 */
export function renderHumanStatus(state: DaemonState, all: boolean): string {
  interface Item {
    text: string;
    children: Item[];
  }
  const status = (s: string, m: string) => `status: (${s}) ${m}`;
  const items: Item[] = [
    { text: 'fleet', children: [{ text: status(state.fleet_state, state.fleet_message), children: [] }] },
    {
      text: 'elastic-agent',
      children: [
        { text: status(state.state, state.message), children: [] },
        ...(all
          ? [{ text: 'info', children: [`id: ${state.info.id}`, `version: ${state.info.version}`, `commit: ${state.info.commit}`].map((t) => ({ text: t, children: [] })) }]
          : []),
        ...state.components
          .filter((c) => all || c.state !== 'HEALTHY' || c.units.some((u) => u.state !== 'HEALTHY'))
          .map((c) => ({
            text: c.id,
            children: [
              { text: status(c.state, c.message), children: [] },
              ...c.units
                .filter((u) => all || u.state !== 'HEALTHY')
                .map((u) => ({
                  text: u.unit_id,
                  children: [{ text: status(u.state, u.message), children: [] }, ...(all ? [{ text: `type: ${u.unit_type}`, children: [] }] : [])],
                })),
            ],
          })),
      ],
    },
  ];
  const lines: string[] = [];
  const walk = (list: Item[], prefix: string, topLevel: boolean) => {
    list.forEach((item, index) => {
      const last = index === list.length - 1;
      const first = index === 0;
      const connector = topLevel && first ? (last ? '──' : '┌─') : last ? '└─' : '├─';
      lines.push(`${prefix}${connector} ${item.text}`);
      walk(item.children, prefix + (last ? '   ' : '│  '), false);
    });
  };
  walk(items, '', true);
  return lines.join('\n');
}

export async function runStatusCommand(args: string[], statePath: string): Promise<number> {
  const outputIndex = args.findIndex((a) => a === '--output' || a.startsWith('--output='));
  const output = outputIndex < 0 ? 'human' : args[outputIndex]!.includes('=') ? args[outputIndex]!.split('=')[1] : args[outputIndex + 1];
  if (!['human', 'full', 'json', 'yaml'].includes(output ?? '')) {
    process.stderr.write(`Error: unsupported output: ${output}\n`);
    return 1;
  }
  let state: DaemonState;
  try {
    state = await fetchDaemonState(statePath);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    process.stderr.write(
      `Error: failed to communicate with Elastic Agent daemon: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix ${controlSocketPath(statePath)}: connect: ${reason.includes('ENOENT') ? 'no such file or directory' : reason.includes('ECONNREFUSED') ? 'connection refused' : reason}"\n` +
        'For help, please see our troubleshooting guide at https://www.elastic.co/guide/en/fleet/current/fleet-troubleshooting.html\n',
    );
    return 1;
  }
  if (output === 'json') process.stdout.write(JSON.stringify(state, null, 4) + '\n');
  else if (output === 'yaml') process.stdout.write(stringify(state) + '\n');
  else process.stdout.write(renderHumanStatus(state, output === 'full') + '\n');
  return state.state === 'HEALTHY' ? 0 : 1;
}
