import type { ContainerSetup } from '../container-env';
import type { AgentLogger } from '../logger';
import type { DaemonState, UnitState } from '../control-socket';
import { readEnrolledState, writeEnrolledState, type EnrolledState } from '../agent-state';
import { fleetRequest, type FleetConnection } from '../fleet-client';
import { AGENT_COMMIT, AGENT_VERSION } from '../version';
import { enrollWithBackoff, localMetadata } from './enroll';

export class AgentSetupError extends Error {}

/** How often the emulated agent checks in (the real one long-polls; Fleet sees it online either way). */
export const CHECKIN_INTERVAL_MS = 5000;

export interface RunningAgent {
  daemonState(): DaemonState;
  /** Resolves when enrollment succeeded; rejects with "fail to enroll: …". */
  enrolled: Promise<void>;
  stop(): void;
}

/** Agent mode of `elastic-agent container` (FLEET_ENROLL=1): enroll once (state survives restarts), then check in. */
export function runEnrolledAgent(setup: ContainerSetup, logger: AgentLogger): RunningAgent {
  const fleet = setup.fleet;
  if (!fleet.url) throw new AgentSetupError('fleet-server URL is required: set FLEET_URL');
  const connection: FleetConnection = { url: fleet.url, ca: fleet.ca, insecure: fleet.insecure, cert: fleet.cert, certKey: fleet.certKey };

  let stopped = false;
  let enrolled: EnrolledState | undefined = fleet.force ? undefined : readEnrolledState(setup.paths.state);
  let fleetState: UnitState = enrolled ? 'STARTING' : 'STOPPED';
  let fleetMessage = enrolled ? 'Connecting to Fleet' : 'Not enrolled into Fleet';
  let timer: NodeJS.Timeout | undefined;

  const checkin = async () => {
    if (!enrolled || stopped) return;
    try {
      const response = await fleetRequest(connection, 'POST', `api/fleet/agents/${enrolled.agentId}/checkin`, enrolled.accessApiKey, {
        status: 'online',
        message: 'Running',
        local_metadata: localMetadata(enrolled.agentId),
        components: [],
      });
      if (response.statusCode === 200) {
        if (fleetState !== 'HEALTHY') logger.info('Fleet checkin succeeded', { 'agent.id': enrolled.agentId });
        fleetState = 'HEALTHY';
        fleetMessage = 'Connected';
      } else {
        const body = response.body as { error?: string; message?: string };
        fleetState = 'FAILED';
        fleetMessage = `status code: ${response.statusCode}, fleet-server returned an error: ${body?.error}, message: ${body?.message}`;
        logger.error(`Cannot checkin in with fleet-server, retrying: ${fleetMessage}`);
      }
    } catch (error) {
      fleetState = 'FAILED';
      fleetMessage = error instanceof Error ? error.message : String(error);
      logger.error(`Cannot checkin in with fleet-server, retrying: ${fleetMessage}`);
    }
  };
  const scheduleCheckins = () => {
    const loop = async () => {
      await checkin();
      if (!stopped) timer = setTimeout(loop, CHECKIN_INTERVAL_MS);
    };
    void loop();
  };

  let enrolledPromise: Promise<void>;
  if (enrolled) {
    logger.info('Elastic Agent is already enrolled into Fleet; skipping enrollment (set FLEET_FORCE to re-enroll)', { 'agent.id': enrolled.agentId });
    enrolledPromise = Promise.resolve();
    scheduleCheckins();
  } else {
    if (!fleet.enrollmentToken) throw new AgentSetupError('enrollment token is required: set FLEET_ENROLLMENT_TOKEN');
    enrolledPromise = enrollWithBackoff(connection, fleet.enrollmentToken, fleet.tags, fleet.enrollTimeoutMs, logger, () => stopped).then((result) => {
      enrolled = { ...result, fleetUrl: fleet.url, enrolledAt: new Date().toISOString() };
      writeEnrolledState(setup.paths.state, enrolled);
      logger.info('Successfully enrolled the Elastic Agent.', { 'agent.id': result.agentId });
      fleetState = 'STARTING';
      fleetMessage = 'Connecting to Fleet';
      scheduleCheckins();
    });
  }

  return {
    enrolled: enrolledPromise,
    daemonState: () => ({
      info: { id: enrolled?.agentId ?? '', version: AGENT_VERSION, commit: AGENT_COMMIT },
      state: enrolled ? 'HEALTHY' : 'STARTING',
      message: enrolled ? 'Running' : 'Waiting for initial configuration and composable variables',
      fleet_state: fleetState,
      fleet_message: fleetMessage,
      components: [],
    }),
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
