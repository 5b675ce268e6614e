import type { LabEvent } from './lab-events.ts';

/** The work that owns a lab while it runs: nothing else may act on the lab, and no check is run on it, until it ends. */
export type LabAction = 'up' | 'reset' | 'down';

export interface LabOperationInfo {
  lab: string;
  action: LabAction;
  /** ISO time the work began, so a window opened later shows the real elapsed time. */
  startedAt: string;
}

/** An operation in progress with every lab event it emitted so far (already scrubbed): a window opened mid-way replays them. */
export interface LabOperation extends LabOperationInfo {
  events: LabEvent[];
}

/** What a refused or failed operation says, as it crosses to the renderer. */
export interface OperationError {
  code: string;
  message: string;
  context: Record<string, unknown>;
}
