import { useStore } from 'zustand';
import { formatElapsed, ProgressBar } from '../../components/progress-bar.tsx';
import { StatusIcon } from '../../components/status-icon.tsx';
import { useNow } from '../../components/use-now.ts';
import type { CheckStatus } from '../../../common/checks.ts';
import type { PhaseProgress, PhaseState } from '../../stores/bring-up-store.ts';
import { useStores } from '../../stores/stores-context.tsx';

const PHASE_LOOK: Record<PhaseState, { status: CheckStatus; word: string }> = {
  waiting: { status: 'info', word: 'Waiting' },
  running: { status: 'pending', word: 'Working' },
  done: { status: 'pass', word: 'Done' },
  skipped: { status: 'info', word: 'Skipped' },
  failed: { status: 'fail', word: 'Failed' },
  'not-run': { status: 'info', word: 'Not run' },
};

const COMPONENT_LOOK: Record<string, CheckStatus> = { creating: 'pending', starting: 'pending', waiting: 'pending', ready: 'pass', failed: 'fail', removed: 'info' };

/** `failureShown`: the failure card above already says this phase's message; the row doesn't say it twice. */
function PhaseRow({ phase, runStartedAt, now, failureShown }: { phase: PhaseProgress; runStartedAt: number; now: number; failureShown?: string }) {
  const look = PHASE_LOOK[phase.state];
  const elapsed = phase.elapsedMs ?? (phase.state === 'running' && phase.startedAt ? now - phase.startedAt : undefined);
  return (
    <li className={`phase phase-${phase.state}`} data-phase={phase.phase}>
      <StatusIcon status={look.status} label={look.word} />
      <span className="phase-title">{phase.title}</span>
      <span className="phase-state">{look.word}</span>
      <span className="phase-start mono" title="When the phase began, counted from the start of the run">
        {phase.startedAt !== undefined ? `at ${formatElapsed(phase.startedAt - runStartedAt)}` : ''}
      </span>
      <span className="phase-elapsed mono" title="How long the phase took">
        {elapsed !== undefined ? formatElapsed(elapsed) : ''}
      </span>
      {phase.detail &&
        phase.state !== 'done' &&
        (phase.state === 'failed' && phase.detail === failureShown ? <span className="phase-detail">what happened is said above</span> : <span className="phase-detail">{phase.detail}</span>)}
    </li>
  );
}

export function BringUpScreen() {
  const stores = useStores();
  const run = useStore(stores.bringUp, (state) => state.run);
  const now = useNow(Boolean(run && !run.finished));
  if (!run) return null;
  const done = run.phases.filter((phase) => phase.state === 'done' || phase.state === 'skipped').length;
  const verb = run.action === 'reset' ? 'Resetting' : 'Starting';

  return (
    <main className="screen bring-up-screen" aria-labelledby="bring-up-title">
      <div className="bring-up-head">
        <h1 id="bring-up-title">{run.failure ? `Lab ${run.lab} did not come up` : run.finished ? `Lab ${run.lab} is up` : `${verb} lab ${run.lab}…`}</h1>
        <p className="lead" aria-live="polite">
          {done} of {run.phases.length} phases done · {formatElapsed((run.finishedAt ?? now) - run.startedAt)}
        </p>
      </div>
      <div className="overall-progress" role="progressbar" aria-label="Phases done" aria-valuemin={0} aria-valuemax={run.phases.length} aria-valuenow={done}>
        <div className={`progress-fill${run.failure ? ' progress-failed' : done === run.phases.length ? ' progress-done' : ''}`} style={{ width: `${Math.round((done / run.phases.length) * 100)}%` }} />
      </div>
      {run.failure && (
        <section className="card failure" role="alert" aria-labelledby="failure-title">
          <h2 id="failure-title" className="card-title">
            <StatusIcon status="fail" /> {run.failure.component ? `${run.failure.component} failed` : 'Bring-up failed'}
            {run.failure.phase ? ` during ${run.failure.phase}` : ''}
          </h2>
          <p className="failure-message">{run.failure.message}</p>
          {run.failure.logTail.length > 0 && (
            <>
              <h3 className="subheading">Last log lines{run.failure.component ? ` of ${run.failure.component}` : ''}</h3>
              <pre className="evidence">{run.failure.logTail.join('\n')}</pre>
            </>
          )}
          <div className="button-row">
            <button type="button" className="button button-primary" onClick={() => stores.navigation.getState().go({ name: 'start' })}>
              Back to Start
            </button>
          </div>
        </section>
      )}
      <div className="bring-up-grid">
        <section className="card" aria-labelledby="timeline-title">
          <h2 id="timeline-title" className="card-title">
            Phases
          </h2>
          <ol className="timeline">
            {run.phases.map((phase) => (
              <PhaseRow key={phase.phase} phase={phase} runStartedAt={run.startedAt} now={now} failureShown={run.failure?.message} />
            ))}
          </ol>
        </section>
        <div className="bring-up-side">
          <section className="card" aria-labelledby="images-title">
            <h2 id="images-title" className="card-title">
              Images
            </h2>
            {run.images.length === 0 ? (
              <p className="muted">Waiting for the image phase.</p>
            ) : (
              run.images.map((image) => <ProgressBar key={image.image} label={image.image} current={image.currentBytes} total={image.totalBytes} detail={image.status} />)
            )}
          </section>
          <section className="card" aria-labelledby="components-title">
            <h2 id="components-title" className="card-title">
              Components
            </h2>
            {run.components.length === 0 ? (
              <p className="muted">No container started yet.</p>
            ) : (
              <ul className="component-states">
                {run.components.map((component) => (
                  <li key={component.component} data-component={component.component}>
                    <StatusIcon status={COMPONENT_LOOK[component.state] ?? 'info'} label={component.state} />
                    <span className="mono">{component.component}</span>
                    <span className="muted">{component.detail ?? component.state}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      </div>
    </main>
  );
}
