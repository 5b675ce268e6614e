import { X509Certificate } from 'node:crypto';
import { checkServerIdentity, type DetailedPeerCertificate, type PeerCertificate, type TLSSocket } from 'node:tls';
import { distinguishedName } from './tls-material.js';

export type TrustVerdict = { trusted: true } | { trusted: false; reason: 'no-certificate' | 'untrusted-issuer' | 'expired' | 'hostname-mismatch'; detail: string };

/** The chain a peer presented, leaf first, from Node's linked `issuerCertificate` objects. */
export function presentedChain(socket: TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  let current = socket.getPeerCertificate(true) as DetailedPeerCertificate | Record<string, never>;
  const seen = new Set<string>();
  while (current && 'raw' in current && current.raw && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    chain.push(new X509Certificate(current.raw));
    current = current.issuerCertificate;
  }
  return chain;
}

function issuedBy(child: X509Certificate, issuer: X509Certificate): boolean {
  return child.checkIssued(issuer) && child.verify(issuer.publicKey);
}

/** Path validation against the configured certificate_authorities (what the JDK's PKIX validator does for ES). */
export function verifyChain(chain: X509Certificate[], trusted: X509Certificate[], now: Date): TrustVerdict {
  const leaf = chain[0];
  if (!leaf) return { trusted: false, reason: 'no-certificate', detail: 'Empty client certificate chain' };
  let current = leaf;
  for (let depth = 0; depth < 8; depth++) {
    if (now < new Date(current.validFrom) || now > new Date(current.validTo)) {
      return { trusted: false, reason: 'expired', detail: `certificate [${distinguishedName(current.subject)}] is not valid at ${now.toISOString()}` };
    }
    if (trusted.some((anchor) => anchor.fingerprint256 === current.fingerprint256 || issuedBy(current, anchor))) {
      return { trusted: true };
    }
    const next = chain.find((candidate) => candidate !== current && issuedBy(current, candidate));
    if (!next) break;
    current = next;
  }
  return { trusted: false, reason: 'untrusted-issuer', detail: 'PKIX path building failed: unable to find valid certification path to requested target' };
}

function sha1(certificate: X509Certificate): string {
  return certificate.fingerprint.replace(/:/g, '').toLowerCase();
}

function subjectAltNames(certificate: X509Certificate): string {
  return (certificate.subjectAltName ?? '')
    .split(', ')
    .filter(Boolean)
    .map((entry) => entry.replace(/^IP Address:/, 'IP:'))
    .join(',');
}

/**
 * The diagnostic ES appends to TLS failures (ES x-pack/plugin/core .../ssl/SslDiagnostics.java; format from
 * SslDiagnosticsTests as quoted in research/api-contract.md §5).
 */
export function trustFailureDiagnostic(options: {
  peerRole: 'server' | 'client';
  peerAddress: string;
  chain: X509Certificate[];
  trusted: X509Certificate[];
  contextName: string;
  cipher?: string;
  protocol?: string | null;
  extra?: string;
}): string {
  const { peerRole, chain, trusted, contextName } = options;
  const leaf = chain[0];
  const start = `failed to establish trust with ${peerRole} at [${options.peerAddress}]`;
  if (!leaf) return `${start}; the ${peerRole} did not provide a certificate`;
  const parts = [start];
  const usage = leaf.keyUsage?.length ? `extendedKeyUsage [${leaf.keyUsage.join(', ')}]` : 'no keyUsage and no extendedKeyUsage';
  parts.push(`the ${peerRole} provided a certificate with subject name [${distinguishedName(leaf.subject)}], fingerprint [${sha1(leaf)}], ${usage}`);
  if (options.cipher) parts.push(`the session uses cipher suite [${options.cipher}] and protocol [${options.protocol ?? 'unknown'}]`);
  const sans = subjectAltNames(leaf);
  parts.push(sans ? `the certificate has subject alternative names [${sans}]` : 'the certificate does not have any subject alternative names');
  const issuerName = distinguishedName(leaf.issuer);
  const issuer = chain.slice(1).find((candidate) => issuedBy(leaf, candidate));
  const trustedIssuer = trusted.find((anchor) => issuedBy(leaf, anchor));
  if (issuer) {
    const selfIssued = issuer.checkIssued(issuer) ? ' which is self-issued' : '';
    parts.push(`the certificate is issued by [${issuerName}]`);
    parts.push(`the certificate is signed by (subject [${distinguishedName(issuer.subject)}] fingerprint [${sha1(issuer)}])${selfIssued}`);
    parts.push(trustedIssuer ? `the [${issuerName}] certificate is trusted in this ssl context ([${contextName}])` : `the [${issuerName}] certificate is not trusted in this ssl context ([${contextName}])`);
  } else if (trustedIssuer) {
    parts.push(`the certificate is issued by [${issuerName}] (subject [${distinguishedName(trustedIssuer.subject)}] fingerprint [${sha1(trustedIssuer)}] {trusted issuer})`);
  } else {
    const sameName = trusted.filter((anchor) => distinguishedName(anchor.subject) === issuerName);
    parts.push(
      sameName.length > 0
        ? `the certificate is issued by [${issuerName}] but the server did not provide a copy of the issuing certificate in the certificate chain; this ssl context ([${contextName}]) trusts [${sameName.length}] certificate with subject name [${issuerName}] and fingerprint [${sameName.map(sha1).join(',')}] but the signatures do not match`
        : `the certificate is issued by [${issuerName}] but the ${peerRole} did not provide a copy of the issuing certificate in the certificate chain; this ssl context ([${contextName}]) is not configured to trust that issuer`,
    );
  }
  if (options.extra) parts.push(options.extra);
  return parts.join('; ');
}

/** verification_mode: full — the JDK's hostname check, with its messages. */
export function hostnameMismatch(host: string, leaf: X509Certificate): string | undefined {
  const peer = { subject: { CN: '' }, subjectaltname: leaf.subjectAltName ?? '' } as unknown as PeerCertificate;
  const error = checkServerIdentity(host, peer);
  if (!error) return undefined;
  return /^[\d.]+$|:/.test(host) ? `No subject alternative names matching IP address ${host} found` : `No subject alternative DNS name matching ${host} found.`;
}
