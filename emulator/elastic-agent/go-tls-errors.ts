/**
 * Go's crypto/x509 wording for the TLS failures Node reports, so the agent and Fleet Server log what the
 * real (Go) programs log, e.g. "x509: certificate signed by unknown authority" (elastic/fleet-server#1945,
 * elastic/elastic-agent#2042).
 */
const UNKNOWN_AUTHORITY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_SIGNATURE_FAILURE',
]);

interface NodeTlsError {
  code?: string;
  message?: string;
  reason?: string;
  host?: string;
  cause?: unknown;
}

function findCode(error: unknown): NodeTlsError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const candidate = current as NodeTlsError;
    if (candidate.code) return candidate;
    current = candidate.cause;
  }
  return undefined;
}

/** Clients that drop the error code (e.g. the Elasticsearch client's ConnectionError) keep Node's message. */
const UNKNOWN_AUTHORITY_MESSAGES = [
  'self-signed certificate',
  'self signed certificate',
  'unable to verify the first certificate',
  'unable to get local issuer certificate',
  'unable to get issuer certificate',
  // elastic-agent-libs tlscommon: a fingerprint that matches no CA in the chain falls back to normal
  // verification, which then fails like an unknown CA.
  'CA fingerprint does not match',
];

export function goTlsErrorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (!findCode(error) && UNKNOWN_AUTHORITY_MESSAGES.some((m) => text.includes(m))) return 'x509: certificate signed by unknown authority';
  if (!findCode(error) && text.includes('certificate has expired')) return 'x509: certificate has expired or is not yet valid';
  if (!findCode(error) && text.includes('ECONNREFUSED')) return 'dial tcp: connect: connection refused';
  // Go's http.Transport refuses a header value with a line break (e.g. a token file ending in "\n",
  // which fleet-server reads untrimmed) before dialling; Node's clients say "invalid authorization header".
  if (/invalid authorization header|Invalid character in header content \["authorization"\]/i.test(text)) {
    return 'net/http: invalid header field value for "Authorization"';
  }
  const found = findCode(error);
  const code = found?.code ?? '';
  if (UNKNOWN_AUTHORITY_CODES.has(code)) return 'x509: certificate signed by unknown authority';
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return 'x509: certificate has expired or is not yet valid';
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    // Node: "Hostname/IP does not match certificate's altnames: Host: x. is not in the cert's altnames: DNS:a, IP Address:b"
    const names = /altnames: (.*)$/.exec(found?.reason ?? '')?.[1] ?? '';
    const valid = names
      .split(',')
      .map((n) => n.trim().replace(/^(DNS|IP Address):/, ''))
      .filter(Boolean)
      .join(', ');
    return `x509: certificate is valid for ${valid}, not ${found?.host ?? 'the requested host'}`;
  }
  if (code === 'ECONNREFUSED') {
    const { address, port } = found as NodeTlsError & { address?: string; port?: number };
    return address ? `dial tcp ${address.includes(':') ? `[${address}]` : address}:${port}: connect: connection refused` : 'dial tcp: connect: connection refused';
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `dial tcp: lookup ${found?.host ?? ''}: no such host`;
  if (code === 'ECONNRESET') return 'read: connection reset by peer';
  if (code === 'EPROTO' || code.startsWith('ERR_SSL')) return `remote error: tls: ${found?.message ?? code}`;
  return found?.message ?? (error instanceof Error ? error.message : String(error));
}

export function isConnectionRefused(error: unknown): boolean {
  return findCode(error)?.code === 'ECONNREFUSED';
}
