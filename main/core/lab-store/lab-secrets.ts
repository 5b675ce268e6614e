import { existsSync, readFileSync, statSync } from 'node:fs';
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

/** Which user each password belongs to, for the Basic authorization headers built from them. */
const USER_OF_PASSWORD: Partial<Record<SecretName, string>> = {
  'elastic-password': 'elastic',
  'kibana-system-password': 'kibana_system',
  'lab-admin-password': 'lab_admin',
  'analyst-password': 'analyst',
  'writer-password': 'writer',
};

/** Secrets that are base64 of `<id>:<secret>` (see decodedCredentialForms). */
const ENCODED_CREDENTIALS = new Set<SecretName>(['fleet-server-service-token', 'agent-enrollment-token']);

const MIN_SCRUBBED_LENGTH = 8;

function base64Forms(text: string): string[] {
  const standard = Buffer.from(text, 'utf8').toString('base64');
  const unpadded = standard.replace(/=+$/, '');
  return [standard, unpadded, Buffer.from(text, 'utf8').toString('base64url')];
}

/**
 * `id:api_key` base64 (Fleet enrollment tokens, ES API keys) and service tokens (base64 of a
 * 4-byte header and `elastic/fleet-server/<name>:<secret>`): the part after the last colon is
 * a secret on its own, and so is the decoded pair.
 */
function decodedCredentialForms(value: string): string[] {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return [];
  const decoded = Buffer.from(value, value.includes('-') || value.includes('_') ? 'base64url' : 'base64').toString('latin1');
  // A service token starts with a 4-byte binary header (00 01 00 01): matching control bytes is the point.
  // eslint-disable-next-line no-control-regex -- see above
  const printable = decoded.replace(/^[\x00-\x1f]+/, '');
  const colon = printable.lastIndexOf(':');
  if (colon < 0 || !/^[\x20-\x7e]+$/.test(printable)) return [];
  return [printable, printable.slice(colon + 1)];
}

/** Every form a lab secret can travel in: itself, its base64, each user's Basic header, and the secret half of tokens. */
export function secretForms(secrets: LabSecrets): string[] {
  const forms = new Set<string>();
  for (const [name, value] of Object.entries(secrets) as Array<[SecretName, string | undefined]>) {
    if (!value) continue;
    forms.add(value);
    base64Forms(value).forEach((form) => forms.add(form));
    const user = USER_OF_PASSWORD[name];
    if (user) base64Forms(`${user}:${value}`).forEach((form) => forms.add(form));
    if (ENCODED_CREDENTIALS.has(name)) decodedCredentialForms(value).forEach((form) => forms.add(form));
  }
  // Longest first, so a long form is never cut up by a shorter one inside it.
  return [...forms].filter((form) => form.length >= MIN_SCRUBBED_LENGTH).sort((a, b) => b.length - a.length);
}

function scrubForms(text: string, forms: string[]): string {
  let scrubbed = text;
  for (const form of forms) scrubbed = scrubbed.split(form).join('<redacted>');
  return scrubbed;
}

/** Replaces every known secret, in every form it travels in, in text (log lines, error messages) with <redacted>. */
export function scrubSecrets(text: string, secrets: LabSecrets): string {
  return scrubForms(text, secretForms(secrets));
}

/** Every string inside a value (an event, an error's context) scrubbed; the shape kept. */
export function scrubDeep<T>(value: T, secrets: LabSecrets): T {
  const forms = secretForms(secrets);
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return scrubForms(item, forms);
    if (Array.isArray(item)) return item.map(walk);
    if (item && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, walk(inner)]));
    return item;
  };
  return forms.length ? (walk(value) as T) : value;
}

/**
 * For a stream (`seclab logs -f`): chunks end anywhere, even inside a secret, so only whole
 * lines are scrubbed and written; the unfinished line waits for the next chunk. A line that
 * grows past `maxHeld` is written early, up to a point where no secret form can start.
 */
export function createStreamScrubber(secrets: LabSecrets, maxHeld = 64 * 1024): { push(text: string): string; flush(): string } {
  const forms = secretForms(secrets);
  const longest = forms[0]?.length ?? 1;
  let held = '';
  return {
    push(text) {
      held += text;
      let cut = held.lastIndexOf('\n') + 1;
      if (held.length - cut > maxHeld) cut = safeCut(held, held.length - (longest - 1), forms);
      const ready = held.slice(0, cut);
      held = held.slice(cut);
      return scrubForms(ready, forms);
    },
    flush() {
      const rest = held;
      held = '';
      return scrubForms(rest, forms);
    },
  };
}

/** Moves a cut back to the start of any secret form that would straddle it. */
function safeCut(text: string, cut: number, forms: string[]): number {
  let safe = cut;
  for (const form of forms) {
    const from = Math.max(0, cut - form.length + 1);
    for (let at = text.indexOf(form, from); at !== -1 && at < cut; at = text.indexOf(form, at + 1)) {
      if (at + form.length > cut) safe = Math.min(safe, at);
    }
  }
  return safe;
}

/**
 * Events leave core for the CLI and every UI client through this: each event's strings are
 * scrubbed with its lab's secrets, read again whenever secrets.json changes (a new lab writes
 * them mid-run, tokens are added as Fleet comes up).
 */
export function createEventScrubber(home: string): <T>(lab: string | undefined, event: T) => T {
  const cache = new Map<string, { mtimeMs: number; secrets: LabSecrets }>();
  const secretsOf = (lab: string): LabSecrets => {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(labPaths(home, lab).secrets).mtimeMs;
    } catch {
      return {};
    }
    const cached = cache.get(lab);
    if (cached?.mtimeMs === mtimeMs) return cached.secrets;
    const secrets = readLabSecrets(home, lab) ?? {};
    cache.set(lab, { mtimeMs, secrets });
    return secrets;
  };
  return (lab, event) => (lab ? scrubDeep(event, secretsOf(lab)) : event);
}
