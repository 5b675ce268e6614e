import type { LabApi } from '../../common/contract.ts';
import { createBringUpStore } from './bring-up-store.ts';
import { createLabsStore } from './labs-store.ts';
import { createLogsStore } from './logs-store.ts';
import { createNavigationStore } from './navigation-store.ts';
import { followOperationEnd, rejoinBringUpUnderWay, resyncBringUp } from './operation-follower.ts';
import { createStartStore } from './start-store.ts';
import { createWorkshopStore } from './workshop-store.ts';

export type AppStores = ReturnType<typeof createAppStores>;

/** Every store, built from one injected LabApi (the preload, the web server, or a test fake). */
export interface AppStoreOptions {
  now?: () => number;
  preflightDebounceMs?: number;
  /** A lesson the page was opened on (`?lesson=ID`, `#/workshop/lesson/ID`, `seclab ui --lesson ID`). */
  initialLesson?: string;
}

export function createAppStores(api: LabApi, options: AppStoreOptions = {}) {
  const labs = createLabsStore(api);
  const stores = {
    api,
    navigation: createNavigationStore(),
    labs,
    workshop: createWorkshopStore(api, { now: options.now, onLabChanged: (lab) => void labs.getState().loadStatus(lab) }),
    start: createStartStore(api, options.preflightDebounceMs),
    bringUp: createBringUpStore(options.now, { onMissedEvents: (lab) => void resyncBringUp(stores, lab) }),
    logs: createLogsStore(api),
  };
  const stopListening = api.onEvent((event) => {
    stores.labs.getState().applyEvent(event);
    stores.bringUp.getState().applyEvent(event);
    stores.logs.getState().applyEvent(event);
    stores.workshop.getState().applyEvent(event);
    followOperationEnd(stores, event);
  });
  return {
    ...stores,
    /** Loads what the first screen needs; the root gets data-app-state="loaded" after this. */
    async hydrate(): Promise<void> {
      const [rejoined] = await Promise.all([rejoinBringUpUnderWay(stores), stores.labs.getState().refresh(), stores.start.getState().runPreflight()]);
      // A bring-up under way owns the first screen (no lab home, no checks yet); its end moves on as any bring-up does.
      if (rejoined) return;
      // A lab another seclab home made can't be opened from here (no record, no secrets): it stays a line on Start.
      const running = stores.labs.getState().summaries.find((summary) => (summary.state === 'running' || summary.state === 'degraded') && !summary.unrecorded);
      const opened = running && (await stores.labs.getState().loadStatus(running.lab));
      if (running && opened && options.initialLesson) {
        stores.navigation.getState().go({ name: 'workshop', lab: running.lab });
        await stores.workshop.getState().open(running.lab, options.initialLesson);
      } else if (running && opened) {
        stores.navigation.getState().go({ name: 'lab', lab: running.lab });
      } else if (options.initialLesson) {
        stores.navigation.getState().go({ name: 'start' }, `Lesson ${options.initialLesson} needs a running lab: start one here, then open Workshop.`);
      }
    },
    dispose(): void {
      stopListening();
      void stores.logs.getState().close();
    },
  };
}
