import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkGoX509KeyPair } from './go-x509-key-pair';

const dir = mkdtempSync(join(tmpdir(), 'seclab-go-keypair-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
/** A self-signed certificate and its key, made by openssl with these -newkey arguments. */
function pair(name: string, ...newkey: string[]) {
  openssl('req', '-x509', '-newkey', ...newkey, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${name}`);
  return { crt: read(`${name}.crt`), key: read(`${name}.key`) };
}

describe("Go's X509KeyPair, as Fleet Server loads FLEET_SERVER_CERT/KEY (tlscommon → crypto/tls)", () => {
  const p256 = pair('p256', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1');
  openssl('ec', '-in', 'p256.key', '-out', 'p256-sec1.key');
  const rsa = pair('rsa', 'rsa:2048');
  const ed25519 = pair('ed25519', 'ed25519');
  const ed448 = pair('ed448', 'ed448');
  const k1 = pair('k1', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1');
  openssl('genpkey', '-algorithm', 'x25519', '-out', 'x25519.key');

  it('takes a P-256 key as SEC1 "EC PRIVATE KEY" (what the lab writes) and as PKCS#8, RSA and Ed25519 keys, and a leaf-then-CA chain', () => {
    expect(read('p256-sec1.key')).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    expect(() => checkGoX509KeyPair(p256.crt, read('p256-sec1.key'))).not.toThrow();
    expect(() => checkGoX509KeyPair(p256.crt, p256.key)).not.toThrow();
    expect(() => checkGoX509KeyPair(p256.crt + rsa.crt, p256.key)).not.toThrow();
    expect(() => checkGoX509KeyPair(rsa.crt, rsa.key)).not.toThrow();
    expect(() => checkGoX509KeyPair(ed25519.crt, ed25519.key)).not.toThrow();
  });

  it('refuses keys Node reads but Go does not, in crypto/tls words', () => {
    expect(() => checkGoX509KeyPair(k1.crt, k1.key)).toThrow('tls: failed to parse private key');
    expect(() => checkGoX509KeyPair(ed448.crt, ed448.key)).toThrow('tls: failed to parse private key');
    expect(() => checkGoX509KeyPair(p256.crt, read('x25519.key'))).toThrow('tls: found unknown private key type in PKCS#8 wrapping');
  });

  it("refuses a key that is not the certificate's, a certificate given as the key, and files without PEM", () => {
    expect(() => checkGoX509KeyPair(p256.crt, rsa.key)).toThrow('tls: private key type does not match public key type');
    const other = pair('other', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1');
    expect(() => checkGoX509KeyPair(p256.crt, other.key)).toThrow('tls: private key does not match public key');
    expect(() => checkGoX509KeyPair(p256.crt, p256.crt)).toThrow('tls: found a certificate rather than a key in the PEM for the private key');
    expect(() => checkGoX509KeyPair('', p256.key)).toThrow('tls: failed to find any PEM data in certificate input');
    expect(() => checkGoX509KeyPair(p256.crt, 'not pem')).toThrow('tls: failed to find any PEM data in key input');
  });
});
