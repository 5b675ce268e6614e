import { useStore } from 'zustand';
import type { LabAction } from '../../common/lab-operations.ts';
import { useStores } from '../stores/stores-context.tsx';

/** The work holding the lab now, from any window; this window's own bring-up counts from its first click. */
export function useLabOperation(lab: string | undefined): LabAction | undefined {
  const stores = useStores();
  const announced = useStore(stores.labs, (state) => (lab ? state.operations[lab]?.action : undefined));
  const ownRun = useStore(stores.bringUp, (state) => (lab && state.run?.lab === lab && !state.run.finished ? state.run.action : undefined));
  return announced ?? ownRun;
}
