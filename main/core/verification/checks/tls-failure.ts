/**
 * OpenSSL's verification errors, as Node names them: the peer spoke TLS and showed a certificate
 * the lab CA does not vouch for. A refused or dropped connection is another matter, and so is a
 * peer that answers in plain text: each is said as what it is.
 */
const UNTRUSTED_CERTIFICATE =
  /SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|CERT_SIGNATURE_FAILURE|CERT_UNTRUSTED|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|self[- ]signed certificate|unable to (get|verify)/i;
const NOT_LISTENING = /ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ECONNRESET|no connection|timed out/i;

/** Why a TLS handshake with `node` on `port` failed, in words that say only what was seen. */
export function tlsFailureSentence(node: string, port: number, error: string | undefined): string {
  const why = error ?? 'no answer';
  if (UNTRUSTED_CERTIFICATE.test(why)) return `${node} serves TLS on ${port}, but its certificate does not verify against the lab CA (${why})`;
  if (NOT_LISTENING.test(why)) return `${node} did not take a connection on ${port} (${why})`;
  return `${node} does not speak TLS on ${port} (${why})`;
}

export function isUntrustedCertificate(error: string | undefined): boolean {
  return UNTRUSTED_CERTIFICATE.test(error ?? '');
}
