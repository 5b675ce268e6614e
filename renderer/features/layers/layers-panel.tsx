import { useRef, useState } from 'react';
import type { CheckResult } from '../../../common/checks.ts';
import { CopyButton } from '../../components/copy-button.tsx';
import { StatusIcon } from '../../components/status-icon.tsx';
import { bandsOf, tally, type BandId } from './layer-bands.ts';

function CheckCard({ check }: { check: CheckResult }) {
  const evidence = check.evidence.join('\n');
  return (
    <li className={`check-card check-${check.status}`} data-check={check.id}>
      <div className="check-head">
        <StatusIcon status={check.status} withWord />
        <h3 className="check-title">{check.title}</h3>
        <code className="check-id">{check.id}</code>
      </div>
      <p className="check-why">
        <span className="label">Why:</span> {check.docs.why}
      </p>
      <div className="check-evidence">
        <div className="check-evidence-head">
          <span className="label">Evidence</span>
          <CopyButton text={evidence} what={`evidence of ${check.id}`} />
        </div>
        <pre className="evidence">{evidence}</pre>
      </div>
      {check.status !== 'pass' && (
        <p className="check-fix">
          <span className="label">Fix:</span> {check.fix}
        </p>
      )}
    </li>
  );
}

export function LayersPanel({ checks }: { checks: CheckResult[] | undefined }) {
  const bands = bandsOf(checks);
  const [selected, setSelected] = useState<BandId>(() => bands.find((band) => band.status === 'fail' || band.status === 'error')?.id ?? 'network');
  const band = bands.find((entry) => entry.id === selected) ?? bands[0];
  const counts = tally(checks ?? []);
  const detail = useRef<HTMLElement>(null);
  function choose(id: BandId) {
    setSelected(id);
    // Stacked (narrow window) or scrolled away, the detail may be out of sight: bring its head into view.
    requestAnimationFrame(() => {
      const head = detail.current?.getBoundingClientRect();
      if (head && (head.top < 0 || head.top > window.innerHeight - 120)) {
        const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
        detail.current?.scrollIntoView({ block: 'start', behavior: smooth ? 'smooth' : 'auto' });
      }
    });
  }

  return (
    <div className="layers">
      <div className="layers-bands">
        <p className="layers-caption">
          {checks ? (
            <>
              <strong>{counts.pass}</strong> pass · <strong>{counts.fail + counts.error}</strong> fail · <strong>{counts.warn}</strong> warn · <strong>{counts.info}</strong> info — outside in
            </>
          ) : (
            'Verifying every layer against the running lab…'
          )}
        </p>
        <ol className="bands" aria-label="Security layers, outside in">
          {bands.map((entry, index) => (
            <li key={entry.id} style={{ marginInline: `${index * 10}px` }}>
              <button type="button" className={`band band-${entry.status}`} aria-pressed={entry.id === selected} data-band={entry.id} data-status={entry.status} onClick={() => choose(entry.id)}>
                <span className="band-title">{entry.title}</span>
                <span className="band-icons">
                  {!checks ? (
                    <StatusIcon status="pending" label="verifying" />
                  ) : entry.checks.length === 0 ? (
                    <span className="muted">not in this lab</span>
                  ) : (
                    entry.checks.map((check) => <StatusIcon key={check.id} status={check.status} label={`${check.title}: ${check.status}`} />)
                  )}
                </span>
              </button>
            </li>
          ))}
          <li style={{ marginInline: `${bands.length * 10}px` }}>
            <div className="band-core">Your data</div>
          </li>
        </ol>
      </div>
      <section ref={detail} className="layer-detail" aria-labelledby="layer-detail-title" aria-live="polite">
        <div className="layer-detail-head">
          <StatusIcon status={band.status} withWord />
          <h2 id="layer-detail-title" className="layer-title">
            {band.title}
          </h2>
        </div>
        <p className="muted">{band.summary}</p>
        {band.checks.length === 0 ? (
          <p className="muted">{checks ? 'This lab has no component in this layer.' : 'Checks appear once the lab is verified.'}</p>
        ) : (
          <ul className="check-list">
            {band.checks.map((check) => (
              <CheckCard key={check.id} check={check} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
