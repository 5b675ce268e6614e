import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import type { CertificateFacts, ComponentCertificate } from '../../../common/certificates.ts';
import type { ComponentKind } from '../../../common/lab-plan.ts';
import { labPaths } from './lab-home.ts';

/** A distinguished name on one line: Node prints one RDN per line ("C=US\nCN=es02"). */
const oneLine = (name: string) => name.split('\n').filter(Boolean).join(', ');

/** The facts of the first certificate in a PEM (a lab leaf file holds leaf then CA, as certutil writes it). */
export function certificateFactsOf(pem: string | Buffer): CertificateFacts {
  const certificate = new X509Certificate(pem);
  return {
    subject: oneLine(certificate.subject),
    sans: (certificate.subjectAltName ?? '').split(', ').filter(Boolean),
    issuer: oneLine(certificate.issuer),
    notAfter: new Date(certificate.validTo).toISOString(),
    fingerprintSha256: certificate.fingerprint256.replace(/:/g, '').toLowerCase(),
  };
}

/** Agents enroll as TLS clients and serve nothing: the lab issues them no certificate. */
export const NO_CERTIFICATE_OF_ITS_OWN = 'none of its own: an agent serves nothing, it trusts the lab CA to reach Fleet Server';

/**
 * Each component's certificate as the lab's certs folder holds it (lab-pki.ts's certutil layout:
 * certs/<name>/<name>.crt). A server whose file is gone or unreadable gets a note saying so and what to do.
 */
export function readLabCertificates(home: string, lab: string, components: Array<{ component: string; kind: ComponentKind }>): ComponentCertificate[] {
  const certs = labPaths(home, lab).certs;
  return components.map(({ component, kind }): ComponentCertificate => {
    if (kind === 'agent') return { component, certificate: null, note: NO_CERTIFICATE_OF_ITS_OWN };
    const path = join(certs, component, `${component}.crt`);
    if (!existsSync(path)) return { component, certificate: null, note: `no certificate at ${path}: Reset the lab to issue its certificates again` };
    try {
      return { component, certificate: certificateFactsOf(readFileSync(path)) };
    } catch {
      return { component, certificate: null, note: `${path} is not a readable PEM certificate: Reset the lab to issue its certificates again` };
    }
  });
}
