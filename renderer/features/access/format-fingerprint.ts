/** SHA-256 fingerprints as openssl and browsers print them (AB:CD:…), whatever form the service returns. */
export function formatFingerprint(fingerprint: string): string {
  const hex = fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return hex.length === 64 ? hex.match(/.{2}/g)!.join(':') : fingerprint;
}
