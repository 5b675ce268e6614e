import type { ContainerSetup } from './container-env';
import type { EnrolledState } from './agent-state';
import { hashEnrollmentToken } from './agent-state';
import { hasColocatedReenrollFix } from './version';

/**
 * elastic-agent internal/pkg/agent/cmd/container.go `shouldFleetEnroll`, per release:
 * - v9.4.0–v9.5.1 compare the stored Fleet host with FLEET_URL in every mode. A co-located Fleet Server
 *   stores its internal endpoint `localhost:8221` (enroll_cmd.go prepareFleetTLS), so unless FLEET_URL is
 *   that very endpoint it enrolls again on every restart — a new agent id each time, with or without
 *   FLEET_URL (elastic-agent#15922, #15971). A stored-key check that cannot reach Fleet Server (always the
 *   case for the co-located endpoint, not yet started) is fatal: "failed to validate api token: …".
 * - v9.5.2 (PR #15987) compares a Fleet Server's stored host with its internal endpoint, and keeps the
 *   enrollment when Fleet Server cannot be reached ("…, keeping existing enrollment").
 */
export type AckOutcome = { kind: 'ok' } | { kind: 'invalid-api-key' } | { kind: 'network'; message: string } | { kind: 'error'; message: string };

export interface EnrollDecision {
  enroll: boolean;
  /** Why, in words for the emulator's own log (the real agent logs nothing here). */
  reason: string;
  warning?: string;
}

export class EnrollCheckError extends Error {}

/** getBootstrapFleetServerURL: https://localhost:8221 unless Fleet Server runs plain HTTP without a certificate. */
export function bootstrapFleetServerUrl(setup: ContainerSetup): string {
  const fs = setup.fleetServer;
  const insecure = fs.insecureHttp && !fs.cert && !fs.certKey;
  return `${insecure ? 'http' : 'https'}://localhost:8221`;
}

/** Go url.Parse as far as this check needs it: the scheme and host of "scheme://host…", else none. */
function parseGoUrl(raw: string): { scheme: string; host: string } {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/.exec(raw);
  if (!match) return { scheme: '', host: '' };
  return { scheme: (match[1] as string).toLowerCase(), host: (match[2] as string).replace(/^.*@/, '') };
}

export async function shouldFleetEnroll(setup: ContainerSetup, stored: EnrolledState | undefined, ack: (stored: EnrolledState) => Promise<AckOutcome>, version?: string): Promise<EnrollDecision> {
  if (!setup.fleet.enroll) return { enroll: false, reason: 'enrollment disabled' };
  if (setup.fleet.force) return { enroll: true, reason: 'FLEET_FORCE' };
  if (!stored) return { enroll: true, reason: 'no fleet.enc' };
  // The stored fleet.agent.id is always empty after enrollment, so ELASTIC_AGENT_ID never matches it.
  if (setup.fleet.id) return { enroll: true, reason: 'ELASTIC_AGENT_ID does not match the stored one' };
  if (stored.hosts.length === 0) return { enroll: true, reason: 'no stored Fleet hosts' };
  const fixed = hasColocatedReenrollFix(version);
  const expected = fixed && setup.fleetServer.enable ? bootstrapFleetServerUrl(setup) : setup.fleet.url;
  const parsed = parseGoUrl(expected);
  const expectedHost = parsed.host || expected;
  const matchedFullUrl = stored.hosts.includes(expected);
  if (!matchedFullUrl && !stored.hosts.includes(expectedHost)) {
    return { enroll: true, reason: `stored Fleet host ${stored.hosts.join(',')} does not match ${JSON.stringify(expected)}` };
  }
  if (!matchedFullUrl && parsed.host && parsed.scheme && stored.protocol && parsed.scheme !== stored.protocol) {
    return { enroll: true, reason: 'Fleet protocol changed' };
  }
  if (stored.enrollmentTokenHash && setup.fleet.enrollmentToken && stored.enrollmentTokenHash !== hashEnrollmentToken(setup.fleet.enrollmentToken)) {
    return { enroll: true, reason: 'FLEET_ENROLLMENT_TOKEN changed' };
  }
  const outcome = await ack(stored);
  if (outcome.kind === 'invalid-api-key') return { enroll: true, reason: 'stored API key no longer valid' };
  if (outcome.kind === 'network') {
    if (!fixed) throw new EnrollCheckError(`failed to validate api token: ${outcome.message}`);
    return { enroll: false, reason: 'kept', warning: `failed to validate api token against Fleet Server, keeping existing enrollment: ${outcome.message}` };
  }
  if (outcome.kind === 'error') throw new EnrollCheckError(`failed to validate api token: ${outcome.message}`);
  return { enroll: false, reason: 'stored enrollment is valid' };
}
