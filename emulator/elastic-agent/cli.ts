/** The `elastic-agent` command line: `container`, `status [--output …]`, `version [--binary-only]`. */
import { containerPaths } from './container-env';
import { fetchDaemonState } from './control-socket';
import { AGENT_BUILD_TIME, AGENT_COMMIT, AGENT_VERSION } from './version';

export async function runElasticAgentCli(argv: string[]): Promise<void> {
  const [command = 'run', ...rest] = argv;
  const statePath = containerPaths(process.env).state;
  const buildLine = `${AGENT_VERSION} (build: ${AGENT_COMMIT} at ${AGENT_BUILD_TIME.replace('T', ' ').replace('Z', ' +0000 UTC')})`;
  switch (command) {
    case 'container':
    case 'run':
      // Imported when run: `status`, the agent's healthcheck every few seconds, never loads the daemon's code.
      await (await import('./run-container')).runContainer(process.env);
      return;
    case 'status':
      process.exitCode = await (await import('./status-command')).runStatusCommand(rest, statePath);
      return;
    case 'version': {
      process.stdout.write(`Binary: ${buildLine}\n`);
      if (!rest.includes('--binary-only')) {
        try {
          await fetchDaemonState(statePath, 5000);
          process.stdout.write(`Daemon: ${buildLine}\n`);
        } catch {
          process.stdout.write('Daemon: timed out after 5 seconds trying to connect to Elastic Agent daemon\n');
        }
      }
      return;
    }
    default:
      process.stderr.write(`Error: unknown command "${command}" for "elastic-agent"\nRun 'elastic-agent --help' for usage.\n`);
      process.exitCode = 1;
  }
}
