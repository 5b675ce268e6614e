import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the agent keeps in `fleet.enc` under its config path (= STATE_PATH in a container) so a restart
 * need not enroll again. The real file is encrypted; the emulator writes the same name, base64 JSON, 0600.
 * `hosts`/`protocol` are the persisted Fleet client (remote.Config): right after enrollment the host-only
 * form ("fleet-server:8220", or "localhost:8221" for a co-located Fleet Server, whose enrollment goes
 * through its internal endpoint) with the scheme kept apart.
 */
export interface EnrolledState {
  agentId: string;
  accessApiKey: string;
  hosts: string[];
  protocol: 'http' | 'https';
  policyId: string;
  enrolledAt: string;
  /** Hash of the enrollment token used (the real agent keeps a PBKDF2 hash; here sha256). */
  enrollmentTokenHash: string;
}

export function hashEnrollmentToken(token: string): string {
  return token ? createHash('sha256').update(token).digest('base64') : '';
}

export function fleetStateFile(configPath: string): string {
  return join(configPath, 'fleet.enc');
}

export function readEnrolledState(configPath: string): EnrolledState | undefined {
  const file = fleetStateFile(configPath);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(Buffer.from(readFileSync(file, 'utf8'), 'base64').toString('utf8')) as EnrolledState;
  } catch {
    return undefined;
  }
}

export function writeEnrolledState(configPath: string, state: EnrolledState): void {
  mkdirSync(configPath, { recursive: true });
  writeFileSync(fleetStateFile(configPath), Buffer.from(JSON.stringify(state)).toString('base64'), { mode: 0o600 });
}

/** remote.NewConfigFromURL: scheme apart, host:port as the one host. */
export function persistedFleetClient(url: string): Pick<EnrolledState, 'hosts' | 'protocol'> {
  const parsed = new URL(url);
  return { hosts: [parsed.host], protocol: parsed.protocol === 'http:' ? 'http' : 'https' };
}
