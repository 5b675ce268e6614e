import { generateKeyPair as generateKeyPairAsync, createHash, X509Certificate, createPrivateKey, randomBytes, sign } from 'node:crypto';
import { promisify } from 'node:util';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
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
// elasticsearch-certutil's defaults: RSA 2048, CA DN below (CertificateTool.java).
const KEY_BITS = 2048;
const CA_COMMON_NAME = 'Secure Cluster Lab CA';

export interface KeyPairPem {
  privateKeyPem: string;
  publicKeyPem: string;
}

const generateRsaKeyPair = promisify(generateKeyPairAsync);

/** Node's native RSA, on libuv's thread pool so several keys are made at once (node-forge's JS is ~100x slower). */
async function generateKeyPair(): Promise<KeyPairPem> {
  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', { modulusLength: KEY_BITS });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Key pairs begun ahead of need (`up` starts them while it probes the engine and checks images); one taken per certificate. */
export interface KeyPairSource {
  take(): Promise<KeyPairPem>;
}

/**
 * Two at a time: a 2-core machine makes no more than two keys at once anyway, and the steps
 * running meanwhile (engine probe, image checks, Docker itself) keep CPU and two of libuv's four
 * threads.
 */
export function startKeyPairs(count: number, lanes = 2): KeyPairSource {
  const pending: Array<Promise<KeyPairPem>> = [];
  for (let index = 0; index < count; index++) {
    const before = pending[index - lanes];
    const keys = before ? before.catch(() => undefined).then(generateKeyPair) : generateKeyPair();
    keys.catch(() => undefined); // a run that fails before its certificates leaves them unused
    pending.push(keys);
  }
  return { take: () => pending.shift() ?? generateKeyPair() };
}

function randomSerialNumber(): string {
  // Positive, 16 bytes: the high bit cleared so DER does not read it as negative.
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
}

export function caFingerprintOf(certificatePem: string): string {
  return createHash('sha256').update(new X509Certificate(certificatePem).raw).digest('hex');
}

function issueCaCertificate(keys: KeyPairPem, now: Date, validityDays: number) {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  certificate.serialNumber = randomSerialNumber();
  certificate.validity.notBefore = new Date(now.getTime() - 60_000);
  certificate.validity.notAfter = new Date(now.getTime() + validityDays * DAY_MS);
  const subject = [{ name: 'commonName', value: CA_COMMON_NAME }];
  certificate.setSubject(subject);
  certificate.setIssuer(subject);
  certificate.setExtensions([{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }, { name: 'subjectKeyIdentifier' }]);
  signNatively(certificate, keys.privateKeyPem);
  return { certificatePem: forge.pki.certificateToPem(certificate), keyPem: keys.privateKeyPem };
}

/**
 * node-forge lays out the certificate (its fields and extensions are what they always were);
 * the SHA-256 RSA PKCS#1 v1.5 signature is Node's native one, ~40x faster than forge's JS
 * big-number maths. forge's `sign` hands the DER TBSCertificate to the digest and asks the key
 * for a signature: the digest here keeps the bytes and the key signs them with OpenSSL. PKCS#1
 * v1.5 is deterministic, so the signature is byte for byte the one forge would compute.
 */
function signNatively(certificate: forge.pki.Certificate, privateKeyPem: string): void {
  let toBeSigned = '';
  const keepingDigest = {
    algorithm: 'sha256',
    update(bytes: string) {
      toBeSigned += bytes;
      return keepingDigest;
    },
  };
  const nativeSigner = {
    sign: () => sign('sha256', Buffer.from(toBeSigned, 'binary'), createPrivateKey(privateKeyPem)).toString('binary'),
  };
  certificate.sign(nativeSigner as unknown as forge.pki.rsa.PrivateKey, keepingDigest as unknown as forge.md.MessageDigest);
}

function issueLeafCertificate(keys: KeyPairPem, request: CertificateRequest, ca: { certificatePem: string; keyPem: string }, now: Date, validityDays: number) {
  const caCertificate = forge.pki.certificateFromPem(ca.certificatePem);
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  certificate.serialNumber = randomSerialNumber();
  certificate.validity.notBefore = new Date(now.getTime() - 60_000);
  certificate.validity.notAfter = new Date(now.getTime() + validityDays * DAY_MS);
  certificate.setSubject([{ name: 'commonName', value: request.name }]);
  certificate.setIssuer(caCertificate.subject.attributes);
  certificate.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    // Nodes are TLS servers on 9200/9300 and TLS clients to each other on 9300.
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    {
      name: 'subjectAltName',
      altNames: [...request.dnsNames.map((value) => ({ type: 2, value })), ...request.ipAddresses.map((ip) => ({ type: 7, ip }))],
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCertificate.generateSubjectKeyIdentifier().getBytes() },
  ]);
  signNatively(certificate, ca.keyPem);
  // Leaf first, then the CA: Fleet and Beats match `ca_trusted_fingerprint` against the chain the server sends.
  return { certificatePem: forge.pki.certificateToPem(certificate) + ca.certificatePem, keyPem: keys.privateKeyPem };
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
  // Every key at once, the CA's among them: key generation is nearly all of the time.
  const newKeyPair = () => options.keyPairs?.take() ?? generateKeyPair();
  const [caKeys, ...keys] = await Promise.all([reusableCa ? undefined : newKeyPair(), ...needed.map((issue) => (issue ? newKeyPair() : undefined))]);
  const ca = reusableCa ?? issueCaCertificate(caKeys!, options.now, caValidityDays);
  if (!reusableCa) {
    writePrivateFileAtomically(join(caDir, 'ca.key'), ca.keyPem, 0o600);
    writePrivateFileAtomically(join(caDir, 'ca.crt'), ca.certificatePem, 0o644);
  }
  const fingerprint = caFingerprintOf(ca.certificatePem);
  writePrivateFileAtomically(join(caDir, 'fingerprint'), `${fingerprint}\n`, 0o644);

  const certificates = options.components.map((request, index): IssuedCertificate => {
    const dir = join(options.outDir, request.name);
    ensurePrivateDirectory(dir);
    const certificatePath = join(dir, `${request.name}.crt`);
    const keyPath = join(dir, `${request.name}.key`);
    let outcome: 'issued' | 'reused' = 'reused';
    const leafKeys = keys[index];
    if (leafKeys) {
      const leaf = issueLeafCertificate(leafKeys, request, ca, options.now, leafValidityDays);
      writePrivateFileAtomically(keyPath, leaf.keyPem, 0o600);
      writePrivateFileAtomically(certificatePath, leaf.certificatePem, 0o644);
      outcome = 'issued';
    }
    const notAfter = new Date(new X509Certificate(readFileSync(certificatePath)).validTo).toISOString();
    return { name: request.name, certificatePath, keyPath, notAfter, outcome };
  });

  return {
    caCertificatePath: join(caDir, 'ca.crt'),
    caKeyPath: join(caDir, 'ca.key'),
    caFingerprintSha256: fingerprint,
    caOutcome,
    certificates,
  };
}
