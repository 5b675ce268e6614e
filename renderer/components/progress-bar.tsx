export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(0)} kB`;
  return `${bytes} B`;
}

export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 100) / 10);
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
}

/** A labelled bar with the numbers written out, so progress reads without the colour. */
export function ProgressBar({ label, current, total, detail }: { label: string; current?: number; total?: number; detail?: string }) {
  const known = total !== undefined && total > 0 && current !== undefined;
  // An image already on the machine (or just built) has no bytes to show but is complete.
  const finishedWithoutBytes = !known && detail !== undefined && /cached|complete|built|present|up to date|exists/i.test(detail);
  const percent = known ? Math.min(100, Math.round((current / total) * 100)) : finishedWithoutBytes ? 100 : undefined;
  return (
    <div className="progress">
      <div className="progress-head">
        <span className="progress-label mono">{label}</span>
        <span className="progress-numbers">{known ? `${formatBytes(current)} / ${formatBytes(total)} · ${percent}%` : finishedWithoutBytes ? `✓ ${detail}` : (detail ?? 'waiting')}</span>
      </div>
      <div className="progress-track" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <div className={`progress-fill${percent === 100 ? ' progress-done' : ''}`} style={{ width: `${percent ?? 0}%` }} />
      </div>
    </div>
  );
}
