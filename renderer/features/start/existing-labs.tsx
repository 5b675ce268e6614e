import { useStore } from 'zustand';
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
            <button type="button" className="button button-small" onClick={() => void open(summary.lab)}>
              Open {summary.lab}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
