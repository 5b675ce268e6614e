import type { LabApi } from '../../common/contract.ts';
import { createBringUpStore } from './bring-up-store.ts';
import { createLabsStore } from './labs-store.ts';
import { createLogsStore } from './logs-store.ts';
import { createNavigationStore } from './navigation-store.ts';
import { createStartStore } from './start-store.ts';

export type AppStores = ReturnType<typeof createAppStores>;

/** Every store, built from one injected LabApi (the preload, the web server, or a test fake). */
export function createAppStores(api: LabApi, options: { now?: () => number; preflightDebounceMs?: number } = {}) {
  const stores = {
    api,
    navigation: createNavigationStore(),
    labs: createLabsStore(api),
    start: createStartStore(api, options.preflightDebounceMs),
    bringUp: createBringUpStore(options.now),
    logs: createLogsStore(api),
  };
  const stopListening = api.onEvent((event) => {
    stores.labs.getState().applyEvent(event);
    stores.bringUp.getState().applyEvent(event);
    stores.logs.getState().applyEvent(event);
  });
  return {
    ...stores,
    /** Loads what the first screen needs; the root gets data-app-state="loaded" after this. */
    async hydrate(): Promise<void> {
      await Promise.all([stores.labs.getState().refresh(), stores.start.getState().runPreflight()]);
      const running = stores.labs.getState().summaries.find((summary) => summary.state === 'running' || summary.state === 'degraded');
      if (running && (await stores.labs.getState().loadStatus(running.lab))) stores.navigation.getState().go({ name: 'lab', lab: running.lab });
    },
    dispose(): void {
      stopListening();
      void stores.logs.getState().close();
    },
  };
}
