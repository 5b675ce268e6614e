import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync } from 'node:fs';
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
});
