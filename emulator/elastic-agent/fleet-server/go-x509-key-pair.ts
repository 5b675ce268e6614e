import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';

/**
 * Fleet Server loads FLEET_SERVER_CERT/KEY through elastic-agent-libs tlscommon (transport/tlscommon/tls.go
 * LoadCertificate: decrypt, then Go's crypto/tls X509KeyPair). Node's TLS takes more than Go does, so
 * the emulator refuses first what X509KeyPair refuses, in its words (go/src/crypto/tls/tls.go
 * X509KeyPair, parsePrivateKey): the key block's type must end in "PRIVATE KEY"; its DER is tried as
 * PKCS#1, PKCS#8 (RSA, ECDSA, Ed25519; X25519 parses but is no signing key) and SEC1 EC, on the curves
 * Go's crypto/x509 names (P-224, P-256, P-384, P-521); then the key must be the certificate's.
 */
export class GoX509KeyPairError extends Error {}

const GO_EC_CURVES = new Set(['secp224r1', 'prime256v1', 'secp384r1', 'secp521r1']);

interface PemBlock {
  type: string;
  text: string;
}

function pemBlocks(pem: string): PemBlock[] {
  return [...pem.matchAll(/-----BEGIN ([^-]+)-----[\s\S]*?-----END \1-----/g)].map((match) => ({ type: match[1]!, text: match[0] }));
}

const isEncrypted = (block: PemBlock) => block.type === 'ENCRYPTED PRIVATE KEY' || /^Proc-Type: 4,ENCRYPTED/m.test(block.text);

/** undefined: an encrypted key that does not decrypt, which tlscommon reports in its own way (not emulated here). */
function parsePrivateKey(block: PemBlock, passphrase: string | undefined): KeyObject | undefined {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: block.text, passphrase });
  } catch {
    if (isEncrypted(block)) return undefined;
    throw new GoX509KeyPairError('tls: failed to parse private key');
  }
  const type = key.asymmetricKeyType;
  if (type === 'rsa' || type === 'ed25519') return key;
  if (type === 'ec') {
    if (GO_EC_CURVES.has(key.asymmetricKeyDetails?.namedCurve ?? '')) return key;
    throw new GoX509KeyPairError('tls: failed to parse private key');
  }
  // crypto/x509 ParsePKCS8PrivateKey returns an *ecdh.PrivateKey for X25519; other algorithms do not parse at all.
  if (type === 'x25519') throw new GoX509KeyPairError('tls: found unknown private key type in PKCS#8 wrapping');
  throw new GoX509KeyPairError('tls: failed to parse private key');
}

/** Throws GoX509KeyPairError with Go's message where X509KeyPair would fail; the key PEM may be encrypted (tlscommon decrypts it first). */
export function checkGoX509KeyPair(certificatePem: string, keyPem: string, passphrase?: string): void {
  const certificates = pemBlocks(certificatePem).filter((block) => block.type === 'CERTIFICATE');
  if (certificates.length === 0) throw new GoX509KeyPairError('tls: failed to find any PEM data in certificate input');
  const keyBlocks = pemBlocks(keyPem);
  if (keyBlocks.length === 0) throw new GoX509KeyPairError('tls: failed to find any PEM data in key input');
  const keyBlock = keyBlocks.find((block) => block.type === 'PRIVATE KEY' || block.type.endsWith(' PRIVATE KEY'));
  if (!keyBlock) {
    if (keyBlocks.length === 1 && keyBlocks[0]!.type === 'CERTIFICATE') throw new GoX509KeyPairError('tls: found a certificate rather than a key in the PEM for the private key');
    throw new GoX509KeyPairError(`tls: failed to find PEM block with type ending in "PRIVATE KEY" in key input after skipping PEM blocks of the following types: [${keyBlocks.map((block) => block.type).join(' ')}]`);
  }
  const leaf = new X509Certificate(certificates[0]!.text);
  const privateKey = parsePrivateKey(keyBlock, passphrase);
  if (!privateKey) return;
  const publicType = leaf.publicKey.asymmetricKeyType;
  if (publicType !== 'rsa' && publicType !== 'ec' && publicType !== 'ed25519') throw new GoX509KeyPairError('tls: unknown public key algorithm');
  if (publicType !== privateKey.asymmetricKeyType) throw new GoX509KeyPairError('tls: private key type does not match public key type');
  if (!leaf.checkPrivateKey(privateKey)) throw new GoX509KeyPairError('tls: private key does not match public key');
}
