import { generateKeyPair as generateKeyPairAsync, createPrivateKey, createPublicKey, webcrypto, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

export interface KeyPairPem {
  privateKeyPem: string;
  publicKeyPem: string;
  /** The same keys already parsed, when this process made them: OpenSSL 3 takes a millisecond or more to read a PEM key. */
  privateKey?: KeyObject;
  publicKey?: KeyObject;
}

const generateEcKeyPair = promisify(generateKeyPairAsync);

/**
 * ECDSA P-256 (≈ RSA 3072 in strength, NIST SP 800-57), made natively in ~1 ms where RSA 2048
 * took ~100 ms. The private key is written as SEC1 "EC PRIVATE KEY", the one EC form every
 * reader of the lab's keys takes:
 * - Elasticsearch, libs/ssl-config/.../PemUtils.java parsePrivateKey: "BEGIN EC PRIVATE KEY" → parseOpenSslEC
 *   (secp256r1 among its named curves); PKCS#8 would do too.
 * - Fleet Server and Elastic Agent, elastic-agent-libs transport/tlscommon/tls.go LoadCertificate →
 *   Go's crypto/tls X509KeyPair, whose parsePrivateKey tries PKCS#1, PKCS#8 then SEC1.
 * - ECK, cloud-on-k8s pkg/controller/common/certificates/pem.go ParsePEMPrivateKey: "EC PRIVATE KEY" is
 *   parsed as EC, but a PKCS#8 "PRIVATE KEY" must hold RSA ("expected an RSA private key but got"):
 *   the ECK export's tls.key and transport ca.key are these files, so PKCS#8 is not an option.
 * - Kibana and the probes: Node (OpenSSL) reads every form.
 */
export async function generateKeyPair(): Promise<KeyPairPem> {
  const { privateKey, publicKey } = await generateEcKeyPair('ec', { namedCurve: 'P-256' });
  return {
    privateKeyPem: privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey,
    publicKey,
  };
}

/** Key pairs begun ahead of need (`up` starts them while it probes the engine and checks images); one taken per certificate. */
export interface KeyPairSource {
  take(): Promise<KeyPairPem>;
}

/**
 * Two at a time on libuv's thread pool: with P-256 each takes about a millisecond, so the lanes
 * matter little now, but a caller may still start them early and take them later.
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

/**
 * The WebCrypto algorithm of a key: P-256 for the lab's keys; RSA for a CA or leaf made before
 * the switch to EC (a lab whose RSA CA is still valid keeps it, and signs new leaves with it).
 */
function webAlgorithmOf(key: KeyObject): EcKeyImportParams | RsaHashedImportParams {
  if (key.asymmetricKeyType === 'ec') return { name: 'ECDSA', namedCurve: key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? 'P-256' : String(key.asymmetricKeyDetails?.namedCurve) };
  if (key.asymmetricKeyType === 'rsa') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  throw new Error(`the lab PKI signs with EC P-256 or RSA keys, not ${key.asymmetricKeyType}`);
}

export const publicKeyObjectOf = (keys: Pick<KeyPairPem, 'publicKeyPem' | 'publicKey'>): KeyObject => keys.publicKey ?? createPublicKey(keys.publicKeyPem);

export async function signingKeyOf(keys: Pick<KeyPairPem, 'privateKeyPem' | 'privateKey'>): Promise<webcrypto.CryptoKey> {
  const key = keys.privateKey ?? createPrivateKey(keys.privateKeyPem);
  return webcrypto.subtle.importKey('pkcs8', key.export({ type: 'pkcs8', format: 'der' }), webAlgorithmOf(key), false, ['sign']);
}
