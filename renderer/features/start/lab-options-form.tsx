import { useStore } from 'zustand';
import { useStores } from '../../stores/stores-context.tsx';
import type { StartOptions } from '../../stores/start-store.ts';

function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <p className="field-error" id={id} role="alert">
      ✕ {message}
    </p>
  ) : null;
}

export function LabOptionsForm() {
  const stores = useStores();
  const options = useStore(stores.start, (state) => state.options);
  const problems = useStore(stores.start, (state) => state.problems);
  const set = <K extends keyof StartOptions>(key: K, value: StartOptions[K]) => stores.start.getState().setOption(key, value);
  const invalid = (key: keyof StartOptions) => (problems[key] ? { 'aria-invalid': true, 'aria-describedby': `error-${key}` } : {});

  return (
    <form className="options-form" onSubmit={(event) => event.preventDefault()}>
      <label className="field">
        <span className="field-label">Lab name</span>
        <input value={options.name} onChange={(event) => set('name', event.target.value)} spellCheck={false} autoComplete="off" {...invalid('name')} />
        <FieldError id="error-name" message={problems.name} />
      </label>
      <label className="field">
        <span className="field-label">Version</span>
        <input value={options.version} onChange={(event) => set('version', event.target.value)} spellCheck={false} {...invalid('version')} />
        <FieldError id="error-version" message={problems.version} />
      </label>
      <label className="field">
        <span className="field-label">Elasticsearch nodes</span>
        <input type="number" min={1} max={7} value={options.nodes} onChange={(event) => set('nodes', Number(event.target.value))} {...invalid('nodes')} />
        <FieldError id="error-nodes" message={problems.nodes} />
      </label>
      <label className="field">
        <span className="field-label">Memory per node</span>
        <select value={options.memory} onChange={(event) => set('memory', event.target.value)}>
          {['512m', '1g', '2g', '4g'].map((memory) => (
            <option key={memory} value={memory}>
              {memory.replace('m', ' MB').replace('g', ' GB')}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="field">
        <legend className="field-label">Components</legend>
        <div className="check-row">
          <label className="check-field">
            <input type="checkbox" checked={options.kibana} onChange={(event) => set('kibana', event.target.checked)} /> Kibana
          </label>
          <label className="check-field" title={options.kibana ? undefined : 'Fleet Server needs Kibana'}>
            <input type="checkbox" checked={options.fleetServer} disabled={!options.kibana} onChange={(event) => set('fleetServer', event.target.checked)} /> Fleet Server
          </label>
        </div>
        <FieldError id="error-fleetServer" message={problems.fleetServer ?? problems.kibana} />
      </fieldset>
      <label className="field">
        <span className="field-label">Agents</span>
        <input type="number" min={0} max={5} value={options.agents} disabled={!options.fleetServer} onChange={(event) => set('agents', Number(event.target.value))} {...invalid('agents')} />
        <FieldError id="error-agents" message={problems.agents} />
      </label>
      <fieldset className="field field-wide">
        <legend className="field-label">Images</legend>
        <div className="segmented">
          <label className="segment">
            <input type="radio" name="images" checked={options.images === 'official'} onChange={() => set('images', 'official')} />
            <span>Official</span>
          </label>
          <label className="segment">
            <input type="radio" name="images" checked={options.images === 'emulated'} onChange={() => set('images', 'emulated')} />
            <span>Emulated (offline)</span>
          </label>
        </div>
      </fieldset>
      <fieldset className="field field-wide">
        <legend className="field-label">Licence</legend>
        <div className="segmented">
          <label className="segment">
            <input type="radio" name="license" checked={options.license === 'trial'} onChange={() => set('license', 'trial')} />
            <span>Trial 30 days (IP filter, audit)</span>
          </label>
          <label className="segment">
            <input type="radio" name="license" checked={options.license === 'basic'} onChange={() => set('license', 'basic')} />
            <span>Basic</span>
          </label>
        </div>
      </fieldset>
    </form>
  );
}
