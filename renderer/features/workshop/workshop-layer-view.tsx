import type { CheckId, CheckResult } from '../../../common/checks.ts';
import { StatusIcon } from '../../components/status-icon.tsx';
import { bandsOf } from '../layers/layer-bands.ts';

/**
 * The live layer view beside a lesson or challenge: every band with its checks' icons, and the
 * checks in focus (the lesson's) opened with their evidence. A challenge focuses on nothing:
 * which layer is broken is for the students to find.
 */
export function WorkshopLayerView({ checks, focus = [], caption }: { checks: CheckResult[] | undefined; focus?: CheckId[]; caption: string }) {
  const bands = bandsOf(checks);
  const focused = (checks ?? []).filter((check) => focus.includes(check.id));
  return (
    <section className="card workshop-layers" aria-labelledby="workshop-layers-title">
      <h2 id="workshop-layers-title" className="card-title">
        Security layers, live
      </h2>
      <p className="muted small">{checks ? caption : 'Verifying every layer against the running lab…'}</p>
      <ol className="workshop-bands" aria-label="Security layers, outside in">
        {bands.map((band) => (
          <li key={band.id} className={`workshop-band band-${band.status}`} data-band={band.id} data-status={band.status}>
            <StatusIcon status={band.status} withWord />
            <span className="workshop-band-title">{band.title}</span>
            <span className="band-icons">
              {band.checks.map((check) => (
                <StatusIcon key={check.id} status={check.status} label={`${check.title}: ${check.status}`} />
              ))}
            </span>
          </li>
        ))}
      </ol>
      {focused.map((check) => (
        <details key={check.id} className={`workshop-check check-${check.status}`} data-check={check.id} open>
          <summary>
            <StatusIcon status={check.status} withWord /> <span className="check-title">{check.title}</span> <code className="check-id">{check.id}</code>
          </summary>
          <pre className="evidence">{check.evidence.join('\n')}</pre>
        </details>
      ))}
    </section>
  );
}
