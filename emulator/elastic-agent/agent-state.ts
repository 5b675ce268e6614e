import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What the agent keeps under STATE_PATH so a restart does not re-enroll. The real agent writes an
 * encrypted `fleet.enc`; the emulator writes the same file name, base64-obfuscated JSON, mode 0600.
 */
export interface EnrolledState {
  agentId: string;
  accessApiKey: string;
  fleetUrl: string;
  policyId: string;
  enrolledAt: string;
}

export function fleetStateFile(statePath: string): string {
  return join(statePath, 'fleet.enc');
}

export function readEnrolledState(statePath: string): EnrolledState | undefined {
  const file = fleetStateFile(statePath);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(Buffer.from(readFileSync(file, 'utf8'), 'base64').toString('utf8')) as EnrolledState;
  } catch {
    return undefined;
  }
}

export function writeEnrolledState(statePath: string, state: EnrolledState): void {
  mkdirSync(statePath, { recursive: true });
  writeFileSync(fleetStateFile(statePath), Buffer.from(JSON.stringify(state)).toString('base64'), { mode: 0o600 });
}
