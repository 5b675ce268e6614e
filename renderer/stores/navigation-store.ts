import { createStore } from 'zustand/vanilla';

export type Screen = { name: 'start' } | { name: 'bring-up'; lab: string } | { name: 'lab'; lab: string } | { name: 'workshop'; lab: string };
export type LabTab = 'topology' | 'layers' | 'access' | 'logs' | 'export';

export interface NavigationState {
  screen: Screen;
  tab: LabTab;
  presenter: boolean;
  /** A one-line outcome shown on the next screen ("Lab default removed: …"). */
  notice?: string;
  go(screen: Screen, notice?: string): void;
  showTab(tab: LabTab): void;
  togglePresenter(): void;
  dismissNotice(): void;
}

const PRESENTER_KEY = 'seclab.presenter';

/** The presenter setting outlives a reload: a teacher sets it once per projector. */
function storedPresenter(storage: Storage | undefined): boolean {
  try {
    return storage?.getItem(PRESENTER_KEY) === 'on';
  } catch {
    return false;
  }
}

export function createNavigationStore(storage: Storage | undefined = globalThis.localStorage) {
  return createStore<NavigationState>()((set, get) => ({
    screen: { name: 'start' },
    tab: 'layers',
    presenter: storedPresenter(storage),
    go: (screen, notice) => set({ screen, notice }),
    showTab: (tab) => set({ tab }),
    togglePresenter: () => {
      const presenter = !get().presenter;
      set({ presenter });
      try {
        storage?.setItem(PRESENTER_KEY, presenter ? 'on' : 'off');
      } catch {
        // A storage-less context (private mode) keeps the setting for this session only.
      }
    },
    dismissNotice: () => set({ notice: undefined }),
  }));
}
