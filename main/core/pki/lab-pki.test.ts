import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import forge from 'node-forge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueLabCertificates } from './lab-pki.ts';
import { certificateRequestsFor } from '../planner/certificate-requests.ts';
import { parseLabSpec } from '../../../common/lab-spec.ts';

const NOW = new Date('2026-11-28T00:00:00Z');
const DAY = 24 * 3600 * 1000;
let dir: string;
const spec = parseLabSpec({});
const components = () => certificateRequestsFor(spec, 7);
// forge builds the to-be-signed part with this (x509.js) but leaves it out of its typings.
const tbsCertificateOf = (certificate: forge.pki.Certificate) => (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(certificate);
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8' });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'seclab-pki-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('lab PKI', () => {
  it("writes certutil's PEM layout, verified by openssl, with the CA after each leaf", async () => {
    const result = await issueLabCertificates({ outDir: dir, components: components(), now: new Date() });
    expect(result.certificates.map((c) => c.name)).toEqual(['es01', 'es02', 'es03', 'kibana', 'fleet-server']);
    for (const name of ['es01', 'es02', 'es03', 'kibana', 'fleet-server']) {
      const crt = join(dir, name, `${name}.crt`);
      expect(openssl('verify', '-CAfile', join(dir, 'ca/ca.crt'), crt).trim()).toBe(`${crt}: OK`);
      const pem = readFileSync(crt, 'utf8');
      const blocks = pem.match(/-----BEGIN CERTIFICATE-----/g) ?? [];
      expect(blocks).toHaveLength(2);
      expect(pem.endsWith(readFileSync(join(dir, 'ca/ca.crt'), 'utf8'))).toBe(true);
      expect(readFileSync(join(dir, name, `${name}.key`), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/); // PKCS#8
      // the key belongs to the certificate
      const keyModulus = openssl('pkey', '-in', join(dir, name, `${name}.key`), '-pubout');
      const certModulus = openssl('x509', '-in', crt, '-noout', '-pubkey');
      expect(keyModulus).toBe(certModulus);
    }
  });

  it("signs with SHA-256 RSA exactly as node-forge's own signer would (PKCS#1 v1.5 is deterministic)", async () => {
    await issueLabCertificates({ outDir: dir, components: components(), now: new Date() });
    const caKey = forge.pki.privateKeyFromPem(
      createPrivateKey(readFileSync(join(dir, 'ca/ca.key')))
        .export({ type: 'pkcs1', format: 'pem' })
        .toString(),
    );
    for (const path of ['ca/ca.crt', 'es01/es01.crt', 'fleet-server/fleet-server.crt']) {
      const certificate = forge.pki.certificateFromPem(readFileSync(join(dir, path), 'utf8'));
      expect(forge.pki.oids[certificate.signatureOid!]).toBe('sha256WithRSAEncryption');
      const digest = forge.md.sha256.create();
      digest.update(forge.asn1.toDer(tbsCertificateOf(certificate)).getBytes());
      expect(caKey.sign(digest)).toBe(certificate.signature);
    }
  });

  it('puts the right SANs and key usages on each certificate', async () => {
    await issueLabCertificates({ outDir: dir, components: components(), now: new Date() });
    const es02 = openssl('x509', '-in', join(dir, 'es02/es02.crt'), '-noout', '-text');
    expect(es02).toMatch(/DNS:es02, DNS:localhost, IP Address:172\.29\.7\.12, IP Address:127\.0\.0\.1/);
    expect(es02).toMatch(/TLS Web Server Authentication, TLS Web Client Authentication/);
    expect(es02).toMatch(/Subject: CN ?= ?es02/);
    const kibana = openssl('x509', '-in', join(dir, 'kibana/kibana.crt'), '-noout', '-text');
    expect(kibana).toMatch(/DNS:kibana, DNS:localhost, IP Address:172\.29\.7\.21, IP Address:127\.0\.0\.1/);
    const fleet = openssl('x509', '-in', join(dir, 'fleet-server/fleet-server.crt'), '-noout', '-text');
    expect(fleet).toMatch(/DNS:fleet-server, DNS:localhost, IP Address:172\.29\.7\.31/);
    const ca = openssl('x509', '-in', join(dir, 'ca/ca.crt'), '-noout', '-text');
    expect(ca).toMatch(/CA:TRUE/);
    expect(ca).toMatch(/Certificate Sign, CRL Sign/);
  });

  it('gives the CA 3 years and leaves 1 year, and writes the SHA-256 fingerprint Fleet takes', async () => {
    const result = await issueLabCertificates({ outDir: dir, components: components(), now: NOW });
    const ca = new X509Certificate(readFileSync(join(dir, 'ca/ca.crt')));
    expect(Math.round((Date.parse(ca.validTo) - NOW.getTime()) / DAY)).toBe(1095);
    const leaf = new X509Certificate(readFileSync(join(dir, 'es01/es01.crt')));
    expect(Math.round((Date.parse(leaf.validTo) - NOW.getTime()) / DAY)).toBe(365);
    const expected = openssl('x509', '-in', join(dir, 'ca/ca.crt'), '-noout', '-fingerprint', '-sha256').split('=')[1].trim().replace(/:/g, '').toLowerCase();
    expect(result.caFingerprintSha256).toBe(expected);
    expect(readFileSync(join(dir, 'ca/fingerprint'), 'utf8').trim()).toBe(expected);
  });

  it('keeps keys 0600 and folders 0700', async () => {
    await issueLabCertificates({ outDir: dir, components: components(), now: new Date() });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'ca')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'ca/ca.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'es01')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'es01/es01.key')).mode & 0o777).toBe(0o600);
  });

  it('reuses certificates that still verify and are not near expiry', async () => {
    const first = await issueLabCertificates({ outDir: dir, components: components(), now: new Date() });
    const before = readFileSync(join(dir, 'es01/es01.crt'), 'utf8');
    const second = await issueLabCertificates({ outDir: dir, components: components(), now: new Date() });
    expect(second.caOutcome).toBe('reused');
    expect(second.certificates.every((c) => c.outcome === 'reused')).toBe(true);
    expect(readFileSync(join(dir, 'es01/es01.crt'), 'utf8')).toBe(before);
    expect(second.caFingerprintSha256).toBe(first.caFingerprintSha256);
  });

  it('re-issues a leaf near expiry, one with other SANs, and one signed by another CA', async () => {
    await issueLabCertificates({ outDir: dir, components: components(), now: NOW });
    // 340 days later the leaves have < 30 days left: re-issued under the same CA.
    const later = await issueLabCertificates({ outDir: dir, components: components(), now: new Date(NOW.getTime() + 340 * DAY) });
    expect(later.caOutcome).toBe('reused');
    expect(later.certificates.every((c) => c.outcome === 'issued')).toBe(true);

    const moved = await issueLabCertificates({ outDir: dir, components: certificateRequestsFor(spec, 8), now: new Date(NOW.getTime() + 340 * DAY) });
    expect(moved.certificates.every((c) => c.outcome === 'issued')).toBe(true);

    const foreign = mkdtempSync(join(tmpdir(), 'seclab-pki-other-'));
    try {
      await issueLabCertificates({ outDir: foreign, components: components(), now: NOW });
      writeFileSync(join(dir, 'es02/es02.crt'), readFileSync(join(foreign, 'es02/es02.crt')));
      const mended = await issueLabCertificates({ outDir: dir, components: certificateRequestsFor(spec, 8), now: new Date(NOW.getTime() + 340 * DAY) });
      expect(mended.certificates.find((c) => c.name === 'es02')!.outcome).toBe('issued');
      expect(mended.certificates.find((c) => c.name === 'es01')!.outcome).toBe('reused');
    } finally {
      rmSync(foreign, { recursive: true, force: true });
    }
  });

  it('issues everything again under a new CA when the CA itself is near expiry', async () => {
    const first = await issueLabCertificates({ outDir: dir, components: components(), now: NOW });
    const again = await issueLabCertificates({ outDir: dir, components: components(), now: new Date(NOW.getTime() + 1080 * DAY) });
    expect(again.caOutcome).toBe('issued');
    expect(again.caFingerprintSha256).not.toBe(first.caFingerprintSha256);
    expect(again.certificates.every((c) => c.outcome === 'issued')).toBe(true);
  });
});
