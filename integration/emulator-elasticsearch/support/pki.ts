import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A lab PKI made with the openssl CLI (EC P-256 keeps it fast): a CA and node certificates with SANs,
 * laid out like elasticsearch-certutil's PEM zip (certs/ca/ca.crt, certs/es01/es01.crt|key).
 */
export interface CertificateAuthority {
  certificatePath: string;
  keyPath: string;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'pipe' });
}

export function createCertificateAuthority(certsDir: string, name: string, commonName: string): CertificateAuthority {
  const dir = join(certsDir, name);
  mkdirSync(dir, { recursive: true });
  const keyPath = join(dir, `${name}.key`);
  const certificatePath = join(dir, `${name}.crt`);
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', certificatePath, '-days', '30', '-subj', `/CN=${commonName}`]);
  return { certificatePath, keyPath };
}

export function issueNodeCertificate(certsDir: string, ca: CertificateAuthority, name: string, sans: { dns?: string[]; ip?: string[] }): { certificatePath: string; keyPath: string } {
  const dir = join(certsDir, name);
  mkdirSync(dir, { recursive: true });
  const keyPath = join(dir, `${name}.key`);
  const csrPath = join(dir, `${name}.csr`);
  const certificatePath = join(dir, `${name}.crt`);
  const extPath = join(dir, `${name}.ext`);
  const altNames = [...(sans.dns ?? []).map((dns) => `DNS:${dns}`), ...(sans.ip ?? []).map((ip) => `IP:${ip}`)].join(',');
  writeFileSync(extPath, `subjectAltName=${altNames}\n`);
  openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyPath, '-out', csrPath, '-subj', `/CN=${name}`]);
  openssl(['x509', '-req', '-in', csrPath, '-CA', ca.certificatePath, '-CAkey', ca.keyPath, '-CAcreateserial', '-out', certificatePath, '-days', '30', '-extfile', extPath]);
  return { certificatePath, keyPath };
}
