import type { CheckStatus } from '../../common/checks.ts';
import type { LabAction } from '../../common/lab-operations.ts';
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

/** While an operation holds the lab, its containers say nothing true about the lab: the badge names the work instead. */
const DOING: Record<LabAction, string> = { up: 'Starting…', reset: 'Resetting…', down: 'Tearing down…' };

export function LabStateBadge({ state, operation }: { state?: LabState; operation?: LabAction }) {
  if (operation) return <StatusIcon status="pending" withWord label={DOING[operation]} />;
  if (!state) return null;
  return <StatusIcon status={LOOK[state].status} withWord label={LOOK[state].word} />;
}
