import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSslMaterial } from './tls-material.js';
import type { SslSettings } from '../config/node-config.js';

function configDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'seclab-ssl-'));
  mkdirSync(join(dir, 'certs'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: join(dir, 'certs'), stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-keyout', 'node.key', '-out', 'node.crt', '-days', '2', '-subj', '/CN=es01/O=Lab', '-passout', 'pass:key-pass');
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'other.key', '-out', 'other.crt', '-days', '2', '-subj', '/CN=other');
  // The forms of one P-256 key, and keys Node reads but ES does not.
  openssl('ec', '-in', 'other.key', '-out', 'other-sec1.key');
  openssl('req', '-x509', '-newkey', 'ed25519', '-nodes', '-keyout', 'ed25519.key', '-out', 'ed25519.crt', '-days', '2', '-subj', '/CN=ed');
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp256k1', '-nodes', '-keyout', 'k1.key', '-out', 'k1.crt', '-days', '2', '-subj', '/CN=k1');
  openssl('ec', '-in', 'k1.key', '-out', 'k1-sec1.key');
  writeFileSync(join(dir, 'certs/other-trailing.key'), readFileSync(join(dir, 'certs/other.key'), 'utf8').replace('BEGIN PRIVATE KEY', 'BEGIN OPENSSH PRIVATE KEY').replace('END PRIVATE KEY', 'END OPENSSH PRIVATE KEY'));
  return dir;
}

const settings = (overrides: Partial<SslSettings>): SslSettings => ({
  prefix: 'xpack.security.transport.ssl',
  enabled: true,
  key: 'certs/node.key',
  certificate: 'certs/node.crt',
  certificateAuthorities: ['certs/node.crt'],
  verificationMode: 'full',
  clientAuthentication: 'required',
  supportedProtocols: [],
  ...overrides,
});

describe('SSL material', () => {
  const pathConf = configDir();

  // -subj /CN=es01/O=Lab encodes CN first; RFC 2253 (Java's X500Principal.getName) prints the last RDN first.
  it('loads an encrypted PEM key with secure_key_passphrase and describes the certificates like GET /_ssl/certificates', () => {
    const material = loadSslMaterial({ pathConf }, settings({ keyPassphrase: 'key-pass' }));
    expect(material.certificateInfo[0]).toMatchObject({ path: 'certs/node.crt', format: 'PEM', alias: null, subject_dn: 'O=Lab,CN=es01', has_private_key: true });
    expect(material.certificateInfo[1]).toMatchObject({ path: 'certs/node.crt', has_private_key: false });
    expect(material.certificateInfo[0]!.serial_number).toMatch(/^[0-9a-f]+$/);
  });

  it('fails without the passphrase, on a missing file and on a key that does not match the certificate', () => {
    expect(() => loadSslMaterial({ pathConf }, settings({}))).toThrow(/failed to load SSL configuration \[xpack\.security\.transport\.ssl\] - cannot load PEM private key/);
    expect(() => loadSslMaterial({ pathConf }, settings({ keyPassphrase: 'key-pass', certificateAuthorities: ['certs/ca.crt'] }))).toThrow(
      `failed to load SSL configuration [xpack.security.transport.ssl] - cannot read configured PEM certificate_authorities [${join(pathConf, 'certs/ca.crt')}] because the file does not exist`,
    );
    expect(() => loadSslMaterial({ pathConf }, settings({ key: 'certs/other.key', keyPassphrase: undefined }))).toThrow(/does not match the public key of the configured certificate/);
  });

  // libs/ssl-config/.../PemUtils.java parsePrivateKey, getKeyAlgorithmIdentifier, getEcCurveNameFromOid.
  it('reads EC P-256 keys as PKCS#8 and as SEC1 "EC PRIVATE KEY", and refuses the key forms PemUtils does not parse', () => {
    const other = (key: string, certificate = 'certs/other.crt') => settings({ key, certificate, certificateAuthorities: [certificate], keyPassphrase: undefined });
    expect(loadSslMaterial({ pathConf }, other('certs/other.key')).privateKey.asymmetricKeyType).toBe('ec');
    expect(readFileSync(join(pathConf, 'certs/other-sec1.key'), 'utf8')).toMatch(/^-----BEGIN EC PRIVATE KEY-----/);
    expect(loadSslMaterial({ pathConf }, other('certs/other-sec1.key')).privateKey.asymmetricKeyType).toBe('ec');
    expect(() => loadSslMaterial({ pathConf }, other('certs/other-trailing.key'))).toThrow(
      `failed to load SSL configuration [xpack.security.transport.ssl] - cannot read PEM private key [${join(pathConf, 'certs/other-trailing.key')}] because the file does not contain a supported key format`,
    );
    expect(() => loadSslMaterial({ pathConf }, other('certs/ed25519.key', 'certs/ed25519.crt'))).toThrow(
      `failed to load SSL configuration [xpack.security.transport.ssl] - cannot load PEM private key from [${join(pathConf, 'certs/ed25519.key')}] due to GeneralSecurityException (Error parsing key algorithm identifier. Algorithm with OID [1.3.101.112] is not supported)`,
    );
    expect(() => loadSslMaterial({ pathConf }, other('certs/k1-sec1.key', 'certs/k1.crt'))).toThrow(
      `failed to load SSL configuration [xpack.security.transport.ssl] - cannot load PEM private key from [${join(pathConf, 'certs/k1-sec1.key')}] due to GeneralSecurityException (Error parsing EC named curve identifier. Named curve with OID: 1.3.132.0.10 is not supported)`,
    );
  });
});
