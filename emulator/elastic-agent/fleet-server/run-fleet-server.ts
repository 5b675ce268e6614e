import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { ContainerSetup } from '../container-env';
import type { AgentLogger } from '../logger';
import type { DaemonState } from '../control-socket';
import { AGENT_COMMIT, AGENT_VERSION } from '../version';
import { createFleetServerEsClients } from './es-connection';
import { FleetServerHealth } from './health';
import { FleetAgentsService, extractApiKey } from './agents-service';
import { createFleetServerHttpServer, type FleetServerTls } from './http-server';
import { FleetServerSelfEnrollment } from './self-enrollment';
import { generateSelfSignedFleetServerCertificate } from './self-signed';
import { checkGoX509KeyPair, GoX509KeyPairError } from './go-x509-key-pair';
import type { EnrolledState } from '../agent-state';
import { bootstrapFleetServerUrl } from '../should-enroll';
import { fleetRequest, FleetRequestError } from '../fleet-client';
import { formatGoDuration } from '../go-duration';
import { ContainerSetupError } from '../container-setup-error';

/** How often a Fleet Server not yet enrolled looks for its policy (standing in for the real monitor's subscription). */
const POLICY_WATCH_MS = 250;

/** internal/pkg/agent/cmd/enroll_cmd.go prepareFleetTLS: cert and key go together, else self-signed, unless insecure HTTP. */
function fleetServerTls(setup: ContainerSetup, logger: AgentLogger): FleetServerTls | undefined {
  const fs = setup.fleetServer;
  if (fs.cert && !fs.certKey) throw new ContainerSetupError('certificate private key is required when certificate provided');
  if (fs.certKey && !fs.cert) throw new ContainerSetupError('certificate is required when certificate private key is provided');
  if (!fs.cert) {
    if (fs.insecureHttp) return undefined;
    logger.info('Generating self-signed certificate for Fleet Server');
    const generated = generateSelfSignedFleetServerCertificate();
    return { ...generated, generatedCaPem: generated.cert, clientAuth: (fs.clientAuth || 'none') as FleetServerTls['clientAuth'], clientCa: setup.fleet.ca || undefined };
  }
  const cert = readFileSync(fs.cert, 'utf8');
  const key = readFileSync(fs.certKey, 'utf8');
  const passphrase = fs.certKeyPassphrasePath ? readFileSync(fs.certKeyPassphrasePath, 'utf8').trim() : undefined;
  try {
    checkGoX509KeyPair(cert, key, passphrase);
  } catch (error) {
    throw error instanceof GoX509KeyPairError ? new ContainerSetupError(error.message) : error;
  }
  return {
    cert,
    key,
    passphrase,
    clientAuth: (fs.clientAuth || 'none') as FleetServerTls['clientAuth'],
    clientCa: setup.fleet.ca || undefined,
  };
}

export interface RunningFleetServer {
  server: Server;
  daemonState(): DaemonState;
  stop(): Promise<void>;
}

/**
 * `serviceToken` is what fleet-server authenticates with (service-token.ts); `enrollment` is the stored
 * enrollment to keep, or undefined to enroll again (should-enroll.ts).
 */
