import { readFileSync, accessSync, constants, existsSync } from 'node:fs';
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { resolveConfigPath, type NodeConfig, type SslSettings } from '../config/node-config.js';
import { StartupError } from '../bootstrap-checks.js';
import { UnsupportedPemKey, checkPemKeyAlgorithm, checkPemKeyHeader } from './pem-key-forms.js';

/** The PEM material of one SSL context, loaded and checked at startup like ES's SSLService does. */
export interface SslMaterial {
  settings: SslSettings;
  keyPem: string;
  privateKey: KeyObject;
  certificatePem: string;
  certificates: X509Certificate[];
  trusted: X509Certificate[];
  trustedPem: string[];
  /** Entries for GET /_ssl/certificates. */
  certificateInfo: CertificateInfo[];
}

export interface CertificateInfo {
  path: string;
  format: 'PEM';
  alias: null;
  subject_dn: string;
  serial_number: string;
  has_private_key: boolean;
  expiry: string;
  issuer: string;
}

function sslError(prefix: string, detail: string): StartupError {
  return new StartupError(`failed to load SSL configuration [${prefix}] - ${detail}`, 1, 'org.elasticsearch.ElasticsearchSecurityException');
}

/** Real wording (ES libs/ssl-config SslFileUtil): "cannot read configured PEM certificate [path] because the file does not exist". */
function readConfiguredFile(config: Pick<NodeConfig, 'pathConf'>, prefix: string, kind: string, path: string): string {
  const absolute = resolveConfigPath(config, path);
  if (!existsSync(absolute)) throw sslError(prefix, `cannot read configured PEM ${kind} [${absolute}] because the file does not exist`);
  try {
    accessSync(absolute, constants.R_OK);
    return readFileSync(absolute, 'utf8');
  } catch {
    throw sslError(prefix, `cannot read configured PEM ${kind} [${absolute}] because access to read the file is blocked; SSL resources should be placed in the [${config.pathConf}] directory`);
  }
}

export function splitPemCertificates(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** Java's X500Principal.getName(): RFC 2253, most specific RDN first, no spaces. */
export function distinguishedName(x509Name: string): string {
  return x509Name.split('\n').filter(Boolean).reverse().join(',');
}

export function describeCertificate(path: string, certificate: X509Certificate, hasPrivateKey: boolean): CertificateInfo {
  return {
    path,
    format: 'PEM',
    alias: null,
    subject_dn: distinguishedName(certificate.subject),
    serial_number: BigInt('0x' + certificate.serialNumber).toString(16),
    has_private_key: hasPrivateKey,
    expiry: new Date(certificate.validTo).toISOString(),
    issuer: distinguishedName(certificate.issuer),
  };
}

export function loadSslMaterial(config: Pick<NodeConfig, 'pathConf'>, settings: SslSettings): SslMaterial {
  const { prefix } = settings;
  if (!settings.key || !settings.certificate) {
    throw new StartupError(
      `invalid SSL configuration for ${prefix} - server ssl configuration requires a key and certificate, but these have not been configured; you must set either [${prefix}.keystore.path], or both [${prefix}.key] and [${prefix}.certificate]`,
      1,
      'org.elasticsearch.ElasticsearchSecurityException',
    );
  }
  const keyPem = readConfiguredFile(config, prefix, 'private key', settings.key);
  const certificatePem = readConfiguredFile(config, prefix, 'certificate', settings.certificate);
  let privateKey: KeyObject;
  const keyPath = resolveConfigPath(config, settings.key);
  try {
    checkPemKeyHeader(keyPem, keyPath);
    privateKey = createPrivateKey({ key: keyPem, passphrase: settings.keyPassphrase });
    checkPemKeyAlgorithm(keyPem, privateKey, keyPath);
  } catch (error) {
    if (error instanceof UnsupportedPemKey) throw sslError(prefix, error.message);
    throw sslError(prefix, `cannot load PEM private key [${keyPath}]: ${(error as Error).message}`);
  }
  const certificateBlocks = splitPemCertificates(certificatePem);
  if (certificateBlocks.length === 0) {
    throw sslError(prefix, `cannot load PEM certificate [${resolveConfigPath(config, settings.certificate)}]: no certificates found`);
  }
  const certificates = certificateBlocks.map((block) => new X509Certificate(block));
  if (!certificates[0]!.checkPrivateKey(privateKey)) {
    throw sslError(prefix, `the configured PEM private key [${settings.key}] does not match the public key of the configured certificate [${settings.certificate}]`);
  }
  const trustedPem: string[] = [];
  const certificateInfo: CertificateInfo[] = certificates.map((certificate, index) => describeCertificate(settings.certificate!, certificate, index === 0));
  for (const path of settings.certificateAuthorities) {
    const blocks = splitPemCertificates(readConfiguredFile(config, prefix, 'certificate_authorities', path));
    for (const block of blocks) {
      trustedPem.push(block);
      certificateInfo.push(describeCertificate(path, new X509Certificate(block), false));
    }
  }
  return {
    settings,
    keyPem,
    privateKey,
    certificatePem,
    certificates,
    trusted: trustedPem.map((block) => new X509Certificate(block)),
    trustedPem,
    certificateInfo,
  };
}
