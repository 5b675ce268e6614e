import { useCallback } from 'react';
import { useStores } from '../../stores/stores-context.tsx';
import { specInputOf, type StartOptions } from '../../stores/start-store.ts';

/** Starts `labs.up` and moves to the bring-up timeline; the lab's home opens when it resolves. */
function useBringUp() {
  const stores = useStores();
  return useCallback(
    async (lab: string, spec: Record<string, unknown>) => {
      stores.bringUp.getState().begin(lab, 'up');
      stores.navigation.getState().go({ name: 'bring-up', lab });
      try {
        const status = await stores.api['labs.up']({ spec });
        stores.labs.getState().rememberStatus(status);
        stores.bringUp.getState().finish();
        if (stores.navigation.getState().screen.name === 'bring-up') {
          stores.navigation.getState().showTab('layers');
          stores.navigation.getState().go({ name: 'lab', lab });
        }
      } catch (error) {
        stores.bringUp.getState().fail(error);
        void stores.labs.getState().refresh();
      }
    },
    [stores],
  );
}

/** A new lab from the Start form. */
export function useStartLab() {
  const bringUp = useBringUp();
  return useCallback((options: StartOptions) => bringUp(options.name, specInputOf(options) as Record<string, unknown>), [bringUp]);
}

/** A lab that exists but is not running (stopped, degraded, or its bring-up interrupted): `up` with its recorded spec. */
export function useStartExistingLab() {
  const bringUp = useBringUp();
  return useCallback((lab: string) => bringUp(lab, { name: lab }), [bringUp]);
}
