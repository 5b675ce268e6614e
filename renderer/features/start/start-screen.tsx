import { useEffect, useMemo } from 'react';
import { useStore } from 'zustand';
import { labSpecSchema, type LabSpec } from '../../../common/lab-spec.ts';
import { useStores } from '../../stores/stores-context.tsx';
import { specInputOf } from '../../stores/start-store.ts';
import { buildTopology } from '../topology/topology-model.ts';
import { TopologyDiagram } from '../topology/topology-diagram.tsx';
import { ExistingLabs } from './existing-labs.tsx';
import { LabOptionsForm } from './lab-options-form.tsx';
import { PreflightList } from './preflight-list.tsx';
import { EngineLine } from './engine-line.tsx';
import { useStartLab } from './use-start-lab.ts';

export function StartScreen() {
  const stores = useStores();
  const options = useStore(stores.start, (state) => state.options);
  const problems = useStore(stores.start, (state) => state.problems);
  const preflight = useStore(stores.start, (state) => state.preflight);
  const preflightState = useStore(stores.start, (state) => state.preflightState);
  const startLab = useStartLab();

  // Coming back to Start (after a teardown, say) the machine may have changed: check again. Once per
  // visit (the stores never change while the screen is shown); the first visit is checked by hydrate().
  useEffect(() => {
    const start = stores.start.getState();
    if (start.preflight !== undefined) void start.runPreflight();
  }, [stores.start]);
  // Until the machine has been checked once, starting would only meet the same checks inside `up`, as a failure.
  const checkedOnce = preflight !== undefined || preflightState === 'failed';
  const blocked = !checkedOnce || Object.keys(problems).length > 0 || (preflight ?? []).some((check) => check.status === 'fail');

  const topology = useMemo(() => {
    const parsed = labSpecSchema.safeParse(specInputOf(options));
    return parsed.success ? buildTopology(parsed.data as LabSpec) : undefined;
  }, [options]);

  return (
    <main className="screen start-screen" aria-labelledby="start-title">
      <div className="start-intro">
        <h1 id="start-title">Start a secured lab</h1>
        <p className="lead">Every layer of Elastic’s “secure your cluster” guidance turned on, then proved live.</p>
      </div>
      <div className="start-grid">
        {/* The form comes first in reading and Tab order; the grid shows the preview on its left. */}
        <section className="card start-options" aria-labelledby="options-title">
          <h2 id="options-title" className="card-title">
            Options
          </h2>
          <LabOptionsForm />
        </section>
        <section className="card start-preview" aria-labelledby="preview-title">
          <h2 id="preview-title" className="card-title">
            The lab you will get
          </h2>
          {topology ? <TopologyDiagram topology={topology} label="Preview of the lab's topology" /> : <p className="muted">Fix the options to see the lab.</p>}
        </section>
      </div>
      <div className="start-bottom">
        <section className="card start-preflight" aria-labelledby="preflight-title">
          <h2 id="preflight-title" className="card-title">
            Before you start
          </h2>
          <EngineLine />
          <PreflightList
            onUseEmulated={() => {
              stores.start.getState().setOption('images', 'emulated');
              void startLab({ ...options, images: 'emulated' });
            }}
          />
        </section>
        <div className="start-action">
          <button type="button" className="button button-primary button-huge" disabled={blocked} onClick={() => void startLab(options)}>
            Start lab
          </button>
          <span className="muted start-action-note">
            {!checkedOnce ? 'Checking this machine first…' : blocked ? 'Fix what is marked first.' : `${options.nodes} nodes · ${options.images === 'emulated' ? 'emulated images' : 'Elastic images'}`}
          </span>
        </div>
      </div>
      <ExistingLabs />
    </main>
  );
}
