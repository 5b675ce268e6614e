import type { ContainerSetup } from '../container-env';
import type { AgentLogger } from '../logger';
import type { DaemonState, UnitState } from '../control-socket';
import { hashEnrollmentToken, persistedFleetClient, writeEnrolledState, type EnrolledState } from '../agent-state';
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

/**
 * Agent mode of `elastic-agent container` (FLEET_ENROLL=1): enroll unless the container decided to keep
 * the stored enrollment (`keep`, should-enroll.ts), then check in. An enrolled agent talks to the Fleet
 * host it stored, as the real one does.
 */
export function runEnrolledAgent(setup: ContainerSetup, logger: AgentLogger, keep: EnrolledState | undefined): RunningAgent {
  const fleet = setup.fleet;
  const tls = { ca: fleet.ca, insecure: fleet.insecure, cert: fleet.cert, certKey: fleet.certKey };
  let connection: FleetConnection = keep ? { url: `${keep.protocol}://${keep.hosts[0]}`, ...tls } : { url: fleet.url, ...tls };

  let stopped = false;
  let enrolled: EnrolledState | undefined = keep;
  // coordinator.go: a managed agent's Fleet state starts STARTING with no message; the agent state turns
  // HEALTHY "Running" once a policy is applied (here: the first successful check-in). Fleet connectivity
  // never changes the agent state (elastic-agent PR #2239), so `elastic-agent status` exits 0 while the
  // Fleet state is FAILED.
  let fleetState: UnitState = 'STARTING';
  let fleetMessage = '';
  let policyApplied = false;
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
        policyApplied = true;
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
    logger.info('Elastic Agent is already enrolled into Fleet; skipping enrollment', { 'agent.id': enrolled.agentId });
    enrolledPromise = Promise.resolve();
    scheduleCheckins();
  } else {
    // The real container would look the token up in Kibana (KIBANA_FLEET_HOST, FLEET_TOKEN_POLICY_NAME); not emulated.
    if (!fleet.enrollmentToken) throw new AgentSetupError('enrollment token is required: set FLEET_ENROLLMENT_TOKEN (fetching one from Kibana is not emulated)');
    enrolledPromise = enrollWithBackoff(connection, fleet.enrollmentToken, fleet.tags, fleet.enrollTimeoutMs, logger, () => stopped).then((result) => {
      enrolled = {
        ...result,
        ...persistedFleetClient(fleet.url),
        enrolledAt: new Date().toISOString(),
        enrollmentTokenHash: hashEnrollmentToken(fleet.enrollmentToken),
      };
      connection = { url: fleet.url, ...tls };
      writeEnrolledState(setup.paths.config, enrolled);
      logger.info('Successfully enrolled the Elastic Agent.', { 'agent.id': result.agentId });
      scheduleCheckins();
    });
  }

  return {
    enrolled: enrolledPromise,
    daemonState: () => ({
      info: { id: enrolled?.agentId ?? '', version: AGENT_VERSION, commit: AGENT_COMMIT },
      state: policyApplied ? 'HEALTHY' : 'STARTING',
      message: policyApplied ? 'Running' : 'Starting',
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
