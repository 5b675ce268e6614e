import { createStore } from 'zustand/vanilla';

export type Screen = { name: 'start' } | { name: 'bring-up'; lab: string } | { name: 'lab'; lab: string };
export type LabTab = 'topology' | 'layers' | 'access' | 'logs';

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

export function createNavigationStore() {
  return createStore<NavigationState>()((set) => ({
    screen: { name: 'start' },
    tab: 'layers',
    presenter: false,
    go: (screen, notice) => set({ screen, notice }),
    showTab: (tab) => set({ tab }),
    togglePresenter: () => set((state) => ({ presenter: !state.presenter })),
    dismissNotice: () => set({ notice: undefined }),
  }));
}
