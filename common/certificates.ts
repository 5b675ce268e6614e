/** What a component's own TLS certificate says, read from the certificate itself (Topology's node panel). */
export interface CertificateFacts {
  /** Distinguished name as OpenSSL prints it, e.g. "CN=es02". */
  subject: string;
  /** Subject alternative names in OpenSSL's form: "DNS:es02", "IP Address:127.0.0.1". */
  sans: string[];
  issuer: string;
  /** ISO 8601. */
  notAfter: string;
  /** SHA-256 of the certificate's DER bytes, lower-case hex (the CA fingerprint's form). */
  fingerprintSha256: string;
}

/**
 * One entry per component of the lab. `certificate` is null when the component has none of its own,
 * and `note` then says why in words (an agent serves nothing; a file that went missing).
 */
export type ComponentCertificate = { component: string; certificate: CertificateFacts } | { component: string; certificate: null; note: string };
