import { useCallback } from 'react';
import { useStores } from '../../stores/stores-context.tsx';
import { specInputOf, type StartOptions } from '../../stores/start-store.ts';

/** Starts `labs.up` and moves to the bring-up timeline; the lab's home opens when it resolves. */
export function useStartLab() {
  const stores = useStores();
  return useCallback(
    async (options: StartOptions) => {
      const lab = options.name;
      stores.bringUp.getState().begin(lab, 'up');
      stores.navigation.getState().go({ name: 'bring-up', lab });
      try {
        const status = await stores.api['labs.up']({ spec: specInputOf(options) as Record<string, unknown> });
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
