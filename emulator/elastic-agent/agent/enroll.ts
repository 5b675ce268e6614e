import { hostname } from 'node:os';
import type { AgentLogger } from '../logger';
import { fleetRequest, FleetRequestError, type FleetConnection } from '../fleet-client';
import { AGENT_VERSION } from '../version';

export interface EnrollResult {
  agentId: string;
  accessApiKey: string;
  policyId: string;
}

interface FleetErrorBody {
  error?: string;
  message?: string;
}

export function localMetadata(agentId?: string): Record<string, unknown> {
  return {
    elastic: { agent: { ...(agentId ? { id: agentId } : {}), version: AGENT_VERSION, snapshot: false, upgradeable: false, log_level: 'info' } },
    host: { hostname: hostname(), name: hostname(), architecture: process.arch },
    os: { family: process.platform, platform: process.platform },
  };
}

/** One `POST /api/fleet/agents/enroll`; a non-200 answer is reported the way fleetapi does. */
export async function enrollOnce(connection: FleetConnection, enrollmentToken: string, tags: string[]): Promise<EnrollResult> {
  const response = await fleetRequest(connection, 'POST', 'api/fleet/agents/enroll', enrollmentToken, {
    type: 'PERMANENT',
    metadata: { local: localMetadata(), user_provided: {}, tags },
  });
  if (response.statusCode !== 200) {
    const body = (typeof response.body === 'object' && response.body ? response.body : {}) as FleetErrorBody;
    throw new FleetRequestError(
      `fail to execute request to fleet-server: status code: ${response.statusCode}, fleet-server returned an error: ${body.error ?? 'Unknown'}, message: ${body.message ?? String(response.body)}`,
      'http',
      response.statusCode,
    );
  }
  const item = (response.body as { item: { id: string; access_api_key: string; policy_id: string } }).item;
  return { agentId: item.id, accessApiKey: item.access_api_key, policyId: item.policy_id };
}

/**
 * enroll_cmd.go enrollWithBackoff: log, retry on every failure until FLEET_ENROLL_TIMEOUT, then give up with
 * "fail to enroll: …". (The real backoff starts at 60 s; the emulator starts at 1 s so labs settle quickly.)
 */
export async function enrollWithBackoff(connection: FleetConnection, enrollmentToken: string, tags: string[], timeoutMs: number, logger: AgentLogger, isStopped: () => boolean): Promise<EnrollResult> {
  const deadline = Date.now() + timeoutMs;
  let delayMs = 1000;
  logger.info(`Starting enrollment to URL: ${connection.url}`);
  for (;;) {
    try {
      return await enrollOnce(connection, enrollmentToken, tags);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (error instanceof FleetRequestError && error.kind === 'connection-refused') {
        logger.warn('Remote server is not ready to accept connections, will retry in a moment.');
      } else if (error instanceof FleetRequestError && error.statusCode !== undefined && error.statusCode >= 500) {
        logger.warn('Remote server failed to handle the request, will retry in a moment.');
      } else {
        logger.warn(`Enrollment failed: ${message}`);
      }
      if (isStopped() || Date.now() + delayMs > deadline) throw new Error(`fail to enroll: ${message}`);
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, 60_000);
    logger.info(`Retrying enrollment to URL: ${connection.url}`);
  }
}
