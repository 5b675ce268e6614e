import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLabSpec } from '../../common/lab-spec.ts';
import type { DockerEngine } from './docker/docker-engine.ts';
import { createLabHandlers } from './lab-handlers.ts';
import { labPaths } from './lab-store/lab-home.ts';
import { writeLabRecord } from './lab-store/lab-records.ts';
import { issueLabCertificates } from './pki/lab-pki.ts';
import { certificateRequestsFor } from './planner/certificate-requests.ts';

const home = mkdtempSync(join(tmpdir(), 'seclab-certificates-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** labs.certificates reads files only: any call on the engine is a mistake. */
const noEngine = new Proxy({} as DockerEngine, {
  get: (_, property) => {
    if (property === 'then') return undefined;
    throw new Error(`labs.certificates asked the Docker engine for ${String(property)}`);
  },
});

describe('labs.certificates on a lab with real certificates', () => {
  it("gives each server's subject, SANs, issuer, expiry and fingerprint from its certificate, and says an agent has none", async () => {
    const lab = 'certfacts';
    const spec = parseLabSpec({ name: lab, images: 'emulated' });
    const subnetIndex = 203;
    writeLabRecord(home, { spec, allocation: { subnetIndex, ports: { elasticsearch: 29300, kibana: 25701, fleetServer: 28320 } }, createdAt: new Date().toISOString() });
    const now = new Date('2026-11-28T09:00:00Z');
    const requests = certificateRequestsFor(spec, subnetIndex);
    await issueLabCertificates({ outDir: labPaths(home, lab).certs, components: requests, now });

    const handlers = createLabHandlers({ home, engine: () => noEngine, now: () => now, randomBytes: (size) => Buffer.alloc(size, 1) }, () => undefined);
    const certificates = await handlers['labs.certificates']({ lab });
    handlers.close();

    expect(certificates.map((entry) => entry.component)).toEqual(['es01', 'es02', 'es03', 'kibana', 'fleet-server', 'agent01']);
    const es02 = certificates.find((entry) => entry.component === 'es02')!;
    const request = requests.find((entry) => entry.name === 'es02')!;
    const onDisk = new X509Certificate(readLeaf(lab, 'es02'));
    expect(es02.certificate).toEqual({
      subject: 'CN=es02',
      sans: ['DNS:es02', 'DNS:localhost', `IP Address:${request.ipAddresses[0]}`, 'IP Address:127.0.0.1'],
      issuer: 'CN=Secure Cluster Lab CA',
      notAfter: new Date(now.getTime() + 365 * 24 * 3600 * 1000).toISOString(),
      fingerprintSha256: onDisk.fingerprint256.replace(/:/g, '').toLowerCase(),
    });
    expect(es02.certificate!.fingerprintSha256).toMatch(/^[0-9a-f]{64}$/);
    const kibana = certificates.find((entry) => entry.component === 'kibana')!;
    expect(kibana.certificate).toMatchObject({ subject: 'CN=kibana', issuer: 'CN=Secure Cluster Lab CA' });
    expect(kibana.certificate!.sans).toContain('DNS:kibana');
    expect(kibana.certificate!.fingerprintSha256).not.toBe(es02.certificate!.fingerprintSha256);
    const agent = certificates.find((entry) => entry.component === 'agent01')!;
    expect(agent).toMatchObject({ certificate: null, note: expect.stringContaining('an agent serves nothing') });
  });

  it('says which file is missing or unreadable and what to do, instead of failing the whole answer', async () => {
    const lab = 'certgone';
    const spec = parseLabSpec({ name: lab, images: 'emulated', agents: 0 });
    writeLabRecord(home, { spec, allocation: { subnetIndex: 204, ports: { elasticsearch: 29310, kibana: 25711, fleetServer: 28330 } }, createdAt: new Date().toISOString() });
    const requests = certificateRequestsFor(spec, 204).filter((request) => request.name !== 'kibana');
    await issueLabCertificates({ outDir: labPaths(home, lab).certs, components: requests, now: new Date() });
    writeFileSync(join(labPaths(home, lab).certs, 'es03', 'es03.crt'), 'not a certificate');

    const handlers = createLabHandlers({ home, engine: () => noEngine, now: () => new Date(), randomBytes: (size) => Buffer.alloc(size, 1) }, () => undefined);
    const certificates = await handlers['labs.certificates']({ lab });
    handlers.close();

    expect(certificates.find((entry) => entry.component === 'es01')!.certificate).toMatchObject({ subject: 'CN=es01' });
    expect(certificates.find((entry) => entry.component === 'kibana')).toMatchObject({ certificate: null, note: expect.stringMatching(/no certificate at .*kibana\.crt: Reset the lab/) });
    expect(certificates.find((entry) => entry.component === 'es03')).toMatchObject({ certificate: null, note: expect.stringMatching(/es03\.crt is not a readable PEM certificate/) });
  });

  it('refuses a lab this home has no record of, in words', async () => {
    const handlers = createLabHandlers({ home, engine: () => noEngine, now: () => new Date(), randomBytes: (size) => Buffer.alloc(size, 1) }, () => undefined);
    await expect(handlers['labs.certificates']({ lab: 'nosuchlab' })).rejects.toThrow(/there is no lab named "nosuchlab"/);
    handlers.close();
  });
});

function readLeaf(lab: string, component: string): string {
  return readFileSync(join(labPaths(home, lab).certs, component, `${component}.crt`), 'utf8');
}
