import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueLabCertificates, type KeyPairSource } from './lab-pki.ts';
import { writePrivateFileAtomically, ensurePrivateDirectory } from '../files/private-files.ts';
import { certificateRequestsFor } from '../planner/certificate-requests.ts';
import { parseLabSpec } from '../../../common/lab-spec.ts';

const NOW = new Date('2026-11-28T00:00:00Z');
const DAY = 24 * 3600 * 1000;
let dir: string;
const spec = parseLabSpec({});
const components = () => certificateRequestsFor(spec, 7);
const openssl = (...args: string[]) => execFileSync('openssl', args, { encoding: 'utf8' });
const NAMES = ['es01', 'es02', 'es03', 'kibana', 'fleet-server'];

/** RSA 2048 keys in PKCS#8, as the lab PKI made them before the switch to P-256. */
const rsaKeyPairs = (): KeyPairSource => ({
  take: async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  },
});

/**
 * A lab certs folder as seclab wrote it before the switch: a node-forge CA (its subject encoded
 * as forge encodes it, SHA-256 RSA signature, PKCS#8 RSA key) and RSA leaves under it.
 */
async function writeRsaEraLab(outDir: string, now: Date) {
  const keys = await rsaKeyPairs().take();
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  certificate.serialNumber = '01';
  certificate.validity.notBefore = new Date(now.getTime() - 60_000);
  certificate.validity.notAfter = new Date(now.getTime() + 1095 * DAY);
  const subject = [{ name: 'commonName', value: 'Secure Cluster Lab CA' }];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }, { name: 'subjectKeyIdentifier' }]);
  certificate.sign(forge.pki.privateKeyFromPem(createPrivateKey(keys.privateKeyPem).export({ type: 'pkcs1', format: 'pem' }).toString()) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  ensurePrivateDirectory(outDir);
  ensurePrivateDirectory(join(outDir, 'ca'));
  writePrivateFileAtomically(join(outDir, 'ca/ca.key'), keys.privateKeyPem, 0o600);
  writePrivateFileAtomically(join(outDir, 'ca/ca.crt'), forge.pki.certificateToPem(certificate), 0o644);
  return issueLabCertificates({ outDir, components: components(), now, keyPairs: rsaKeyPairs() });
}

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
      // SEC1: ECK's ParsePEMPrivateKey takes EC keys only in this form (a PKCS#8 one must be RSA).
      expect(readFileSync(join(dir, name, `${name}.key`), 'utf8')).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
      // the key belongs to the certificate
      const keyModulus = openssl('pkey', '-in', join(dir, name, `${name}.key`), '-pubout');
      const certModulus = openssl('x509', '-in', crt, '-noout', '-pubkey');
      expect(keyModulus).toBe(certModulus);
    }
  });

  it('makes P-256 keys and ECDSA-SHA256 signatures, each leaf verifying against the CA with Node', async () => {
    await issueLabCertificates({ outDir: dir, components: components(), now: new Date() });
    const ca = new X509Certificate(readFileSync(join(dir, 'ca/ca.crt')));
    expect(ca.verify(ca.publicKey)).toBe(true);
    expect(ca.checkPrivateKey(createPrivateKey(readFileSync(join(dir, 'ca/ca.key'))))).toBe(true);
    for (const name of ['ca', ...NAMES]) {
      const key = createPrivateKey(readFileSync(join(dir, name, `${name}.key`)));
      expect(key.asymmetricKeyType).toBe('ec');
      expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    }
    for (const name of NAMES) {
      const leaf = new X509Certificate(readFileSync(join(dir, name, `${name}.crt`)));
      expect(leaf.verify(ca.publicKey)).toBe(true);
      expect(leaf.checkIssued(ca)).toBe(true);
      expect(leaf.checkPrivateKey(createPrivateKey(readFileSync(join(dir, name, `${name}.key`))))).toBe(true);
      expect(leaf.ca).toBe(false);
      const text = openssl('x509', '-in', join(dir, name, `${name}.crt`), '-noout', '-text');
      expect(text).toMatch(/Signature Algorithm: ecdsa-with-SHA256/);
      expect(text).toMatch(/Public-Key: \(256 bit\)\s+pub:[\s\S]*NIST CURVE: P-256/);
      // RFC 5480 §3: an EC key signs; keyEncipherment belongs to RSA keys.
      expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/);
      expect(text).toMatch(/X509v3 Authority Key Identifier:/);
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

  it('keeps a lab made before the switch (RSA CA and leaves) while its certificates are good: same CA fingerprint, nothing re-issued', async () => {
    const before = await writeRsaEraLab(dir, NOW);
    const rsaLeaf = readFileSync(join(dir, 'es01/es01.crt'), 'utf8');
    const again = await issueLabCertificates({ outDir: dir, components: components(), now: new Date(NOW.getTime() + 10 * DAY) });
    expect(again.caOutcome).toBe('reused');
    expect(again.certificates.every((c) => c.outcome === 'reused')).toBe(true);
    expect(again.caFingerprintSha256).toBe(before.caFingerprintSha256);
    expect(readFileSync(join(dir, 'es01/es01.crt'), 'utf8')).toBe(rsaLeaf);
    expect(createPrivateKey(readFileSync(join(dir, 'es01/es01.key'))).asymmetricKeyType).toBe('rsa');
  });

  it("under an RSA-era CA, issues a new leaf with a P-256 key signed SHA-256 RSA, naming the CA's subject in the CA's own encoding", async () => {
    // Today, not NOW: openssl verify checks validity against the clock.
    await writeRsaEraLab(dir, new Date());
    const moved = await issueLabCertificates({ outDir: dir, components: certificateRequestsFor(spec, 8), now: new Date() });
    expect(moved.caOutcome).toBe('reused');
    expect(moved.certificates.every((c) => c.outcome === 'issued')).toBe(true);
    const caPath = join(dir, 'ca/ca.crt');
    const ca = new X509Certificate(readFileSync(caPath));
    for (const name of NAMES) {
      const crt = join(dir, name, `${name}.crt`);
      expect(openssl('verify', '-CAfile', caPath, crt).trim()).toBe(`${crt}: OK`);
      const leaf = new X509Certificate(readFileSync(crt));
      expect(leaf.verify(ca.publicKey)).toBe(true);
      expect(createPrivateKey(readFileSync(join(dir, name, `${name}.key`))).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      expect(openssl('x509', '-in', crt, '-noout', '-text')).toMatch(/Signature Algorithm: sha256WithRSAEncryption/);
      // Go's chain building matches the leaf's issuer to the CA's subject byte for byte: the string type must be the CA's.
      const caSubject = openssl('x509', '-in', caPath, '-noout', '-subject', '-nameopt', 'multiline,show_type');
      const leafIssuer = openssl('x509', '-in', crt, '-noout', '-issuer', '-nameopt', 'multiline,show_type');
      expect(leafIssuer.replace(/^issuer=/, '')).toBe(caSubject.replace(/^subject=/, ''));
    }
  });
});
