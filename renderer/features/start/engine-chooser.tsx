import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { DockerEngineInfo } from '../../../common/docker-engine-info.ts';
import { engineChoiceOfText, engineChoiceSchema, type EngineChoiceInput } from '../../../common/engine-choice.ts';
import { useStores } from '../../stores/stores-context.tsx';

const OTHER = 'other';
const FIELD = 'Docker context or address';

/** The offered engine in use now, or none (then the text field holds what is in use). */
function optionInUse(engine: DockerEngineInfo | undefined): number {
  if (!engine) return 0;
  const fromApp = engine.source === 'app';
  return (engine.choices ?? []).findIndex((option) => option.address === engine.address && (option.choice.engine !== undefined) === fromApp && !engine.contextName);
}

/**
 * The inline panel under the engine line: the engines found on this machine, or a Docker context's
 * name or an address typed in. "Use this engine" switches (engine.choose) and the Start screen checks
 * again; a refusal is said next to what was chosen.
 */
export function EngineChooser({ onDone }: { onDone: () => void }) {
  const stores = useStores();
  const engine = useStore(stores.start, (state) => state.engine);
  const choices = engine?.choices ?? [];
  const inUse = optionInUse(engine);
  const [selected, setSelected] = useState(inUse >= 0 ? String(inUse) : OTHER);
  const [text, setText] = useState(inUse >= 0 || !engine ? '' : (engine.contextName ?? engine.address));
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const panel = useRef<HTMLElement>(null);
  const field = useRef<HTMLInputElement>(null);
  // Opened from the keyboard, the panel takes the focus on the engine in use.
  useEffect(() => panel.current?.querySelector<HTMLInputElement>('input[type="radio"]:checked')?.focus(), []);
  // Escape anywhere in the panel closes it, as Cancel does.
  useEffect(() => {
    const element = panel.current;
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && onDone();
    element?.addEventListener('keydown', onKey);
    return () => element?.removeEventListener('keydown', onKey);
  }, [onDone]);

  const typed = selected === OTHER;
  const use = async (event: FormEvent) => {
    event.preventDefault();
    let choice: EngineChoiceInput;
    if (typed) {
      if (!text.trim()) return refuse('type a Docker context’s name (docker context ls) or an engine’s address');
      const parsed = engineChoiceSchema.safeParse(engineChoiceOfText(text));
      if (!parsed.success) return refuse(parsed.error.issues[0].message);
      choice = parsed.data;
    } else {
      choice = choices[Number(selected)].choice;
    }
    setBusy(true);
    const chosen = await stores.start.getState().chooseEngine(choice);
    setBusy(false);
    if (chosen) return onDone();
    refuse(stores.start.getState().engineChoiceError ?? 'the engine could not be chosen');
  };
  const refuse = (message: string) => {
    setError(message);
    if (typed) field.current?.focus();
  };

  return (
    <section ref={panel} id="engine-chooser" className="engine-chooser" aria-labelledby="engine-chooser-title">
      <h3 id="engine-chooser-title">Choose the Docker engine</h3>
      <form onSubmit={(event) => void use(event)}>
        <fieldset className="field">
          <legend className="field-label">Engines found on this machine</legend>
          {choices.map((option, index) => (
            <label key={option.address} className="engine-choice">
              <input
                type="radio"
                name="engine-choice"
                checked={selected === String(index)}
                onChange={() => {
                  setSelected(String(index));
                  setError(undefined);
                }}
              />
              <span>
                <code className="mono">{option.address}</code> — {option.kind}
              </span>
            </label>
          ))}
          <label className="engine-choice">
            <input
              type="radio"
              name="engine-choice"
              checked={typed}
              onChange={() => {
                setSelected(OTHER);
                setError(undefined);
              }}
            />
            <span>Another engine: a Docker context or an address</span>
          </label>
        </fieldset>
        <div className="field engine-other">
          <label className="field-label" htmlFor="engine-other">
            {FIELD}
          </label>
          <input
            id="engine-other"
            ref={field}
            value={text}
            spellCheck={false}
            autoComplete="off"
            placeholder="colima, ssh://ada@build-box, tcp://10.0.0.5:2376"
            onChange={(event) => {
              setText(event.target.value);
              setSelected(OTHER);
              setError(undefined);
            }}
            aria-describedby={typed && error ? 'engine-other-hint engine-other-error' : 'engine-other-hint'}
            {...(typed && error ? { 'aria-invalid': true } : {})}
          />
          <span id="engine-other-hint" className="muted small">
            A context’s name (docker context ls), or an address: unix://, tcp://, ssh://, npipe://
          </span>
        </div>
        {error && (
          <p className="field-error" id={typed ? 'engine-other-error' : 'engine-choice-error'} role="alert">
            ✕ {typed ? `${FIELD}: ` : ''}
            {error}
          </p>
        )}
        <div className="button-row">
          <button type="submit" className="button" disabled={busy}>
            {busy ? 'Switching…' : 'Use this engine'}
          </button>
          <button type="button" className="button button-quiet" onClick={onDone}>
            Cancel
          </button>
        </div>
        <p className="muted small">Labs made on one engine are seen only on it: switch back to reach them.</p>
      </form>
    </section>
  );
}
