import { useEffect, useState } from 'react';
import type { ComponentCertificate } from '../../../common/certificates.ts';
import { messageOf } from '../../api/api-error.ts';
import { useStores } from '../../stores/stores-context.tsx';

export type CertificatesState = { loading: true } | { loading: false; certificates: ComponentCertificate[] } | { loading: false; error: string };

/** The lab's certificates (labs.certificates), read again when the lab's state changes: a reset issues new ones. */
export function useCertificates(lab: string, labState: string): CertificatesState {
  const stores = useStores();
  const key = `${lab}|${labState}`;
  const [answer, setAnswer] = useState<{ key: string; state: CertificatesState }>();
  useEffect(() => {
    let current = true;
    stores.api['labs.certificates']({ lab }).then(
      (certificates) => current && setAnswer({ key, state: { loading: false, certificates } }),
      (error: unknown) => current && setAnswer({ key, state: { loading: false, error: messageOf(error) } }),
    );
    return () => {
      current = false;
    };
  }, [key, lab, stores]);
  return answer?.key === key ? answer.state : { loading: true };
}
