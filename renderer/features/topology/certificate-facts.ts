import type { CheckId, CheckResult } from '../../../common/checks.ts';

/** The checks whose evidence names each server's certificate, one line per component ("es02: CN=es02, SAN …; expires …"). */
const CERTIFICATE_CHECKS: CheckId[] = ['http.cert-valid', 'kibana.https'];

/** What verification saw of a component's certificate (subject, SANs, expiry), without the leading "name: ". */
export function certificateFactsOf(checks: CheckResult[] | undefined, component: string): string[] {
  const prefix = `${component}: `;
  return (checks ?? [])
    .filter((check) => CERTIFICATE_CHECKS.includes(check.id))
    .flatMap((check) => check.evidence)
    .filter((line) => line.startsWith(prefix))
    .map((line) => line.slice(prefix.length));
}
