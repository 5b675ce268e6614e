import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { chooseApi } from './api/choose-api.ts';
import { App } from './app.tsx';
import { createAppStores } from './stores/app-stores.ts';
import { StoresProvider } from './stores/stores-context.tsx';
import './styles/app.css';

const stores = createAppStores(chooseApi());
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StoresProvider stores={stores}>
      <App />
    </StoresProvider>
  </StrictMode>,
);
void stores.hydrate();
