import { useStore } from 'zustand';
import { useStores } from '../stores/stores-context.tsx';
import { LabStateBadge } from './lab-state-badge.tsx';
import { StatusIcon } from './status-icon.tsx';
import { useLabOperation } from './use-lab-operation.ts';

export function AppHeader() {
  const stores = useStores();
  const screen = useStore(stores.navigation, (state) => state.screen);
  const presenter = useStore(stores.navigation, (state) => state.presenter);
  const lab = screen.name === 'start' ? undefined : screen.lab;
  const status = useStore(stores.labs, (state) => (lab ? state.statuses[lab] : undefined));
  const summary = useStore(stores.labs, (state) => (lab ? state.summaries.find((entry) => entry.lab === lab) : undefined));
  const operation = useLabOperation(lab);
  const emulated = status?.emulated ?? summary?.emulated ?? (screen.name === 'bring-up' && stores.start.getState().options.images === 'emulated');

  return (
    <header className="app-header">
      {/* On Start it leads nowhere: no Tab stop between the keyboard and the lab's name. */}
      <button type="button" className="brand" tabIndex={screen.name === 'start' ? -1 : undefined} onClick={() => stores.navigation.getState().go({ name: 'start' })} aria-label="Secure Cluster Lab: back to Start">
        <img src="./shield.svg" alt="" width={30} height={30} />
        <span>Secure Cluster Lab</span>
      </button>
      {lab && (
        <div className="header-lab">
          <span className="header-lab-name">
            Lab <strong>{lab}</strong>
          </span>
          {(operation || status || summary) && <LabStateBadge state={(status ?? summary)?.state} operation={operation} />}
          {emulated && (
            <span className="badge badge-emulated" title="This lab runs seclab's emulated images, not Elastic's products">
              EMULATED
            </span>
          )}
        </div>
      )}
      {status?.workshop && (
        <p className="header-workshop" role="status" data-workshop={status.workshop.kind}>
          <StatusIcon
            status={status.workshop.phase === 'broken' ? 'warn' : 'pending'}
            withWord
            label={status.workshop.phase === 'breaking' ? 'Breaking' : status.workshop.phase === 'restoring' ? 'Restoring' : status.workshop.kind === 'challenge' ? 'Challenge' : 'Lesson'}
          />
          <span>{status.workshop.message}</span>
        </p>
      )}
      {status?.interrupted && !operation && (
        <p className="header-workshop" role="status" data-interrupted="">
          <StatusIcon status="warn" withWord label="Unfinished" />
          <span>{status.interrupted}</span>
        </p>
      )}
      <button type="button" className="button button-quiet presenter-toggle" aria-pressed={presenter} onClick={() => stores.navigation.getState().togglePresenter()}>
        {presenter ? 'Presenter: on' : 'Presenter'}
      </button>
    </header>
  );
}
