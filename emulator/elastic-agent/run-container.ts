import { existsSync, unlinkSync } from 'node:fs';
import type { Server } from 'node:http';
import { accessConfigError, readContainerSetup } from './container-env';
import { serveControlSocket, type DaemonState } from './control-socket';
import { initContainer } from './container-init';
import { ContainerStartError, prepareContainerPaths } from './container-paths';
import { createAgentLogger } from './logger';
import { ContainerSetupError } from './container-setup-error';
import { AgentSetupError, runEnrolledAgent } from './agent/run-agent';
import { readEnrolledState } from './agent-state';
import { EnrollCheckError, shouldFleetEnroll } from './should-enroll';
import { ackStoredEnrollment } from './ack-fleet';
import { enrollCommandError } from './enroll-command';
import { fleetServerServiceToken } from './service-token';
import { AGENT_COMMIT, AGENT_VERSION } from './version';
import { TROUBLESHOOT } from './troubleshoot';

const say = (line: string) => process.stdout.write(`${line}\n`);
const warn = (line: string) => process.stderr.write(`${line}\n`);

/** container.go logError, then os.Exit(1). */
function die(message: string): never {
  process.stderr.write(`Error: ${message}\n${TROUBLESHOOT}\n`);
  process.exit(1);
}

/**
 * `elastic-agent container` (internal/pkg/agent/cmd/container.go), step by step as the real one:
 * initContainer (capabilities, chown) → logContainerCmd/setPaths → defaultAccessConfig → for Fleet Server
 * ensureServiceToken → shouldFleetEnroll → the `elastic-agent enroll` subprocess (its checks; its failure
 * is "enrollment failed: exit status 1") → run. FLEET_SERVER_ENABLE → Fleet Server (and its own agent);
 * FLEET_ENROLL → enroll through FLEET_URL; otherwise a standalone agent with nothing to do.
 */
export async function runContainer(env: NodeJS.ProcessEnv): Promise<void> {
  initContainer(env, { out: say, err: warn });
  let socketPath: string;
  try {
    socketPath = prepareContainerPaths(env).socket;
  } catch (error) {
    if (error instanceof ContainerStartError) die(error.message);
    throw error;
  }
  const configError = accessConfigError(env);
  if (configError) die(configError);
  const setup = readContainerSetup(env);
  const logger = createAgentLogger();

  let serviceToken = '';
  if (setup.fleetServer.enable) {
    try {
      serviceToken = fleetServerServiceToken(setup, say);
    } catch (error) {
      if (error instanceof ContainerStartError) die(error.message);
      throw error;
    }
  }

  const stored = readEnrolledState(setup.paths.config);
  let keep = stored;
  try {
    const decision = await shouldFleetEnroll(setup, stored, (s) => ackStoredEnrollment(setup, s));
    if (decision.warning) logger.warn(decision.warning);
    if (decision.enroll) keep = undefined;
  } catch (error) {
    if (error instanceof EnrollCheckError) die(error.message);
    throw error;
  }
  if (setup.fleet.enroll && !keep) {
    if (setup.fleetServer.policyId) say(`Policy selected for enrollment:  ${setup.fleetServer.policyId}`);
    if (!setup.fleetServer.enable && !setup.fleet.url) die('FLEET_URL is required when FLEET_ENROLL is true without FLEET_SERVER_ENABLE');
    const enrollError = enrollCommandError(setup);
    if (enrollError) {
      // The enroll subprocess prints its own error, then the container reports the subprocess's exit.
      process.stderr.write(`Error: ${enrollError}\n${TROUBLESHOOT}\n`);
      die('enrollment failed: exit status 1');
    }
  }
  logger.info(`Elastic Agent ${AGENT_VERSION} (emulated) starting in container mode`, { 'state.path': setup.paths.state });

  let daemonState: () => DaemonState;
  let stopMode: () => Promise<void> | void = () => undefined;
  let daemonReady: Promise<void> = Promise.resolve();
  try {
    if (setup.fleetServer.enable) {
      // Imported only in Fleet Server's container: it alone loads the Elasticsearch client.
      const { runFleetServer } = await import('./fleet-server/run-fleet-server');
      const fleetServer = await runFleetServer(setup, logger, serviceToken, keep, (message) => {
        process.stderr.write(`Error: ${message}\n${TROUBLESHOOT}\n`);
        die('enrollment failed: exit status 1');
      });
      daemonState = fleetServer.daemonState;
      stopMode = fleetServer.stop;
    } else if (setup.fleet.enroll) {
      const agent = runEnrolledAgent(setup, logger, keep);
      daemonState = agent.daemonState;
      stopMode = agent.stop;
      // The daemon (`elastic-agent run`) starts only once the enroll subprocess succeeded.
      daemonReady = agent.enrolled;
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

  let control: Server | undefined;
  const shutdown = () => {
    logger.info('Shutting down Elastic Agent');
    void Promise.resolve(stopMode()).finally(() => {
      control?.close();
      if (control && existsSync(socketPath)) unlinkSync(socketPath);
      process.exit(0);
    });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  await daemonReady.catch(() => new Promise<never>(() => undefined));
  control = await serveControlSocket(setup.paths.state, () => daemonState());
}
