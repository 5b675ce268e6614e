import { mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEventScrubber, createStreamScrubber, scrubSecrets, writeLabSecrets, type LabSecrets } from './lab-secrets.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const SERVICE_SECRET = 'Zq3vS3cretPartOfTheServiceTok3n';
const API_KEY_SECRET = 'k3yHalfOfTheEnrollmentApiKey';

const secrets: LabSecrets = {
  'elastic-password': 'ElasticPassw0rdElasticPassw0rd',
  'kibana-system-password': 'KibanaSystemPassw0rdKibanaSys',
  'lab-admin-password': 'LabAdminPassw0rdLabAdminPassw',
  'analyst-password': 'AnalystPassw0rdAnalystPassw0rd',
  'writer-password': 'WriterPassw0rdWriterPassw0rdWr',
  'kibana-security-encryption-key': 'a'.repeat(64),
  'fleet-server-service-token': Buffer.concat([Buffer.from([0, 1, 0, 1]), Buffer.from(`elastic/fleet-server/token-1:${SERVICE_SECRET}`)])
    .toString('base64')
    .replace(/=+$/, ''),
  'agent-enrollment-token': b64(`pQ8bW5ABc1d2e3f4g5h6:${API_KEY_SECRET}`),
};

describe('scrubSecrets', () => {
  it('scrubs each secret as itself and as base64', () => {
    for (const value of Object.values(secrets)) {
      expect(scrubSecrets(`before ${value} after`, secrets)).toBe('before <redacted> after');
      expect(scrubSecrets(`before ${b64(value!)} after`, secrets)).toBe('before <redacted> after');
    }
  });

  it('scrubs the Basic authorization header of every user', () => {
    const users: Array<[string, keyof LabSecrets]> = [
      ['elastic', 'elastic-password'],
      ['kibana_system', 'kibana-system-password'],
      ['lab_admin', 'lab-admin-password'],
      ['analyst', 'analyst-password'],
      ['writer', 'writer-password'],
    ];
    for (const [user, secret] of users) {
      const header = `Authorization: Basic ${b64(`${user}:${secrets[secret]}`)}`;
      expect(scrubSecrets(header, secrets), user).toBe('Authorization: Basic <redacted>');
    }
  });

  it('scrubs the secret half of API keys and service tokens, and their decoded pairs', () => {
    expect(scrubSecrets(`api_key=${API_KEY_SECRET}`, secrets)).toBe('api_key=<redacted>');
    expect(scrubSecrets(`ApiKey pQ8bW5ABc1d2e3f4g5h6:${API_KEY_SECRET}`, secrets)).toBe('ApiKey <redacted>');
    expect(scrubSecrets(`service token secret ${SERVICE_SECRET}`, secrets)).toBe('service token secret <redacted>');
    expect(scrubSecrets(`elastic/fleet-server/token-1:${SERVICE_SECRET}`, secrets)).toBe('<redacted>');
    expect(scrubSecrets(`Bearer ${secrets['fleet-server-service-token']}`, secrets)).toBe('Bearer <redacted>');
  });

  it('leaves other text alone', () => {
    expect(scrubSecrets('[es01] started, cluster green', secrets)).toBe('[es01] started, cluster green');
  });
});

describe('createStreamScrubber', () => {
  const password = secrets['elastic-password']!;

  it('scrubs a secret split across two chunks (two Docker frames)', () => {
    const scrubber = createStreamScrubber(secrets);
    const out = [scrubber.push(`login with ${password.slice(0, 10)}`), scrubber.push(`${password.slice(10)} failed\nnext `), scrubber.push('line\n'), scrubber.flush()].join('');
    expect(out).toBe('login with <redacted> failed\nnext line\n');
    expect(out).not.toContain(password.slice(0, 10));
  });

  it('writes whole lines at once and the unfinished line at the end', () => {
    const scrubber = createStreamScrubber(secrets);
    expect(scrubber.push('one\ntw')).toBe('one\n');
    expect(scrubber.push('o')).toBe('');
    expect(scrubber.flush()).toBe('two');
  });

  it('writes a line that never ends early, but never cuts a secret to do it', () => {
    const scrubber = createStreamScrubber(secrets, 100);
    const encoded = b64(`elastic:${password}`);
    const chunks = ['x'.repeat(150), encoded.slice(0, 7), encoded.slice(7), 'y'.repeat(150)];
    const out = chunks.map((chunk) => scrubber.push(chunk)).join('') + scrubber.flush();
    expect(out).toBe(`${'x'.repeat(150)}<redacted>${'y'.repeat(150)}`);
  });
});

describe('createEventScrubber', () => {
  it('scrubs every string of an event with its lab’s secrets, and sees secrets written later', () => {
    const home = mkdtempSync(join(tmpdir(), 'seclab-scrub-'));
    const scrub = createEventScrubber(home);
    const failure = {
      type: 'phase-finished',
      lab: 'demo',
      phase: 'security-setup',
      outcome: 'failed',
      detail: `PUT /_security/user/analyst answered 400 for {"password":"${secrets['analyst-password']}"} with Authorization: Basic ${b64(`elastic:${secrets['elastic-password']}`)}`,
      at: '',
      elapsedMs: 1,
    };
    expect(scrub('demo', failure)).toEqual(failure); // no secrets.json yet
    writeLabSecrets(home, 'demo', { 'elastic-password': secrets['elastic-password'] });
    expect(scrub('demo', failure).detail).toBe(`PUT /_security/user/analyst answered 400 for {"password":"${secrets['analyst-password']}"} with Authorization: Basic <redacted>`);
    writeLabSecrets(home, 'demo', secrets);
    utimesSync(join(home, 'labs', 'demo', 'secrets.json'), new Date(), new Date(Date.now() + 5000));
    expect(scrub('demo', failure).detail).toBe('PUT /_security/user/analyst answered 400 for {"password":"<redacted>"} with Authorization: Basic <redacted>');
    expect(scrub('other', failure)).toEqual(failure);
  });
});