export async function runFleetServer(
  setup: ContainerSetup,
  logger: AgentLogger,
  serviceToken: string,
  enrollment: EnrolledState | undefined,
  onEnrollGiveUp: (message: string) => void = () => undefined,
): Promise<RunningFleetServer> {
  const fsLogger = logger.with({ component: { id: 'fleet-server-default', binary: 'fleet-server' }, 'service.name': 'fleet-server' });
  if (!serviceToken) throw new ContainerSetupError('fleet-server bootstrap requires FLEET_SERVER_SERVICE_TOKEN or FLEET_SERVER_SERVICE_TOKEN_PATH');
  const tls = fleetServerTls(setup, logger);
  const clients = createFleetServerEsClients(setup.fleetServer.elasticsearch, serviceToken);
  const health = new FleetServerHealth(clients.service, setup.fleetServer.elasticsearch.host, fsLogger);
  const agents = new FleetAgentsService(clients);
  const host = setup.fleetServer.host || (tls ? '0.0.0.0' : 'localhost');
  const port = Number(setup.fleetServer.port || '8220');
  const ownEndpoint = `${tls ? 'https' : 'http'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/`;
  const selfEnrollment = new FleetServerSelfEnrollment(clients.service, setup.paths.config, setup.fleetServer.policyId, logger, {
    keep: enrollment,
    internalUrl: bootstrapFleetServerUrl(setup),
    reachOwnEndpoint: async () => {
      // A generated certificate comes with its CA as the trusted one (prepareFleetTLS); else FLEET_CA.
      const ca = tls?.generatedCaPem ? undefined : setup.fleet.ca;
      if (tls?.clientAuth === 'required') return undefined; // would need the agent's client certificate; not emulated
      try {
        await fleetRequest({ url: ownEndpoint, ca: ca ?? '', insecure: setup.fleet.insecure || !!tls?.generatedCaPem, cert: '', certKey: '', verifyHostname: false }, 'GET', 'api/status', '');
        return undefined;
      } catch (error) {
        return error instanceof FleetRequestError ? error.goMessage : String(error);
      }
    },
    giveUp: (message) => onEnrollGiveUp(message),
    timeoutMs: setup.fleet.enrollTimeoutMs,
  });

  const isApiKeyValid = async (header: string | undefined) => {
    try {
      const key = extractApiKey(header);
      await clients.asApiKey(key).security.authenticate();
      return true;
    } catch {
      return false;
    }
  };
  // Its Elasticsearch connection first, then the policy self monitor (internal/pkg/policy/self.go).
  const reported = () => (health.state === 'HEALTHY' ? selfEnrollment.selfMonitorState() : { state: health.state, message: health.message });
  const server = createFleetServerHttpServer({ state: () => reported().state, elasticsearchReachable: () => health.state === 'HEALTHY', agents, tls, logger: fsLogger, isApiKeyValid });
  // enroll.CreateFleetServerBootstrapConfig: empty host → 0.0.0.0, empty port → 8220; plain HTTP without a
  // certificate binds localhost unless FLEET_SERVER_HOST says otherwise (prepareFleetTLS).
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  fsLogger.info(`server listening on ${host}:${port} (${tls ? 'https' : 'http'})`, { bind: `${host}:${port}` });

  let enrolling = false;
  let startTimer: NodeJS.Timeout | undefined;
  const selfMonitorTick = () => {
    if (enrolling || health.state !== 'HEALTHY') return;
    enrolling = true;
    selfEnrollment
      .tick()
      .catch((error: unknown) => logger.warn(`Fleet Server self-enrollment failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        enrolling = false;
        // Started (its input DEGRADED or HEALTHY): the bootstrap's wait is over.
        const state = reported().state;
        if (state === 'DEGRADED' || state === 'HEALTHY') clearTimeout(startTimer);
      });
  };
  health.start(selfMonitorTick);
  // enroll_cmd.go waitForFleetServer: a Fleet Server being bootstrapped (a new enrollment) must report its
  // input DEGRADED or HEALTHY within FLEET_SERVER_TIMEOUT (0: 2m; negative: no limit), else the container
  // fails with "fleet-server failed: timed out waiting for Fleet Server to start after 2m0s".
  const startLimitMs = setup.fleetServer.timeoutMs;
  startTimer =
    !enrollment && startLimitMs > 0
      ? setTimeout(() => {
          onEnrollGiveUp(`fleet-server failed: timed out waiting for Fleet Server to start after ${formatGoDuration(startLimitMs)}`);
        }, startLimitMs)
      : undefined;
  // The real self monitor hears of a new policy revision through its `.fleet-policies` subscription (within
  // moments, not at its 5 s DefaultCheckTime): until enrolled, the emulator looks every POLICY_WATCH_MS.
  const policyWatch = setInterval(() => {
    if (selfEnrollment.agentId) clearInterval(policyWatch);
    else selfMonitorTick();
  }, POLICY_WATCH_MS);

  const daemonState = (): DaemonState => {
    const enrolled = selfEnrollment.agentId !== undefined;
    const { state, message } = reported();
    return {
      info: { id: selfEnrollment.agentId ?? '', version: AGENT_VERSION, commit: AGENT_COMMIT },
      state,
      message: state === 'HEALTHY' ? 'Running' : message,
      fleet_state: enrolled ? (selfEnrollment.lastCheckinOk ? 'HEALTHY' : 'FAILED') : 'STARTING',
      fleet_message: enrolled ? (selfEnrollment.lastCheckinOk ? 'Connected' : selfEnrollment.lastError) : selfEnrollment.selfMonitorState().message,
      components: [
        {
          id: 'fleet-server-default',
          state,
          message,
          units: [
            { unit_id: 'fleet-server-default-fleet-server-fleet_server-1', unit_type: 'input', state, message },
            { unit_id: 'fleet-server-default', unit_type: 'output', state: health.state, message: health.message },
          ],
        },
      ],
    };
  };

  return {
    server,
    daemonState,
    stop: async () => {
      health.stop();
      clearInterval(policyWatch);
      clearTimeout(startTimer);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections?.();
      await Promise.allSettled([clients.service.close()]);
    },
  };
}
