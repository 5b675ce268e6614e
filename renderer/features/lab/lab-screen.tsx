import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { messageOf } from '../../api/api-error.ts';
import { Tabs } from '../../components/tabs.tsx';
import { useLabOperation } from '../../components/use-lab-operation.ts';
import { showBringUpOf } from '../../stores/operation-follower.ts';
import type { LabTab } from '../../stores/navigation-store.ts';
import { useStores } from '../../stores/stores-context.tsx';
import { AccessPanel } from '../access/access-panel.tsx';
import { ExportPanel } from '../export/export-panel.tsx';
import { LayersPanel } from '../layers/layers-panel.tsx';
import { LogsPanel } from '../logs/logs-panel.tsx';
import { RemovalDialog, type RemovalKind } from '../teardown/removal-dialog.tsx';
import { TopologyPanel } from '../topology/topology-panel.tsx';
import { useStartExistingLab } from '../start/use-start-lab.ts';

const TABS: Array<{ id: LabTab; title: string }> = [
  { id: 'layers', title: 'Security layers' },
  { id: 'topology', title: 'Topology' },
  { id: 'access', title: 'Access' },
  { id: 'logs', title: 'Logs' },
  { id: 'export', title: 'Export' },
];

export function LabScreen({ lab }: { lab: string }) {
  const stores = useStores();
  const startExistingLab = useStartExistingLab();
  const status = useStore(stores.labs, (state) => state.statuses[lab]);
  const checking = useStore(stores.labs, (state) => state.checking[lab] ?? false);
  const tab = useStore(stores.navigation, (state) => state.tab);
  // Reset, teardown or a bring-up under way (this window's or another's): the lab's actions wait for it.
  const operation = useLabOperation(lab);
  const busy = Boolean(operation);
  const [removal, setRemoval] = useState<RemovalKind>();
  const [logComponent, setLogComponent] = useState<string>();
  const [error, setError] = useState<string>();

  // A status that cannot be read (the lab was removed elsewhere, Docker stopped, the server went away) is said, with a way on.
  const [attempt, setAttempt] = useState(0);
  const [failure, setFailure] = useState<{ lab: string; attempt: number; message: string }>();
  useEffect(() => {
    if (status) return;
    let current = true;
    void stores.labs
      .getState()
      .loadStatus(lab)
      .then((loaded) => {
        if (current && !loaded) setFailure({ lab, attempt, message: stores.labs.getState().loadError ?? 'its status did not come back' });
      });
    return () => {
      current = false;
    };
  }, [lab, status, stores, attempt]);
  const loadFailure = failure && failure.lab === lab && failure.attempt === attempt ? failure.message : undefined;

  // A lab that is up but not yet verified (bring-up may end before the probes ran) gets verified on sight.
  const needsChecks = Boolean(status && !status.checks && !busy && (status.state === 'running' || status.state === 'degraded'));
  const checkedOnce = useRef(false);
  useEffect(() => {
    if (needsChecks && !checkedOnce.current) {
      checkedOnce.current = true;
      void stores.labs.getState().runChecks(lab);
    }
  }, [needsChecks, lab, stores]);

  if (!status && loadFailure) {
    return (
      <main className="screen lab-load-failed" aria-labelledby="lab-title">
        <h1 id="lab-title">Lab {lab} could not be opened</h1>
        <p className="field-error" role="alert">
          ✕ {loadFailure}
        </p>
        <p>Try again once Docker is running; if the lab was torn down, go back to Start to start it again or open another.</p>
        <div className="button-row">
          <button type="button" className="button button-primary" onClick={() => setAttempt((count) => count + 1)}>
            Try again
          </button>
          <button type="button" className="button" onClick={() => stores.navigation.getState().go({ name: 'start' })}>
            Back to Start
          </button>
        </div>
      </main>
    );
  }
  if (!status) {
    return (
      <main className="screen" aria-busy="true">
        <p role="status">Loading lab {lab}…</p>
      </main>
    );
  }

  async function confirmRemoval(kind: RemovalKind, purge: boolean) {
    setRemoval(undefined);
    const navigation = stores.navigation.getState();
    stores.labs.getState().noteOperation(lab, kind === 'reset' ? 'reset' : 'down');
    if (kind === 'reset') {
      stores.bringUp.getState().begin(lab, 'reset');
      navigation.go({ name: 'bring-up', lab });
      try {
        stores.labs.getState().rememberStatus(await stores.api['labs.reset']({ lab }));
        stores.bringUp.getState().finish();
        navigation.showTab('layers');
        navigation.go({ name: 'lab', lab });
      } catch (failure) {
        stores.bringUp.getState().fail(failure);
        void stores.labs.getState().loadOperations();
      }
      return;
    }
    try {
      const { removed } = await stores.api['labs.down']({ lab, purge });
      // Leave the lab's screen before forgetting it, so nothing on it asks for the lab that is gone.
      navigation.go({ name: 'start' }, `Lab ${lab} torn down: ${removed.containers} containers, ${removed.volumes} volumes and ${removed.networks} network removed${purge ? ', lab folder deleted' : ''}.`);
      stores.labs.getState().forget(lab);
      await stores.labs.getState().refresh();
    } catch (failure) {
      setError(messageOf(failure));
      // A refused teardown (another window's reset holds the lab) keeps that window's operation; anything else ends ours.
      void stores.labs.getState().loadOperations();
    }
  }

  return (
    <main className="screen lab-screen" aria-labelledby="lab-title">
      <div className="lab-head">
        <h1 id="lab-title">Lab {lab}</h1>
        <span className="muted">
          Elastic {status.version} · {status.components.length} containers · {status.spec.license} licence
        </span>
        <div className="lab-actions">
          {(status.state !== 'running' || status.interrupted) && (
            <button type="button" className="button button-primary" disabled={busy} onClick={() => void startExistingLab(lab)}>
              {status.interrupted ? 'Build it again' : 'Start'}
            </button>
          )}
          <button type="button" className="button" disabled={busy} onClick={() => stores.navigation.getState().go({ name: 'workshop', lab })}>
            Workshop
          </button>
          <button type="button" className="button" disabled={checking || busy} onClick={() => void stores.labs.getState().runChecks(lab)}>
            {checking ? 'Checking…' : 'Run checks again'}
          </button>
          <button type="button" className="button" disabled={busy} onClick={() => setRemoval('reset')}>
            Reset…
          </button>
          <button type="button" className="button button-danger-quiet" disabled={busy} onClick={() => setRemoval('teardown')}>
            Tear down…
          </button>
        </div>
      </div>
      {operation && (
        <div className="notice" role="status" data-operation={operation}>
          <span>
            {operation === 'down'
              ? `Lab ${lab} is being torn down: its actions come back if that fails.`
              : `Lab ${lab} is being ${operation === 'reset' ? 'reset' : 'brought up'}: its checks and actions come back when that is done.`}
          </span>
          {operation !== 'down' && (
            <button type="button" className="button button-small button-quiet" onClick={() => void showBringUpOf(stores, lab)}>
              Show progress
            </button>
          )}
        </div>
      )}
      {error && (
        <p className="field-error" role="alert">
          ✕ {error}
        </p>
      )}
      <Tabs tabs={TABS} current={tab} onSelect={(id) => stores.navigation.getState().showTab(id)} label={`Lab ${lab}`} />
      <div className="tab-panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        {tab === 'layers' && <LayersPanel checks={status.checks} />}
        {tab === 'topology' && (
          <TopologyPanel
            status={status}
            onShowLogs={(component) => {
              setLogComponent(component);
              void stores.logs.getState().open(lab, component);
              stores.navigation.getState().showTab('logs');
            }}
          />
        )}
        {tab === 'access' && <AccessPanel lab={lab} />}
        {tab === 'logs' && <LogsPanel lab={lab} components={status.components} initialComponent={logComponent} />}
        {tab === 'export' && <ExportPanel lab={lab} />}
      </div>
      {removal && <RemovalDialog kind={removal} status={status} onCancel={() => setRemoval(undefined)} onConfirm={(purge) => void confirmRemoval(removal, purge)} />}
    </main>
  );
}
