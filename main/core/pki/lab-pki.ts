import { createHash, X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, type KeyPairSource } from './lab-keys.ts';
import { issueCaCertificate, leafIssuerFor } from './lab-certificate-builder.ts';
import { ensurePrivateDirectory, writePrivateFileAtomically } from '../files/private-files.ts';
import { SeclabError } from '../../../common/errors.ts';

export interface CertificateRequest {
  /** Component name; also the certificate's CN and its folder and file names (certutil layout). */
  name: string;
  dnsNames: string[];
  ipAddresses: string[];
}

export interface IssueOptions {
  outDir: string;
  components: CertificateRequest[];
  now: Date;
  caValidityDays?: number;
  leafValidityDays?: number;
  /** Certificates expiring sooner than this are issued again. */
  renewWithinDays?: number;
  /** Keys already being made; without it each key is made when needed. */
  keyPairs?: KeyPairSource;
}

export interface IssuedCertificate {
  name: string;
  certificatePath: string;
  keyPath: string;
  notAfter: string;
  outcome: 'issued' | 'reused';
}

export interface LabPkiResult {
  caCertificatePath: string;
  caKeyPath: string;
  /** SHA-256 of the CA certificate's DER bytes, lower-case hex: Fleet's `ca_trusted_fingerprint` form. */
  caFingerprintSha256: string;
  caOutcome: 'issued' | 'reused';
  certificates: IssuedCertificate[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

export { startKeyPairs, type KeyPairPem, type KeyPairSource } from './lab-keys.ts';

export function caFingerprintOf(certificatePem: string): string {
  return createHash('sha256').update(new X509Certificate(certificatePem).raw).digest('hex');
}

function stillGood(certificate: X509Certificate, now: Date, renewWithinDays: number): boolean {
  return new Date(certificate.validTo).getTime() - now.getTime() > renewWithinDays * DAY_MS && new Date(certificate.validFrom).getTime() <= now.getTime();
}

function subjectAltNamesOf(certificate: X509Certificate): { dns: string[]; ip: string[] } {
  const entries = (certificate.subjectAltName ?? '').split(', ').filter(Boolean);
  return {
    dns: entries
      .filter((e) => e.startsWith('DNS:'))
      .map((e) => e.slice(4))
      .sort(),
    ip: entries
      .filter((e) => e.startsWith('IP Address:'))
      .map((e) => e.slice(11))
      .sort(),
  };
}

function canReuseLeaf(path: string, request: CertificateRequest, caCertificate: X509Certificate, now: Date, renewWithinDays: number): boolean {
  if (!existsSync(path) || !existsSync(path.replace(/\.crt$/, '.key'))) return false;
  try {
    const leaf = new X509Certificate(readFileSync(path));
    if (!leaf.verify(caCertificate.publicKey) || !stillGood(leaf, now, renewWithinDays)) return false;
    const sans = subjectAltNamesOf(leaf);
    return JSON.stringify(sans.dns) === JSON.stringify([...request.dnsNames].sort()) && JSON.stringify(sans.ip) === JSON.stringify([...request.ipAddresses].sort());
  } catch {
    return false;
  }
}

function loadReusableCa(caDir: string, now: Date, renewWithinDays: number) {
  const certificatePath = join(caDir, 'ca.crt');
  const keyPath = join(caDir, 'ca.key');
  if (!existsSync(certificatePath) || !existsSync(keyPath)) return undefined;
  try {
    const certificatePem = readFileSync(certificatePath, 'utf8');
    const keyPem = readFileSync(keyPath, 'utf8');
    const certificate = new X509Certificate(certificatePem);
    if (!certificate.ca || !certificate.verify(certificate.publicKey) || !stillGood(certificate, now, renewWithinDays)) return undefined;
    if (!certificate.checkPrivateKey(createPrivateKey(keyPem))) return undefined;
    return { certificatePem, keyPem };
  } catch {
    return undefined;
  }
}

/**
 * `certs --out DIR` may name a folder that is not seclab's (a home folder, a shared /tmp):
 * only a folder seclab creates is made 0700 — an existing one keeps its mode (the keys are
 * safe in the 0700 ca/ and <component>/ folders below it) — and an existing folder holding
 * anything but an earlier certificate layout (ca/) is refused rather than written into.
 */
function prepareOutputFolder(outDir: string): void {
  if (!existsSync(outDir)) {
    ensurePrivateDirectory(outDir);
    return;
  }
  if (!statSync(outDir).isDirectory()) {
    throw new SeclabError('CERTS_OUT_NOT_A_FOLDER', `${outDir} is a file, not a folder: give --out a new or empty folder`);
  }
  const entries = readdirSync(outDir);
  const earlierLayout = entries.includes('ca') && statSync(join(outDir, 'ca')).isDirectory();
  if (entries.length > 0 && !earlierLayout) {
    throw new SeclabError(
      'CERTS_OUT_NOT_EMPTY',
      `${outDir} already holds other files (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', …' : ''}): give --out a new or empty folder, or one seclab certs wrote before; nothing was written and its permissions were left as they are`,
    );
  }
}

/**
 * The lab's PKI in elasticsearch-certutil's PEM layout: ca/ca.crt, ca/ca.key and
 * <name>/<name>.crt|.key per component. Certificates that still verify, carry the wanted
 * SANs and are not near expiry are kept; the rest are issued again.
 *
 * Keys are ECDSA P-256 with ECDSA-SHA256 signatures, not certutil's own default of RSA 2048: on
 * purpose, for speed (a P-256 key takes ~1 ms to make, an RSA 2048 one ~100 ms, and key
 * generation was nearly all of the PKI's time) at no loss of strength (P-256 ≈ RSA 3072). Every
 * product that reads these files takes them in the form written (lab-keys.ts names the upstream
 * code; emulator/CONFORMANCE.md has the rows). A lab made before the switch keeps its RSA CA and
 * leaves while they are good, since re-issuing the CA would change the fingerprint enrolled agents
 * pinned; a leaf issued under such a CA gets a P-256 key signed by the RSA CA.
 */
export async function issueLabCertificates(options: IssueOptions): Promise<LabPkiResult> {
  const caValidityDays = options.caValidityDays ?? 3 * 365;
  const leafValidityDays = options.leafValidityDays ?? 365;
  const renewWithinDays = options.renewWithinDays ?? 30;
  prepareOutputFolder(options.outDir);
  const caDir = join(options.outDir, 'ca');
  ensurePrivateDirectory(caDir);

  const reusableCa = loadReusableCa(caDir, options.now, renewWithinDays);
  const caOutcome: 'issued' | 'reused' = reusableCa ? 'reused' : 'issued';
  const needed = options.components.map((request) => {
    const certificatePath = join(options.outDir, request.name, `${request.name}.crt`);
    return !reusableCa || !canReuseLeaf(certificatePath, request, new X509Certificate(reusableCa.certificatePem), options.now, renewWithinDays);
  });
  // Every key at once, the CA's among them (about a millisecond each with P-256, on the thread pool).
  const newKeyPair = () => options.keyPairs?.take() ?? generateKeyPair();
  const [caKeys, ...keys] = await Promise.all([reusableCa ? undefined : newKeyPair(), ...needed.map((issue) => (issue ? newKeyPair() : undefined))]);
  const ca = reusableCa ?? (await issueCaCertificate(caKeys!, options.now, caValidityDays));
  if (!reusableCa) {
    writePrivateFileAtomically(join(caDir, 'ca.key'), ca.keyPem, 0o600);
    writePrivateFileAtomically(join(caDir, 'ca.crt'), ca.certificatePem, 0o644);
  }
  const fingerprint = caFingerprintOf(ca.certificatePem);
  writePrivateFileAtomically(join(caDir, 'fingerprint'), `${fingerprint}\n`, 0o644);

  // All leaves at once: each is one signature, and on a busy machine the thread pool's queue, not the maths, is the wait.
  const issueLeaf = keys.some(Boolean) ? await leafIssuerFor(ca) : undefined;
  const leaves = await Promise.all(options.components.map((request, index) => keys[index] && issueLeaf?.(keys[index], request, options.now, leafValidityDays)));
  const certificates = options.components.map((request, index): IssuedCertificate => {
    const dir = join(options.outDir, request.name);
    ensurePrivateDirectory(dir);
    const certificatePath = join(dir, `${request.name}.crt`);
    const keyPath = join(dir, `${request.name}.key`);
    const leaf = leaves[index];
    if (leaf) {
      writePrivateFileAtomically(keyPath, leaf.keyPem, 0o600);
      writePrivateFileAtomically(certificatePath, leaf.certificatePem, 0o644);
    }
    const notAfter = new Date(new X509Certificate(readFileSync(certificatePath)).validTo).toISOString();
    return { name: request.name, certificatePath, keyPath, notAfter, outcome: leaf ? 'issued' : 'reused' };
  });

  return {
    caCertificatePath: join(caDir, 'ca.crt'),
    caKeyPath: join(caDir, 'ca.key'),
    caFingerprintSha256: fingerprint,
    caOutcome,
    certificates,
  };
}
