import { freeLoopbackPort as freePort } from '../support/free-port.ts';
import { runSeclab, type CliResult } from '../support/run-seclab.ts';

export type { CliResult };

/** The environment of a person who names the engine themselves: nothing of this machine's own engine choice leaks in. */
export function remoteEngineEnv(home: string, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SECLAB_HOME: home, NO_COLOR: '1', ...extra };
  for (const name of ['DOCKER_HOST', 'DOCKER_CONTEXT', 'SSH_AUTH_SOCK']) if (!(name in extra)) delete env[name];
  return env;
}

/** The real command line (bin/seclab.mjs), as a person runs it. */
export async function seclab(args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return runSeclab(args, env, 480_000);
}

/**
 * A small lab that still sends every kind of container through the engine: one node, Kibana, Fleet
 * Server, one agent. On ports picked at random: labs run beside it on this engine go for the defaults.
 */
export async function smallLabFlags(): Promise<string[]> {
  const [elasticsearch, kibana, fleetServer] = [await freePort(), await freePort(), await freePort()];
  return ['--images', 'emulated', '--nodes', '1', '--agents', '1', '--port-elasticsearch', String(elasticsearch), '--port-kibana', String(kibana), '--port-fleet-server', String(fleetServer)];
}

/** The checks of `status --json` that are neither pass nor info, as "id: status — evidence". */
export function unhappyChecks(statusJson: string): string[] {
  const status = JSON.parse(statusJson) as { checks?: Array<{ id: string; status: string; evidence?: string[] }> };
  return (status.checks ?? []).filter((check) => check.status !== 'pass' && check.status !== 'info').map((check) => `${check.id}: ${check.status} — ${(check.evidence ?? []).join('; ')}`);
}
