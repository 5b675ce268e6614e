import { describe, expect, it } from 'vitest';
import { readContainerSetup } from './container-env';
import { shouldFleetEnroll, type AckOutcome } from './should-enroll';
import { hashEnrollmentToken, type EnrolledState } from './agent-state';

const fleetServerStored: EnrolledState = {
  agentId: 'fs-1',
  accessApiKey: 'key',
  hosts: ['localhost:8221'],
  protocol: 'https',
  policyId: 'fleet-server-policy',
  enrolledAt: '2025-01-01T00:00:00Z',
  enrollmentTokenHash: hashEnrollmentToken('bootstrap-token'),
};
const fleetServerEnv = { FLEET_SERVER_ENABLE: '1', FLEET_SERVER_CERT: '/c.crt', FLEET_SERVER_CERT_KEY: '/c.key' };
const refused: AckOutcome = { kind: 'network', message: 'fail to ack to fleet: … connection refused' };
const ack = (outcome: AckOutcome) => async () => outcome;

describe('shouldFleetEnroll, co-located Fleet Server (elastic-agent#15922, PR #15987)', () => {
  it('before 9.5.2 a restart with FLEET_URL set enrolls again (stored localhost:8221 never matches)', async () => {
    const setup = readContainerSetup({ ...fleetServerEnv, FLEET_URL: 'https://fleet-server:8220' });
    expect((await shouldFleetEnroll(setup, fleetServerStored, ack(refused), '9.4.3')).enroll).toBe(true);
  });
  it('before 9.5.2 a restart without FLEET_URL enrolls again too ("" never matches)', async () => {
    const setup = readContainerSetup({ ...fleetServerEnv, FLEET_SERVER_INSECURE_HTTP: '1', FLEET_SERVER_CERT: undefined, FLEET_SERVER_CERT_KEY: undefined });
    expect((await shouldFleetEnroll(setup, { ...fleetServerStored, protocol: 'http' }, ack(refused), '9.5.1')).enroll).toBe(true);
  });
  it('before 9.5.2 FLEET_URL=https://localhost:8221 matches, and the unreachable ack is fatal', async () => {
    const setup = readContainerSetup({ ...fleetServerEnv, FLEET_URL: 'https://localhost:8221' });
    await expect(shouldFleetEnroll(setup, fleetServerStored, ack(refused), '9.4.0')).rejects.toThrow('failed to validate api token: fail to ack to fleet');
  });
  it('9.5.2 keeps the enrollment with or without FLEET_URL, warning that Fleet Server was unreachable', async () => {
    for (const env of [{ ...fleetServerEnv, FLEET_URL: 'https://fleet-server:8220' }, fleetServerEnv]) {
      const decision = await shouldFleetEnroll(readContainerSetup(env), fleetServerStored, ack(refused), '9.5.2');
      expect(decision.enroll).toBe(false);
      expect(decision.warning).toMatch(/^failed to validate api token against Fleet Server, keeping existing enrollment: /);
    }
  });
  it('9.5.2 still enrolls again on FLEET_FORCE or a revoked API key', async () => {
    expect((await shouldFleetEnroll(readContainerSetup({ ...fleetServerEnv, FLEET_FORCE: '1' }), fleetServerStored, ack(refused), '9.5.2')).enroll).toBe(true);
    expect((await shouldFleetEnroll(readContainerSetup(fleetServerEnv), fleetServerStored, ack({ kind: 'invalid-api-key' }), '9.5.2')).enroll).toBe(true);
  });
});

describe('shouldFleetEnroll, enrolled agent (all versions)', () => {
  const stored: EnrolledState = { ...fleetServerStored, hosts: ['fleet-server:8220'], enrollmentTokenHash: hashEnrollmentToken('token-a') };
  const env = { FLEET_ENROLL: '1', FLEET_URL: 'https://fleet-server:8220', FLEET_ENROLLMENT_TOKEN: 'token-a' };
  it('keeps the enrollment when FLEET_URL, scheme and token match and the key is valid', async () => {
    for (const version of ['9.4.0', '9.5.2']) expect((await shouldFleetEnroll(readContainerSetup(env), stored, ack({ kind: 'ok' }), version)).enroll).toBe(false);
  });
  it('enrolls again when FLEET_URL, its scheme or the enrollment token changed', async () => {
    expect((await shouldFleetEnroll(readContainerSetup({ ...env, FLEET_URL: 'https://other:8220' }), stored, ack({ kind: 'ok' }), '9.5.2')).enroll).toBe(true);
    expect((await shouldFleetEnroll(readContainerSetup({ ...env, FLEET_URL: 'http://fleet-server:8220' }), stored, ack({ kind: 'ok' }), '9.5.2')).enroll).toBe(true);
    expect((await shouldFleetEnroll(readContainerSetup({ ...env, FLEET_ENROLLMENT_TOKEN: 'token-b' }), stored, ack({ kind: 'ok' }), '9.5.2')).enroll).toBe(true);
  });
  it('an unreachable Fleet Server is fatal before 9.5.2 and tolerated from 9.5.2', async () => {
    await expect(shouldFleetEnroll(readContainerSetup(env), stored, ack(refused), '9.5.1')).rejects.toThrow(/^failed to validate api token: /);
    expect((await shouldFleetEnroll(readContainerSetup(env), stored, ack(refused), '9.5.2')).enroll).toBe(false);
  });
});
