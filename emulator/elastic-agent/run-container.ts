import { existsSync, unlinkSync } from 'node:fs';
import type { Server } from 'node:http';
import { readContainerSetup } from './container-env';
import { controlSocketPath, serveControlSocket, type DaemonState } from './control-socket';
import { createAgentLogger } from './logger';
import { ContainerSetupError, runFleetServer } from './fleet-server/run-fleet-server';
import { AgentSetupError, runEnrolledAgent } from './agent/run-agent';
import { AGENT_COMMIT, AGENT_VERSION } from './version';

const TROUBLESHOOT = 'For help, please see our troubleshooting guide at https://www.elastic.co/guide/en/fleet/current/fleet-troubleshooting.html';

function die(message: string): never {
  process.stderr.write(`Error: ${message}\n${TROUBLESHOOT}\n`);
  process.exit(1);
}

/**
 * `elastic-agent container` (internal/pkg/agent/cmd/container.go): configure from the environment, then run.
 * FLEET_SERVER_ENABLE → Fleet Server (and its own agent); FLEET_ENROLL → enroll through FLEET_URL;
 * otherwise a standalone agent with nothing to do.
 */
export async function runContainer(env: NodeJS.ProcessEnv): Promise<void> {
  const setup = readContainerSetup(env);
  const logger = createAgentLogger();
  logger.info(`Elastic Agent ${AGENT_VERSION} (emulated) starting in container mode`, { 'state.path': setup.paths.state });

  let daemonState: () => DaemonState;
  let stopMode: () => Promise<void> | void = () => undefined;
  try {
    if (setup.fleetServer.enable) {
      const fleetServer = await runFleetServer(setup, logger);
      daemonState = fleetServer.daemonState;
      stopMode = fleetServer.stop;
    } else if (setup.fleet.enroll) {
      const agent = runEnrolledAgent(setup, logger);
      daemonState = agent.daemonState;
      stopMode = agent.stop;
      agent.enrolled.catch((error: unknown) => die(error instanceof Error ? error.message : String(error)));
    } else {
      daemonState = () => ({
        info: { id: '', version: AGENT_VERSION, commit: AGENT_COMMIT },
        state: 'HEALTHY',
        message: 'Running',
        fleet_state: 'STOPPED',
        fleet_message: 'Not enrolled into Fleet',
        components: [],
      });
    }
  } catch (error) {
    if (error instanceof ContainerSetupError || error instanceof AgentSetupError) die(error.message);
    throw error;
  }

  const control: Server = await serveControlSocket(setup.paths.state, () => daemonState());
  const shutdown = () => {
    logger.info('Shutting down Elastic Agent');
    void Promise.resolve(stopMode()).finally(() => {
      control.close();
      const socket = controlSocketPath(setup.paths.state);
      if (existsSync(socket)) unlinkSync(socket);
      process.exit(0);
    });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
