import type { ContainerSetup } from './container-env';
import type { EnrolledState } from './agent-state';
import { fleetRequest, FleetRequestError } from './fleet-client';
import type { AckOutcome } from './should-enroll';

/**
 * container.go `ackFleet`: an ACK with no events, as the stored agent, to the stored Fleet host — up to
 * 3 tries a second apart, stopping at once on an invalid API key (401). Transport failures read like the
 * agent's remote client: "fail to ack to fleet: all hosts failed: requester 0/1 to host https://h/ errored: Post "…": …".
 */
export async function ackStoredEnrollment(setup: ContainerSetup, stored: EnrolledState, retryIntervalMs = 1000): Promise<AckOutcome> {
  const base = `${stored.protocol}://${stored.hosts[0]}/`;
  const path = `api/fleet/agents/${stored.agentId}/acks`;
  const connection = {
    url: base,
    ca: setup.fleet.ca,
    insecure: setup.fleet.insecure,
    cert: setup.fleet.cert,
    certKey: setup.fleet.certKey,
    verifyHostname: !setup.fleetServer.enable,
  };
  let last: AckOutcome = { kind: 'error', message: 'no attempt' };
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const response = await fleetRequest(connection, 'POST', path, stored.accessApiKey, { events: null });
      if (response.statusCode === 401) return { kind: 'invalid-api-key' };
      const body = (response.body ?? {}) as { action?: string; error?: string; message?: string };
      if (response.statusCode === 200 && body.action === 'acks') return { kind: 'ok' };
      last = { kind: 'error', message: `status code: ${response.statusCode}, fleet-server returned an error: ${body.error ?? ''}, message: ${body.message ?? ''}` };
    } catch (error) {
      const goMessage = error instanceof FleetRequestError ? error.goMessage : String(error);
      last = { kind: 'network', message: `fail to ack to fleet: all hosts failed: requester 0/1 to host ${base} errored: Post "${base}${path}": ${goMessage}` };
    }
    if (attempt < 3) await new Promise((resolve) => setTimeout(resolve, retryIntervalMs));
  }
  return last;
}
