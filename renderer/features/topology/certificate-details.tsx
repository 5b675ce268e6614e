import { useState } from 'react';
import type { CertificatesState } from './use-certificates.ts';
import { BreakableName } from '../../components/breakable-name.tsx';
import { formatFingerprint } from '../access/format-fingerprint.ts';
import { counted } from '../../../common/counted.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** "28 Nov 2027 (expires in 364 days)", or "(expired 3 days ago)": the date and how near it is. */
function expiry(notAfter: string, now: number): string {
  const date = new Date(notAfter);
  const days = Math.round((date.getTime() - now) / DAY_MS);
  const when = date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  return days >= 0 ? `${when} (expires in ${counted(days, 'day')})` : `${when} (expired ${counted(-days, 'day')} ago)`;
}

/** A component's own certificate, as labs.certificates read it from the lab's certs folder. */
export function CertificateDetails({ component, state }: { component: string; state: CertificatesState }) {
  const [now] = useState(() => Date.now());
  if (state.loading) return <p className="muted">Reading its certificate…</p>;
  if ('error' in state) return <p className="field-error">✕ Its certificate could not be read: {state.error}</p>;
  const entry = state.certificates.find((candidate) => candidate.component === component);
  if (!entry) return <p className="muted">The lab has no certificate entry for {component}.</p>;
  if (!entry.certificate) return <p data-fact="certificate-none">{entry.note}</p>;
  const { subject, sans, issuer, notAfter, fingerprintSha256 } = entry.certificate;
  const fingerprint = formatFingerprint(fingerprintSha256);
  return (
    <dl className="facts certificate-facts" data-fact="certificate">
      <dt>Subject</dt>
      <dd className="mono" data-fact="subject">
        {subject}
      </dd>
      <dt>SANs</dt>
      <dd data-fact="sans">
        <ul className="san-list mono">
          {sans.map((san) => (
            <li key={san}>{san}</li>
          ))}
        </ul>
      </dd>
      <dt>Issuer</dt>
      <dd className="mono" data-fact="issuer">
        {issuer}
      </dd>
      <dt>Not after</dt>
      <dd data-fact="not-after">
        <time dateTime={notAfter} title={notAfter}>
          {expiry(notAfter, now)}
        </time>
      </dd>
      <dt>SHA-256 fingerprint</dt>
      <dd className="mono fingerprint-value fact-name" data-fact="fingerprint">
        <BreakableName name={fingerprint} />
      </dd>
    </dl>
  );
}
