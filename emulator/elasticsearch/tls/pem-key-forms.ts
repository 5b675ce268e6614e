import type { KeyObject } from 'node:crypto';

/**
 * The PEM private keys Elasticsearch reads (libs/ssl-config/.../PemUtils.java parsePrivateKey):
 * the first "-----BEGIN" line picks the parser, and anything else is refused before the key is
 * looked at. Node (OpenSSL) reads more, so the emulator checks the same things first.
 */
const HEADERS = new Set([
  '-----BEGIN ENCRYPTED PRIVATE KEY-----',
  '-----BEGIN PRIVATE KEY-----',
  '-----BEGIN RSA PRIVATE KEY-----',
  '-----BEGIN DSA PRIVATE KEY-----',
  '-----BEGIN DSA PARAMETERS-----',
  '-----BEGIN EC PRIVATE KEY-----',
  '-----BEGIN EC PARAMETERS-----',
]);

/** PemUtils.getKeyAlgorithmIdentifier: a PKCS#8 key must be DSA, RSA or EC; these are the OIDs of what else Node reads. */
const UNSUPPORTED_PKCS8_OIDS: Record<string, string> = {
  ed25519: '1.3.101.112',
  ed448: '1.3.101.113',
  x25519: '1.3.101.110',
  x448: '1.3.101.111',
  'rsa-pss': '1.2.840.113549.1.1.10',
  dh: '1.2.840.113549.1.3.1',
};

/** PemUtils.getEcCurveNameFromOid names the SEC/NIST curves only; these are the curves Node reads that it lacks. */
const UNNAMED_EC_CURVES: Record<string, string> = {
  secp256k1: '1.3.132.0.10',
  brainpoolP256r1: '1.3.36.3.3.2.8.1.1.7',
  brainpoolP384r1: '1.3.36.3.3.2.8.1.1.11',
  brainpoolP512r1: '1.3.36.3.3.2.8.1.1.13',
};

/** Thrown with the detail ES puts after `failed to load SSL configuration [prefix] - `. */
export class UnsupportedPemKey extends Error {}

function firstHeader(pem: string): string | undefined {
  return pem
    .split(/\r?\n/)
    .map((line) => line.trim())
    .find((line) => line.startsWith('-----BEGIN'));
}

/** Before parsing: the header line (PemUtils.parsePrivateKey's SslConfigException). */
export function checkPemKeyHeader(pem: string, absolutePath: string): void {
  const header = firstHeader(pem);
  if (header === undefined) throw new UnsupportedPemKey(`Error parsing Private Key [${absolutePath}], file is empty`);
  if (!HEADERS.has(header)) throw new UnsupportedPemKey(`cannot read PEM private key [${absolutePath}] because the file does not contain a supported key format`);
}

/** After parsing: the key's algorithm and curve, as SslFileUtil.securityException words a GeneralSecurityException. */
export function checkPemKeyAlgorithm(pem: string, key: KeyObject, absolutePath: string): void {
  const refused = (detail: string) => new UnsupportedPemKey(`cannot load PEM private key from [${absolutePath}] due to GeneralSecurityException (${detail})`);
  const type = key.asymmetricKeyType ?? '';
  const oid = UNSUPPORTED_PKCS8_OIDS[type];
  if (oid) throw refused(`Error parsing key algorithm identifier. Algorithm with OID [${oid}] is not supported`);
  const curveOid = type === 'ec' ? UNNAMED_EC_CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''] : undefined;
  if (curveOid && firstHeader(pem)?.includes('EC ')) throw refused(`Error parsing EC named curve identifier. Named curve with OID: ${curveOid} is not supported`);
}
