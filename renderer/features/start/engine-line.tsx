import { useStore } from 'zustand';
import { useStores } from '../../stores/stores-context.tsx';

/** One line above the checks: which Docker engine they ran against, and how it was found (seclab doctor lists the rest). */
export function EngineLine() {
  const stores = useStores();
  const engine = useStore(stores.start, (state) => state.engine);
  const engineError = useStore(stores.start, (state) => state.engineError);
  if (engineError) return <p className="field-error engine-line">✕ Docker engine: {engineError}</p>;
  if (!engine) return null;
  return (
    <p className="muted engine-line" data-testid="engine-line">
      Docker engine: <code className="mono">{engine.address}</code> ({engine.contextName ? `context ‘${engine.contextName}’` : engine.how})
    </p>
  );
}
