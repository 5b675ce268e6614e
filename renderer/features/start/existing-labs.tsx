import { useStore } from 'zustand';
import { CopyButton } from '../../components/copy-button.tsx';
import { LabStateBadge } from '../../components/lab-state-badge.tsx';
import { useStores } from '../../stores/stores-context.tsx';

export function ExistingLabs() {
  const stores = useStores();
  const summaries = useStore(stores.labs, (state) => state.summaries);
  if (summaries.length === 0) return null;

  async function open(lab: string) {
    await stores.labs.getState().loadStatus(lab);
    stores.navigation.getState().go({ name: 'lab', lab });
  }

  return (
    <section className="card existing-labs" aria-labelledby="existing-title">
      <h2 id="existing-title" className="card-title">
        Labs on this machine
      </h2>
      <ul className="lab-list">
        {summaries.map((summary) => (
          <li key={summary.lab} className="lab-list-item">
            <span className="lab-list-name">{summary.lab}</span>
            <LabStateBadge state={summary.state} />
            <span className="muted">
              {summary.version} · {summary.running}/{summary.components} running
            </span>
            {summary.emulated && <span className="badge badge-emulated">EMULATED</span>}
            {summary.unrecorded ? (
              <UnrecordedLabNote lab={summary.lab} />
            ) : (
              <button type="button" className="button button-small" onClick={() => void open(summary.lab)}>
                Open {summary.lab}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A lab another seclab home made: its spec, certificates and passwords are there, not here, so it can't be opened from this app. */
function UnrecordedLabNote({ lab }: { lab: string }) {
  const command = `seclab down --lab ${lab}`;
  return (
    <p className="lab-list-note">
      <span className="badge">Other seclab home</span> Made from another seclab home (or its folder was deleted): its checks, access and passwords live there, so this app can't open it. Open it from that home (
      <code className="mono">SECLAB_HOME</code>), or remove it with <code className="mono">{command}</code> <CopyButton text={command} what={`command that removes ${lab}`} />
    </p>
  );
}
