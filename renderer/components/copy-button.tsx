import { useEffect, useState } from 'react';

/** Copies text to the clipboard and says so for two seconds. */
export function CopyButton({ text, label = 'Copy', what }: { text: string; label?: string; what: string }) {
  const [outcome, setOutcome] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (outcome === 'idle') return;
    const timer = setTimeout(() => setOutcome('idle'), 2000);
    return () => clearTimeout(timer);
  }, [outcome]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setOutcome('copied');
    } catch {
      setOutcome('failed');
    }
  }

  return (
    <button type="button" className="button button-small" onClick={copy} aria-label={`${label} ${what}`}>
      {outcome === 'copied' ? '✓ Copied' : outcome === 'failed' ? 'Copy failed: select and copy' : label}
      <span className="visually-hidden" role="status">
        {outcome === 'copied' ? `${what} copied` : ''}
      </span>
    </button>
  );
}
