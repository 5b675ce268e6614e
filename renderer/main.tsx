import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { chooseApi } from './api/choose-api.ts';
import { App } from './app.tsx';
import { lessonFromLocation } from './features/workshop/lesson-link.ts';
import { createAppStores } from './stores/app-stores.ts';
import { StoresProvider } from './stores/stores-context.tsx';
import './styles/app.css';

// Read before chooseApi(): taking the page key rewrites the address bar.
const initialLesson = lessonFromLocation(window.location);
const stores = createAppStores(chooseApi(), { initialLesson });
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoresProvider stores={stores}>
      <App />
    </StoresProvider>
  </StrictMode>,
);
void stores.hydrate();
