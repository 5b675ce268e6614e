import type { CheckStatus } from '../../common/checks.ts';

/** Status is colour + shape + word, never colour alone (projectors wash colours out). */
export const STATUS_LOOK: Record<CheckStatus, { glyph: string; word: string }> = {
  pass: { glyph: '✓', word: 'Pass' },
  fail: { glyph: '✕', word: 'Fail' },
  warn: { glyph: '!', word: 'Warning' },
  info: { glyph: 'i', word: 'Info' },
  pending: { glyph: '', word: 'Pending' },
  error: { glyph: '?', word: 'Error' },
};

export function StatusIcon({ status, withWord = false, label }: { status: CheckStatus; withWord?: boolean; label?: string }) {
  const look = STATUS_LOOK[status];
  return (
    <span className={`status status-${status}`} data-status={status}>
      <span className="status-shape" aria-hidden="true">
        {status === 'pending' ? <span className="spinner" /> : look.glyph}
      </span>
      {withWord ? <span className="status-word">{label ?? look.word}</span> : <span className="visually-hidden">{label ?? look.word}</span>}
    </span>
  );
}

const RANK: Record<CheckStatus, number> = { fail: 5, error: 4, warn: 3, pending: 2, pass: 1, info: 0 };

/** The status a group shows: its worst member; a group of only informational checks is info. */
export function worstStatus(statuses: CheckStatus[]): CheckStatus {
  if (statuses.length === 0) return 'pending';
  return statuses.reduce((worst, status) => (RANK[status] > RANK[worst] ? status : worst), 'info');
}
