import { useEffect, useState } from 'react';
import type { LabStatus } from '../../../common/lab-status.ts';
import { Dialog } from '../../components/dialog.tsx';
import { useStores } from '../../stores/stores-context.tsx';
import { removalSummaryOf, type RemovalSummary } from './removal-summary.ts';

export type RemovalKind = 'teardown' | 'reset';

function NameList({ title, names }: { title: string; names: string[] }) {
  if (names.length === 0) return null;
  return (
    <div className="removal-group">
      <h3 className="subheading">
        {names.length} {title}
      </h3>
      <ul className="removal-names mono">
        {names.map((name) => (
          <li key={name}>{name}</li>
        ))}
      </ul>
    </div>
  );
}

/** Says exactly what will be deleted before Reset or Tear down does it. */
export function RemovalDialog({ kind, status, onCancel, onConfirm }: { kind: RemovalKind; status: LabStatus; onCancel: () => void; onConfirm: (purge: boolean) => void }) {
  const stores = useStores();
  const [summary, setSummary] = useState<RemovalSummary>(() => removalSummaryOf(status, undefined));
  const [purge, setPurge] = useState(false);
  useEffect(() => {
    stores.api['labs.plan']({ spec: status.spec as unknown as Record<string, unknown> }).then(
      (plan) => setSummary(removalSummaryOf(status, plan)),
      () => undefined,
    );
  }, [stores, status]);

  const title = kind === 'reset' ? `Reset lab ${status.lab}?` : `Tear down lab ${status.lab}?`;
  return (
    <Dialog
      title={title}
      onClose={onCancel}
      actions={
        <>
          <button type="button" className="button" onClick={onCancel} data-autofocus>
            Cancel
          </button>
          <button type="button" className="button button-danger" onClick={() => onConfirm(purge)}>
            {kind === 'reset' ? 'Reset lab' : purge ? 'Tear down and delete folder' : 'Tear down lab'}
          </button>
        </>
      }
    >
      <p>{kind === 'reset' ? 'Reset deletes these and builds the lab again from scratch with new certificates and passwords. Data in the lab is lost.' : 'Tear down deletes these. Data in the lab is lost.'}</p>
      <NameList title={summary.containers.length === 1 ? 'container' : 'containers'} names={summary.containers} />
      <NameList title={summary.volumes.length === 1 ? 'volume' : 'volumes'} names={summary.volumes} />
      {summary.network && kind === 'teardown' && <NameList title="network" names={[summary.network]} />}
      {kind === 'reset' && <NameList title="lab files, replaced by new ones" names={[`labs/${status.lab}/certs/ (the CA and every certificate)`, `labs/${status.lab}/secrets.json (every password and token)`]} />}
      {kind === 'reset' && summary.network && (
        <p>
          Kept for the new lab: the network <code className="mono">{summary.network}</code> (same subnet).
        </p>
      )}
      {kind === 'teardown' && (
        <label className="check-field purge">
          <input type="checkbox" checked={purge} onChange={(event) => setPurge(event.target.checked)} />
          <span>
            Also delete the lab folder <code className="mono">labs/{status.lab}</code> (its CA, certificates and passwords), like <code className="mono">seclab down --purge</code>
          </span>
        </label>
      )}
    </Dialog>
  );
}
