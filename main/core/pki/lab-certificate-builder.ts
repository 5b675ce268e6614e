import { createHash, createPublicKey, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
// @peculiar/x509 resolves its algorithms through tsyringe, which needs this polyfill loaded first (the library's README).
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { publicKeyObjectOf, signingKeyOf, type KeyPairPem } from './lab-keys.ts';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const DAY_MS = 24 * 60 * 60 * 1000;
export const CA_COMMON_NAME = 'Secure Cluster Lab CA';

export interface LeafRequest {
  name: string;
  dnsNames: string[];
  ipAddresses: string[];
}

export interface IssuedPem {
  certificatePem: string;
  keyPem: string;
  /** keyPem parsed, when this process made it. */
  privateKey?: KeyObject;
}

function randomSerialNumber(): string {
  // Positive, 16 bytes: the high bit cleared so DER does not read it as negative.
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  return bytes.toString('hex');
}

/** ECDSA with SHA-256 from a P-256 CA; SHA-256 RSA PKCS#1 v1.5 from an RSA CA made before the switch. */
async function signerOf(caKeys: Pick<KeyPairPem, 'privateKeyPem' | 'privateKey'>) {
  const signingKey = await signingKeyOf(caKeys);
  return { signingKey, signingAlgorithm: { name: signingKey.algorithm.name, hash: 'SHA-256' } };
}

function validity(now: Date, days: number) {
  return { notBefore: new Date(now.getTime() - 60_000), notAfter: new Date(now.getTime() + days * DAY_MS) };
}

/**
 * RFC 5280 §4.2.1.2 method 1, the SHA-1 of the subjectPublicKey bits: the EC point (04‖x‖y) or
 * the PKCS#1 RSAPublicKey, computed here synchronously (the library's own is one more trip
 * through the thread pool per certificate, which costs more than the hash on a busy machine).
 */
function subjectKeyIdOf(key: KeyObject): string {
  if (key.asymmetricKeyType === 'rsa')
    return createHash('sha1')
      .update(key.export({ type: 'pkcs1', format: 'der' }))
      .digest('hex');
  const { x, y } = key.export({ format: 'jwk' });
  return createHash('sha1')
    .update(Buffer.concat([Buffer.of(4), Buffer.from(x!, 'base64url'), Buffer.from(y!, 'base64url')]))
    .digest('hex');
}

/** Self-signed, CA:TRUE (critical), keyCertSign + cRLSign (critical), with a subject key identifier. */
export async function issueCaCertificate(keys: KeyPairPem, now: Date, validityDays: number): Promise<IssuedPem> {
  const publicKey = publicKeyObjectOf(keys);
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: `CN=${CA_COMMON_NAME}`,
    issuer: `CN=${CA_COMMON_NAME}`,
    ...validity(now, validityDays),
    publicKey: publicKey.export({ type: 'spki', format: 'der' }),
    ...(await signerOf(keys)),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      new x509.SubjectKeyIdentifierExtension(subjectKeyIdOf(publicKey)),
    ],
  });
  return { certificatePem: certificate.toString('pem') + '\n', keyPem: keys.privateKeyPem, privateKey: keys.privateKey };
}

export type LeafIssuer = (keys: KeyPairPem, request: LeafRequest, now: Date, validityDays: number) => Promise<IssuedPem>;

/**
 * Issues server-and-client leaves (nodes are TLS servers on 9200/9300 and TLS clients to each
 * other on 9300) with their SANs, signed by this CA; the CA is read and its key imported once.
 * The issuer is the CA's own subject bytes, so Go's chain building (which matches raw names)
 * finds the CA whichever library wrote it. An EC key is marked for digitalSignature only:
 * RFC 5480 §3 leaves keyEncipherment to RSA keys.
 */
export async function leafIssuerFor(ca: IssuedPem): Promise<LeafIssuer> {
  const caCertificate = new x509.X509Certificate(ca.certificatePem);
  const caKeyId = caCertificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId ?? subjectKeyIdOf(createPublicKey(caCertificate.publicKey.toString('pem')));
  const signer = await signerOf({ privateKeyPem: ca.keyPem, privateKey: ca.privateKey });
  return async (keys, request, now, validityDays) => {
    const publicKey = publicKeyObjectOf(keys);
    const usages = publicKey.asymmetricKeyType === 'rsa' ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment : x509.KeyUsageFlags.digitalSignature;
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerialNumber(),
      subject: `CN=${request.name}`,
      issuer: caCertificate.subjectName,
      ...validity(now, validityDays),
      publicKey: publicKey.export({ type: 'spki', format: 'der' }),
      ...signer,
      extensions: [
        new x509.BasicConstraintsExtension(false),
        new x509.KeyUsagesExtension(usages, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        new x509.SubjectAlternativeNameExtension([...request.dnsNames.map((value) => ({ type: 'dns' as const, value })), ...request.ipAddresses.map((value) => ({ type: 'ip' as const, value }))]),
        new x509.SubjectKeyIdentifierExtension(subjectKeyIdOf(publicKey)),
        new x509.AuthorityKeyIdentifierExtension(caKeyId),
      ],
    });
    // Leaf first, then the CA: Fleet and Beats match `ca_trusted_fingerprint` against the chain the server sends.
    return { certificatePem: certificate.toString('pem') + '\n' + ca.certificatePem, keyPem: keys.privateKeyPem };
  };
}
