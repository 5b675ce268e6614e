import { useEffect, useState } from 'react';
import type { ComponentCertificate } from '../../../common/certificates.ts';
import { messageOf } from '../../api/api-error.ts';
import { useStores } from '../../stores/stores-context.tsx';

export type CertificatesState = { loading: true } | { loading: false; certificates: ComponentCertificate[] } | { loading: false; error: string };

/** The lab's certificates (labs.certificates), read again when the lab's state changes: a reset issues new ones. */
export function useCertificates(lab: string, labState: string): CertificatesState {
  const stores = useStores();
  const [state, setState] = useState<CertificatesState>({ loading: true });
  useEffect(() => {
    let current = true;
    setState({ loading: true });
    stores.api['labs.certificates']({ lab }).then(
      (certificates) => current && setState({ loading: false, certificates }),
      (error: unknown) => current && setState({ loading: false, error: messageOf(error) }),
    );
    return () => {
      current = false;
    };
  }, [lab, labState, stores]);
  return state;
}
