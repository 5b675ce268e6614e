import { generateKeyPairSync } from 'node:crypto';
import { hostname } from 'node:os';
import forge from 'node-forge';

/**
 * Without FLEET_SERVER_CERT/KEY (and without FLEET_SERVER_INSECURE_HTTP) the real agent generates a
 * throw-away CA and a certificate for its hostname ("Generating self-signed certificate for Fleet Server",
 * internal/pkg/agent/cmd/enroll_cmd.go prepareFleetTLS). Agents then only connect with FLEET_INSECURE.
 */
export function generateSelfSignedFleetServerCertificate(): { cert: string; key: string } {
  // Node's key generation is much faster than forge's pure-JS one; forge only builds and signs the certificate.
  const keyPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const privateKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(privateKey.n, privateKey.e);
  cert.serialNumber = '01' + forge.util.bytesToHex(forge.random.getBytesSync(8));
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const name = hostname();
  const attrs = [{ name: 'commonName', value: name }];
  cert.setSubject(attrs);
  cert.setIssuer([{ name: 'commonName', value: 'Elastic Fleet Server self-signed CA' }]);
  cert.setExtensions([{ name: 'subjectAltName', altNames: [{ type: 2, value: name }] }]);
  cert.sign(privateKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: keyPem };
}
