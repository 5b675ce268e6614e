// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../app.tsx';
import { createAppStores } from '../../stores/app-stores.ts';
import { StoresProvider } from '../../stores/stores-context.tsx';
import { createMemoryApi } from '../../testing/memory-api.ts';
import { SeclabError } from '../../../common/errors.ts';

afterEach(cleanup);

async function renderStart(api = createMemoryApi()) {
  const stores = createAppStores(api, { preflightDebounceMs: 0 });
  render(
    <StoresProvider stores={stores}>
      <App />
    </StoresProvider>,
  );
  await act(() => stores.hydrate());
  return stores;
}

describe('the Start screen names the Docker engine', () => {
  it('one line above the checks: the address and how it was found', async () => {
    await renderStart();
    expect((await screen.findByTestId('engine-line')).textContent).toBe('Docker engine: unix:///var/run/docker.sock (the default for Linux)');
  });

  it('a Docker context is named as the context', async () => {
    const api = createMemoryApi();
    api['engine.current'] = async () => ({
      source: 'context',
      address: 'unix:///home/ada/.colima/default/docker.sock',
      contextName: 'colima',
      how: 'the current Docker context "colima"',
      label: 'the Docker context "colima" (unix:///home/ada/.colima/default/docker.sock)',
      candidates: [],
    });
    await renderStart(api);
    expect((await screen.findByTestId('engine-line')).textContent).toBe('Docker engine: unix:///home/ada/.colima/default/docker.sock (context ‘colima’)');
  });

  it('a broken context is said in its own words', async () => {
    const api = createMemoryApi();
    api['engine.current'] = async () => {
      throw new SeclabError('DOCKER_CONTEXT_BROKEN', 'The Docker context "gone" (the current context in ~/.docker/config.json) cannot be used: there is no such context');
    };
    await renderStart(api);
    expect(await screen.findByText(/✕ Docker engine: The Docker context "gone" .* cannot be used/)).toBeTruthy();
  });
});
