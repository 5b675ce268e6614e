import { stringify } from 'yaml';
import { fetchDaemonState, controlSocketPath, type DaemonState, type UnitState } from './control-socket';
import { TROUBLESHOOT } from './troubleshoot';

/**
 * `elastic-agent status [--output human|full|json|yaml]` (internal/pkg/agent/cmd/status.go, v9.4.0–v9.5.2):
 * - human/full: a go-pretty "connected light" list; human shows only what is not HEALTHY;
 * - json/yaml: client.AgentState marshalled as is — states are the cproto enum *numbers* (HEALTHY = 2),
 *   and the Fleet fields have no json tag, so JSON says "FleetState"/"FleetMessage" while YAML says
 *   fleet_state/fleet_message;
 * - exit 0 only when the agent state is HEALTHY, whatever the output; the Fleet state does not count;
 * - errors: "Error: <why>" and the troubleshooting line on stderr, exit 1.
 */
const STATE_NUMBER: Record<UnitState, number> = { STARTING: 0, CONFIGURING: 1, HEALTHY: 2, DEGRADED: 3, FAILED: 4, STOPPING: 5, STOPPED: 6 };
const UNIT_TYPE_NUMBER = { input: 0, output: 1 } as const;

export function renderHumanStatus(state: DaemonState, all: boolean): string {
  interface Item {
    text: string;
    children: Item[];
  }
  const leaf = (text: string): Item => ({ text, children: [] });
  const status = (s: string, m: string) => leaf(`status: (${s}) ${m}`);
  const items: Item[] = [
    { text: 'fleet', children: [status(state.fleet_state, state.fleet_message)] },
    {
      text: 'elastic-agent',
      children: [
        status(state.state, state.message),
        ...(all ? [{ text: 'info', children: [leaf(`id: ${state.info.id}`), leaf(`version: ${state.info.version}`), leaf(`commit: ${state.info.commit}`)] }] : []),
        ...[...state.components]
          .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
          .filter((c) => all || c.state !== 'HEALTHY' || c.units.some((u) => u.state !== 'HEALTHY'))
          .map((c) => ({
            text: c.id,
            children: [
              status(c.state, c.message),
              ...[...c.units]
                .sort((a, b) => (a.unit_id < b.unit_id ? -1 : a.unit_id > b.unit_id ? 1 : 0))
                .filter((u) => all || u.state !== 'HEALTHY')
                .map((u) => ({ text: u.unit_id, children: [status(u.state, u.message), ...(all ? [leaf(`type: ${u.unit_type.toUpperCase()}`)] : [])] })),
            ],
          })),
      ],
    },
  ];
  const lines: string[] = [];
  const walk = (list: Item[], prefix: string, topLevel: boolean) => {
    list.forEach((item, index) => {
      const last = index === list.length - 1;
      const connector = topLevel && index === 0 ? (last ? '──' : '┌─') : last ? '└─' : '├─';
      lines.push(`${prefix}${connector} ${item.text}`);
      walk(item.children, prefix + (last ? '   ' : '│  '), false);
    });
  };
  walk(items, '', true);
  return lines.join('\n');
}

/** client.AgentState as encoding/json (json tags) or yaml.v2 (yaml tags) sees it. */
export function agentStateDocument(state: DaemonState, format: 'json' | 'yaml'): Record<string, unknown> {
  const components = state.components.map((c) => ({
    id: c.id,
    name: c.name ?? c.id.replace(/-default$/, ''),
    state: STATE_NUMBER[c.state],
    message: c.message,
    units: c.units.map((u) => ({ unit_id: u.unit_id, unit_type: UNIT_TYPE_NUMBER[u.unit_type], state: STATE_NUMBER[u.state], message: u.message })),
    version_info: { name: '' },
  }));
  const info = {
    id: state.info.id,
    version: state.info.version,
    commit: state.info.commit,
    build_time: state.info.build_time ?? '',
    snapshot: state.info.snapshot ?? false,
    pid: state.info.pid ?? 0,
    unprivileged: state.info.unprivileged ?? false,
    is_managed: state.info.is_managed ?? false,
  };
  const fleet = format === 'json' ? { FleetState: STATE_NUMBER[state.fleet_state], FleetMessage: state.fleet_message } : { fleet_state: STATE_NUMBER[state.fleet_state], fleet_message: state.fleet_message };
  // A Go nil slice: JSON null, yaml.v2 [].
  return { info, state: STATE_NUMBER[state.state], message: state.message, components: components.length ? components : format === 'json' ? null : [], ...fleet };
}

function outputFlag(args: string[]): string {
  let output = 'human';
  args.forEach((arg, index) => {
    if (arg === '--output') output = args[index + 1] ?? '';
    else if (arg.startsWith('--output=')) output = arg.slice('--output='.length);
  });
  return output;
}

function fail(message: string): number {
  process.stderr.write(`Error: ${message}\n${TROUBLESHOOT}\n`);
  return 1;
}

export async function runStatusCommand(args: string[], statePath: string): Promise<number> {
  const output = outputFlag(args);
  if (!['human', 'full', 'json', 'yaml'].includes(output)) return fail(`unsupported output: ${output}`);
  let state: DaemonState;
  try {
    state = await fetchDaemonState(statePath);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (reason.startsWith('timed out after')) return fail(reason);
    const cause = reason.includes('ENOENT') ? 'no such file or directory' : reason.includes('ECONNREFUSED') ? 'connection refused' : reason.includes('EACCES') ? 'permission denied' : reason;
    return fail(
      `failed to communicate with Elastic Agent daemon: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial unix ${controlSocketPath(statePath)}: connect: ${cause}"`,
    );
  }
  if (output === 'json') process.stdout.write(JSON.stringify(agentStateDocument(state, 'json'), null, 4) + '\n');
  else if (output === 'yaml') process.stdout.write(stringify(agentStateDocument(state, 'yaml')) + '\n');
  else process.stdout.write(renderHumanStatus(state, output === 'full') + '\n');
  return state.state === 'HEALTHY' ? 0 : 1;
}
