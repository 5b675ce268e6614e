import { useRef, useState } from 'react';
import { useStore } from 'zustand';
import { useStores } from '../../stores/stores-context.tsx';
import { EngineChooser } from './engine-chooser.tsx';

/** One line above the checks: which Docker engine they ran against, and how it was found (seclab doctor lists the rest); "Change engine" picks another. */
export function EngineLine() {
  const stores = useStores();
  const engine = useStore(stores.start, (state) => state.engine);
  const engineError = useStore(stores.start, (state) => state.engineError);
  const engineRestoreError = useStore(stores.start, (state) => state.engineRestoreError);
  const [choosing, setChoosing] = useState(false);
  const changeButton = useRef<HTMLButtonElement>(null);
  if (!engine && !engineError) return null;
  const close = () => {
    setChoosing(false);
    // Back where the person was, for the keyboard.
    requestAnimationFrame(() => changeButton.current?.focus());
  };
  return (
    <div className="engine-line-block">
      <div className="engine-line-row">
        {engineError ? (
          <p className="field-error engine-line">✕ Docker engine: {engineError}</p>
        ) : (
          <p className="muted engine-line" data-testid="engine-line">
            Docker engine: <code className="mono">{engine!.address}</code> ({engine!.contextName ? `context ‘${engine!.contextName}’` : engine!.how})
          </p>
        )}
        <button ref={changeButton} type="button" className="button button-quiet button-small" aria-expanded={choosing} aria-controls="engine-chooser" onClick={() => (choosing ? close() : setChoosing(true))}>
          Change engine
        </button>
      </div>
      {engineRestoreError && (
        <p className="field-error" role="alert">
          ! {engineRestoreError}
        </p>
      )}
      {choosing && <EngineChooser onDone={close} />}
    </div>
  );
}
