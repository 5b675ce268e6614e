// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../app.tsx';
import { createAppStores } from '../../stores/app-stores.ts';
import { StoresProvider } from '../../stores/stores-context.tsx';
import { createMemoryApi } from '../../testing/memory-api.ts';

afterEach(cleanup);

async function openLab(lab: string, api = createMemoryApi(), beforeOpening: (stores: ReturnType<typeof createAppStores>) => void = () => undefined) {
  const stores = createAppStores(api, { preflightDebounceMs: 0 });
  render(
    <StoresProvider stores={stores}>
      <App />
    </StoresProvider>,
  );
  await act(() => stores.hydrate());
  beforeOpening(stores);
  act(() => stores.navigation.getState().go({ name: 'lab', lab }));
  return stores;
}

describe('Lab screen whose status cannot be loaded', () => {
  it('says why instead of loading forever, and offers Back to Start', async () => {
    await openLab('ghost');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('There is no lab "ghost"');
    expect(screen.getByRole('heading', { level: 1, name: 'Lab ghost could not be opened' })).toBeTruthy();
    expect(screen.queryByText(/Loading lab ghost/)).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Back to Start' }));
    expect(await screen.findByRole('button', { name: 'Start lab' })).toBeTruthy();
  });

  it('tries again on request, and opens the lab once its status comes', async () => {
    const api = createMemoryApi();
    await api['labs.up']({ spec: { name: 'flaky', images: 'emulated' } });
    const status = api['labs.status'];
    let failures = 0;
    api['labs.status'] = async (input) => {
      if (input.lab === 'flaky' && failures-- > 0) throw new Error('the seclab ui server did not answer: is it still running?');
      return status(input);
    };
    // Hydration opened the running lab itself: forget it, so the screen has to load it, and fail that once.
    await openLab('flaky', api, (stores) => {
      stores.navigation.getState().go({ name: 'start' });
      stores.labs.getState().forget('flaky');
      failures = 1;
    });
    await screen.findByRole('heading', { level: 1, name: 'Lab flaky could not be opened' });
    expect(screen.getByRole('alert').textContent).toContain('did not answer');

    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Lab flaky' })).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('Lab screen of a lab that is not running', () => {
  async function labWithState(lab: string, change: (status: Awaited<ReturnType<ReturnType<typeof createMemoryApi>['labs.status']>>) => object) {
    const api = createMemoryApi();
    await api['labs.up']({ spec: { name: lab, images: 'emulated' } });
    const status = api['labs.status'];
    api['labs.status'] = async (input) => ({ ...(await status(input)), ...change(await status(input)) });
    const ups: unknown[] = [];
    const up = api['labs.up'];
    api['labs.up'] = async (input) => {
      ups.push(input);
      return up(input);
    };
    await openLab(lab, api, (stores) => {
      stores.navigation.getState().go({ name: 'start' });
      stores.labs.getState().forget(lab);
    });
    await screen.findByRole('heading', { level: 1, name: `Lab ${lab}` });
    return ups;
  }

  it('offers Start for a stopped lab, which brings it up with its recorded spec (only its name is sent)', async () => {
    const ups = await labWithState('sleepy', () => ({ state: 'stopped' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Start' }));
    await act(async () => undefined);
    expect(ups).toEqual([{ spec: { name: 'sleepy' } }]);
  });

  it('offers "Build it again" when its bring-up was interrupted, and the header says so', async () => {
    const interrupted = 'its bring-up was interrupted and nothing is finishing it: starting it again builds it anew (same CA and passwords), tearing it down removes it';
    await labWithState('halfway', () => ({ state: 'degraded', interrupted }));
    expect(await screen.findByRole('button', { name: 'Build it again' })).toBeTruthy();
    expect((await screen.findByText(interrupted)).closest('[data-interrupted]')).toBeTruthy();
  });

  it('offers neither for a running lab', async () => {
    await labWithState('awake', () => ({}));
    expect(screen.queryByRole('button', { name: 'Start' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Build it again' })).toBeNull();
  });
});
