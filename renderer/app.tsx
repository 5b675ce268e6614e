import { useEffect } from 'react';
import { useStore } from 'zustand';
import { AppHeader } from './components/app-header.tsx';
import { BringUpScreen } from './features/bring-up/bring-up-screen.tsx';
import { LabScreen } from './features/lab/lab-screen.tsx';
import { StartScreen } from './features/start/start-screen.tsx';
import { WorkshopScreen } from './features/workshop/workshop-screen.tsx';
import { useStores } from './stores/stores-context.tsx';

export function App() {
  const stores = useStores();
  const screen = useStore(stores.navigation, (state) => state.screen);
  const presenter = useStore(stores.navigation, (state) => state.presenter);
  const notice = useStore(stores.navigation, (state) => state.notice);
  const hydrated = useStore(stores.labs, (state) => state.hydrated);
  const loadError = useStore(stores.labs, (state) => state.loadError);

  useEffect(() => {
    document.documentElement.classList.toggle('presenter', presenter);
  }, [presenter]);

  return (
    <div className="app" data-app-state={hydrated ? 'loaded' : 'loading'}>
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <AppHeader />
      <div id="content" className="content">
        {notice && (
          <div className="notice" role="status">
            <span>{notice}</span>
            <button type="button" className="button button-small button-quiet" onClick={() => stores.navigation.getState().dismissNotice()}>
              Dismiss
            </button>
          </div>
        )}
        {loadError && screen.name === 'start' && (
          <p className="field-error" role="alert">
            ✕ {loadError}
          </p>
        )}
        {!hydrated ? (
          <main className="screen">Loading…</main>
        ) : screen.name === 'start' ? (
          <StartScreen />
        ) : screen.name === 'bring-up' ? (
          <BringUpScreen />
        ) : screen.name === 'workshop' ? (
          <WorkshopScreen key={screen.lab} lab={screen.lab} />
        ) : (
          <LabScreen key={screen.lab} lab={screen.lab} />
        )}
      </div>
    </div>
  );
}
