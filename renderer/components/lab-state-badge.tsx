import type { CheckStatus } from '../../common/checks.ts';
import type { LabState } from '../../common/lab-status.ts';
import { StatusIcon } from './status-icon.tsx';

const LOOK: Record<LabState, { status: CheckStatus; word: string }> = {
  running: { status: 'pass', word: 'Running' },
  creating: { status: 'pending', word: 'Creating' },
  degraded: { status: 'warn', word: 'Degraded' },
  stopped: { status: 'info', word: 'Stopped' },
  failed: { status: 'fail', word: 'Failed' },
  absent: { status: 'info', word: 'Absent' },
};

export function LabStateBadge({ state }: { state: LabState }) {
  return <StatusIcon status={LOOK[state].status} withWord label={LOOK[state].word} />;
}
