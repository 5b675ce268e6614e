import type { ContainerInspection } from '../docker/docker-engine.ts';
import { LAB_LABEL, type ContainerPlan } from '../../../common/lab-plan.ts';

/** What Docker says of one planned component, in words a check can put in its evidence. */
export interface ComponentState {
  component: string;
  /** Running and neither paused nor restarting: its ports and processes can be probed. */
  probeable: boolean;
  /** "exited (stopped)", "paused", "missing (no container)", … */
  description: string;
}

function describe(info: ContainerInspection | undefined, lab: string): { probeable: boolean; description: string } {
  // A container of that name that is not this lab's is not this lab's component.
  if (!info || info.Config.Labels?.[LAB_LABEL] !== lab) return { probeable: false, description: 'missing (no container)' };
  const state = info.State;
  if (state.Paused) return { probeable: false, description: 'paused' };
  if (state.Restarting) return { probeable: false, description: `restarting (exit code ${state.ExitCode}, restarted ${info.RestartCount} times)` };
  if (state.Running) return { probeable: true, description: 'running' };
  switch (state.Status) {
    case 'exited':
      return { probeable: false, description: `exited (stopped${state.OOMKilled ? ', killed for lack of memory' : ''})` };
    case 'created':
      return { probeable: false, description: 'created (never started)' };
    case 'removing':
      return { probeable: false, description: 'being removed' };
    default:
      return { probeable: false, description: state.Status };
  }
}

export function componentStateOf(container: ContainerPlan, info: ContainerInspection | undefined, lab: string): ComponentState {
  return { component: container.component, ...describe(info, lab) };
}

/** "es03 is exited (stopped)". */
export const stateSentence = (state: ComponentState) => `${state.component} is ${state.description}`;
