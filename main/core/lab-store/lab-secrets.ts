import { existsSync, readFileSync } from 'node:fs';
import type { SecretName } from '../../../common/lab-plan.ts';
import { SeclabError } from '../../../common/errors.ts';
import { writePrivateFileAtomically } from '../files/private-files.ts';
import { labPaths } from './lab-home.ts';

export type LabSecrets = Partial<Record<SecretName, string>>;

const ALPHANUMERIC = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/**
 * Alphanumeric, because Elastic's own compose recipe and many shell-based tools break on
 * quotes and dollars in passwords (docs: install-elasticsearch-docker-compose); 28 characters
 * of a 57-letter alphabet is still ~163 bits.
 */
export function randomPassword(randomBytes: (size: number) => Buffer, length = 28): string {
  const bytes = randomBytes(length * 2);
  let out = '';
  for (let i = 0; i < bytes.length && out.length < length; i++) {
    // Rejection sampling keeps every letter equally likely.
    if (bytes[i] < 256 - (256 % ALPHANUMERIC.length)) out += ALPHANUMERIC[bytes[i] % ALPHANUMERIC.length];
  }
  if (out.length < length) return out + randomPassword(randomBytes, length - out.length);
  return out;
}

/** Kibana's encryption keys must be at least 32 characters (Kibana security settings docs). */
export const randomEncryptionKey = (randomBytes: (size: number) => Buffer) => randomBytes(32).toString('hex');

export function generateLabSecrets(randomBytes: (size: number) => Buffer): LabSecrets {
  return {
    'elastic-password': randomPassword(randomBytes),
    'kibana-system-password': randomPassword(randomBytes),
    'lab-admin-password': randomPassword(randomBytes),
    'analyst-password': randomPassword(randomBytes),
    'writer-password': randomPassword(randomBytes),
    'kibana-security-encryption-key': randomEncryptionKey(randomBytes),
    'kibana-saved-objects-encryption-key': randomEncryptionKey(randomBytes),
    'kibana-reporting-encryption-key': randomEncryptionKey(randomBytes),
  };
}

export function readLabSecrets(home: string, lab: string): LabSecrets | undefined {
  const path = labPaths(home, lab).secrets;
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as LabSecrets;
}

export function writeLabSecrets(home: string, lab: string, secrets: LabSecrets): void {
  writePrivateFileAtomically(labPaths(home, lab).secrets, `${JSON.stringify(secrets, null, 2)}\n`);
}

export function requireSecret(secrets: LabSecrets, name: SecretName): string {
  const value = secrets[name];
  if (!value) throw new SeclabError('SECRET_MISSING', `the lab's secret "${name}" is missing from secrets.json: run \`seclab reset\` to issue new secrets`);
  return value;
}

/** Replaces every known secret value in text (log lines, error messages) with <redacted>. */
export function scrubSecrets(text: string, secrets: LabSecrets): string {
  let scrubbed = text;
  for (const value of Object.values(secrets)) {
    if (value && value.length >= 8) scrubbed = scrubbed.split(value).join('<redacted>');
  }
  return scrubbed;
}
