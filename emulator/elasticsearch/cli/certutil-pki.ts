import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/**
 * Certificates as elasticsearch-certutil makes them (x-pack/plugin/security/cli CertGenUtils.generateSignedCertificate):
 * RSA keys (2048 bits by default), SHA256withRSA, a random positive 160-bit serial, valid from now for `days`, extensions
 * subjectKeyIdentifier, authorityKeyIdentifier, subjectAltName (when given) and basicConstraints (critical for a CA),
 * and no key usage. Keys are written as BouncyCastle's JcaPEMWriter writes an RSA key: PKCS#1 "RSA PRIVATE KEY".
 */
export interface CertificateAndKey {
  certificatePem: string;
  keyPem: string;
}

export interface DistinguishedNameAttribute {
  shortName: string;
  value: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** PEM with "\n" line ends, as Java's writer emits on Linux (node-forge writes "\r\n"). */
function unixLines(pem: string): string {
  return pem.replace(/\r\n/g, '\n');
}

function serialNumber(): string {
  const bytes = randomBytes(20);
  bytes[0]! &= 0x7f;
  return bytes.toString('hex');
}

export function generateRsaKey(bits: number): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  return privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
}

/** Any PEM private key (PKCS#1 or PKCS#8) as the PKCS#1 PEM node-forge reads. */
export function rsaKeyPem(pem: string): string {
  return createPrivateKey(pem).export({ type: 'pkcs1', format: 'pem' }).toString();
}

export interface IssueRequest {
  subject: DistinguishedNameAttribute[];
  dnsNames?: string[];
  ipAddresses?: string[];
  isCa: boolean;
  days: number;
  keyBits: number;
  /** Absent: self-signed. */
  issuer?: CertificateAndKey;
  now?: Date;
}

export function issueCertificate(request: IssueRequest): CertificateAndKey {
  if (request.days < 1) throw new Error('the certificate must be valid for at least one day');
  const keyPem = generateRsaKey(request.keyBits);
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = publicKey;
  certificate.serialNumber = serialNumber();
  const now = request.now ?? new Date();
  certificate.validity.notBefore = now;
  certificate.validity.notAfter = new Date(now.getTime() + request.days * DAY_MS);
  certificate.setSubject(request.subject);

  let signingKey = key;
  let authorityKeyIdentifier = forge.pki.getPublicKeyFingerprint(publicKey, { type: 'RSAPublicKey' }).getBytes();
  if (request.issuer) {
    const issuerCertificate = forge.pki.certificateFromPem(request.issuer.certificatePem);
    const constraints = issuerCertificate.getExtension('basicConstraints') as { cA?: boolean } | undefined;
    if (!constraints?.cA) throw new Error('ca certificate is not a CA!');
    // CertGenUtils copies the CA certificate's *issuer* name (the same as its subject for a self-signed CA).
    certificate.setIssuer(issuerCertificate.issuer.attributes);
    signingKey = forge.pki.privateKeyFromPem(rsaKeyPem(request.issuer.keyPem)) as forge.pki.rsa.PrivateKey;
    authorityKeyIdentifier = forge.pki.getPublicKeyFingerprint(issuerCertificate.publicKey as forge.pki.rsa.PublicKey, { type: 'RSAPublicKey' }).getBytes();
  } else {
    certificate.setIssuer(request.subject);
  }

  const altNames = [...(request.ipAddresses ?? []).map((ip) => ({ type: 7, ip })), ...(request.dnsNames ?? []).map((value) => ({ type: 2, value }))];
  certificate.setExtensions([
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: authorityKeyIdentifier },
    ...(altNames.length > 0 ? [{ name: 'subjectAltName', altNames }] : []),
    { name: 'basicConstraints', cA: request.isCa, critical: request.isCa },
  ]);
  certificate.sign(signingKey, forge.md.sha256.create());
  return { certificatePem: unixLines(forge.pki.certificateToPem(certificate)), keyPem };
}

/** Reads `CN=x, O=y` (X500Principal's form); a plain name `x` means `CN=x`, as CertificateTool.Name does. */
export function parseDistinguishedName(name: string): DistinguishedNameAttribute[] {
  if (!name.includes('=')) return [{ shortName: 'CN', value: name }];
  return name.split(/\s*,\s*/).map((part) => {
    const equals = part.indexOf('=');
    const shortName = part.slice(0, equals).trim().toUpperCase();
    if (equals <= 0 || !['CN', 'O', 'OU', 'C', 'L', 'ST', 'E'].includes(shortName)) throw new Error(`[${name}] could not be converted to a valid DN`);
    return { shortName, value: part.slice(equals + 1).trim() };
  });
}
