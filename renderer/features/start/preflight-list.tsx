import { useStore } from 'zustand';
import { StatusIcon } from '../../components/status-icon.tsx';
import { useStores } from '../../stores/stores-context.tsx';
import { CopyButton } from '../../components/copy-button.tsx';

/** `onUseEmulated`: start the same lab on emulated images (offered when the registry can't be reached). */
export function PreflightList({ onUseEmulated }: { onUseEmulated?: () => void }) {
  const stores = useStores();
  const preflight = useStore(stores.start, (state) => state.preflight);
  const preflightState = useStore(stores.start, (state) => state.preflightState);
  const preflightError = useStore(stores.start, (state) => state.preflightError);

  if (preflightState === 'failed') return <p className="field-error">✕ The checks could not run: {preflightError}</p>;
  if (!preflight) return <StatusIcon status="pending" withWord label="Checking this machine…" />;
  return (
    <ul className="preflight-list" aria-busy={preflightState === 'checking'}>
      {preflight.map((check) => (
        <li key={check.id} className="preflight-item">
          <StatusIcon status={check.status} withWord />
          <span className="preflight-title">{check.title}</span>
          <span className="preflight-detail">{check.detail}</span>
          {check.fix && (
            <span className="preflight-fix">
              Fix: <code className="mono">{check.fix}</code> <CopyButton text={check.fix} what={`fix for ${check.title}`} />
            </span>
          )}
          {check.id === 'images' && check.status !== 'pass' && onUseEmulated && (
            <button type="button" className="button button-primary preflight-action" onClick={onUseEmulated}>
              Start on emulated images
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
