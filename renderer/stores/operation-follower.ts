import type { StoreApi } from 'zustand/vanilla';
import type { ServerEvent } from '../../common/contract.ts';
import type { LabOperation } from '../../common/lab-operations.ts';
import { LabApiError } from '../api/api-error.ts';
import type { BringUpState } from './bring-up-store.ts';
import type { LabsState } from './labs-store.ts';
import type { NavigationState } from './navigation-store.ts';

/**
 * A window follows the lab operations of every window: it rejoins a bring-up or reset under
 * way when it opens (a reload, a second tab), and moves on when one ends, as the window that
 * started it does. The starting window also has its call's answer; doing the same twice is harmless.
 */
export interface FollowerStores {
  labs: StoreApi<LabsState>;
  bringUp: StoreApi<BringUpState>;
  navigation: StoreApi<NavigationState>;
}

type BringUpOperation = LabOperation & { action: 'up' | 'reset' };
const isBringUp = (operation: LabOperation): operation is BringUpOperation => operation.action === 'up' || operation.action === 'reset';

/** On open: a bring-up or reset under way owns the first screen, its timeline replayed. Answers the lab rejoined, if any. */
export async function rejoinBringUpUnderWay(stores: FollowerStores): Promise<string | undefined> {
  const operation = (await stores.labs.getState().loadOperations()).find(isBringUp);
  if (!operation) return undefined;
  stores.bringUp.getState().rejoin(operation);
  stores.navigation.getState().go({ name: 'bring-up', lab: operation.lab });
  return operation.lab;
}

/** Shows the timeline of the lab's bring-up or reset under way (from a lab screen of another window). */
export async function showBringUpOf(stores: FollowerStores, lab: string): Promise<void> {
  const operation = (await stores.labs.getState().loadOperations()).find((entry) => entry.lab === lab && isBringUp(entry));
  if (!operation) return;
  const run = stores.bringUp.getState().run;
  if (!(run?.lab === lab && !run.finished)) stores.bringUp.getState().rejoin(operation as BringUpOperation);
  stores.navigation.getState().go({ name: 'bring-up', lab });
}

const resyncing = new WeakMap<FollowerStores, Set<string>>();

/** A live event showed a gap (this window joined between the snapshot and the stream): take the operation again. */
export async function resyncBringUp(stores: FollowerStores, lab: string): Promise<void> {
  const pending = resyncing.get(stores) ?? new Set<string>();
  resyncing.set(stores, pending);
  if (pending.has(lab)) return;
  pending.add(lab);
  try {
    const operation = (await stores.labs.getState().loadOperations()).find((entry) => entry.lab === lab && isBringUp(entry));
    const run = stores.bringUp.getState().run;
    if (operation && run?.lab === lab && !run.finished) stores.bringUp.getState().rejoin(operation as BringUpOperation);
  } finally {
    pending.delete(lab);
  }
}

export function followOperationEnd(stores: FollowerStores, event: ServerEvent): void {
  if (event.type !== 'operation-ended') return;
  const { lab } = event;
  const navigation = stores.navigation.getState();
  const screen = navigation.screen;
  if (event.action === 'down') {
    if (event.outcome !== 'done') return;
    if (screen.name !== 'start' && screen.name !== 'bring-up' && screen.lab === lab) navigation.go({ name: 'start' }, `Lab ${lab} torn down.`);
    stores.labs.getState().forget(lab);
    void stores.labs.getState().refresh();
    return;
  }
  const run = stores.bringUp.getState().run;
  if (run?.lab !== lab || run.finished) return;
  if (event.outcome === 'done') {
    stores.bringUp.getState().finish();
    if (screen.name === 'bring-up' && screen.lab === lab) {
      navigation.showTab('layers');
      navigation.go({ name: 'lab', lab });
    }
    return;
  }
  stores.bringUp.getState().fail(new LabApiError(event.error ?? { code: 'INTERNAL', message: `the ${event.action === 'reset' ? 'reset' : 'bring-up'} of lab ${lab} failed`, context: {} }));
  void stores.labs.getState().refresh();
}
