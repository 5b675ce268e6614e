// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../app.tsx';
import { createAppStores } from '../../stores/app-stores.ts';
import { StoresProvider } from '../../stores/stores-context.tsx';
import { createMemoryApi } from '../../testing/memory-api.ts';

const PODMAN = 'unix:///run/user/1000/podman/podman.sock';
const ENGINE_KEY = 'seclab.engine-choice';

beforeEach(() => localStorage.clear());
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

const panel = () => screen.getByRole('region', { name: 'Choose the Docker engine' });
const dockerRow = () => screen.getByText('Docker engine', { selector: '.preflight-title' }).closest('li')!;

async function openPanel() {
  await act(async () => fireEvent.click(await screen.findByRole('button', { name: 'Change engine' })));
  return panel();
}

describe('Change engine on the Start screen', () => {
  it('lists the engines found, picks Podman, and checks again against it', async () => {
    await renderStart();
    const button = await screen.findByRole('button', { name: 'Change engine' });
    expect(button.getAttribute('aria-expanded')).toBe('false');
    const region = await openPanel();
    expect(button.getAttribute('aria-expanded')).toBe('true');

    const docker = within(region).getByRole('radio', { name: 'unix:///var/run/docker.sock — Docker Engine (the default for Linux)' }) as HTMLInputElement;
    const podman = within(region).getByRole('radio', { name: `${PODMAN} — Podman (rootless)` }) as HTMLInputElement;
    expect(docker.checked).toBe(true);
    expect(document.activeElement).toBe(docker);
    expect(within(dockerRow()).getByText(/Docker 26\.1\.5 answers/)).toBeTruthy();

    fireEvent.click(podman);
    await act(async () => fireEvent.click(within(region).getByRole('button', { name: 'Use this engine' })));

    await waitFor(() => expect(screen.getByTestId('engine-line').textContent).toBe(`Docker engine: ${PODMAN} (chosen in the app)`));
    await waitFor(() => expect(within(dockerRow()).getByText(/Podman 5\.2\.2 .* answers on \/run\/user\/1000\/podman\/podman\.sock/)).toBeTruthy());
    expect(screen.queryByRole('region', { name: 'Choose the Docker engine' })).toBeNull();
    expect(JSON.parse(localStorage.getItem(ENGINE_KEY)!)).toEqual({ engine: PODMAN });

    // Back to the engine seclab finds by itself: nothing is kept.
    await openPanel();
    expect((within(panel()).getByRole('radio', { name: new RegExp(`^${PODMAN}`) }) as HTMLInputElement).checked).toBe(true);
    fireEvent.click(within(panel()).getByRole('radio', { name: /docker\.sock — Docker Engine/ }));
    await act(async () => fireEvent.click(within(panel()).getByRole('button', { name: 'Use this engine' })));
    await waitFor(() => expect(screen.getByTestId('engine-line').textContent).toBe('Docker engine: unix:///var/run/docker.sock (the default for Linux)'));
    expect(localStorage.getItem(ENGINE_KEY)).toBeNull();
  });

  it('says what is wrong with a typed address next to the field, naming it, without asking the API', async () => {
    const api = createMemoryApi();
    const choose = vi.spyOn(api, 'engine.choose');
    await renderStart(api);
    const region = await openPanel();
    const field = within(region).getByRole('textbox', { name: 'Docker context or address' });
    fireEvent.change(field, { target: { value: 'tcp//10.0.0.5:2376' } });
    expect((within(region).getByRole('radio', { name: /Another engine/ }) as HTMLInputElement).checked).toBe(true);
    await act(async () => fireEvent.click(within(region).getByRole('button', { name: 'Use this engine' })));
    const alert = within(region).getByRole('alert');
    expect(alert.textContent).toMatch(/^✕ Docker context or address: "tcp\/\/10\.0\.0\.5:2376" is not a Docker context name/);
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.getAttribute('aria-describedby')).toContain(alert.id);

    fireEvent.change(field, { target: { value: 'unix://' } });
    await act(async () => fireEvent.click(within(region).getByRole('button', { name: 'Use this engine' })));
    expect(within(region).getByRole('alert').textContent).toContain('"unix://" names no socket: write its path after unix://');
    expect(choose).not.toHaveBeenCalled();
  });

  it('shows the API’s refusal of an unknown context next to the field', async () => {
    await renderStart();
    const region = await openPanel();
    fireEvent.change(within(region).getByRole('textbox', { name: 'Docker context or address' }), { target: { value: 'colima' } });
    await act(async () => fireEvent.click(within(region).getByRole('button', { name: 'Use this engine' })));
    await waitFor(() =>
      expect(within(region).getByRole('alert').textContent).toMatch(/Docker context or address: The Docker context "colima" \(chosen in the app\) cannot be used: there is no such context.*docker context ls/),
    );
    expect(screen.getByTestId('engine-line').textContent).toContain('unix:///var/run/docker.sock');
  });

  it('is refused while a lab is being brought up, saying when to try again', async () => {
    const api = createMemoryApi({ stepMs: 20 });
    await renderStart(api);
    const up = api['labs.up']({ spec: { name: 'busy', images: 'emulated' } });
    const region = await openPanel();
    fireEvent.click(within(region).getByRole('radio', { name: new RegExp(`^${PODMAN}`) }));
    await act(async () => fireEvent.click(within(region).getByRole('button', { name: 'Use this engine' })));
    await waitFor(() => expect(within(region).getByRole('alert').textContent).toMatch(/lab "busy" is being brought up .*: choose another engine once that is done/));
    await up;
  });

  it('applies the engine chosen last time before the first check', async () => {
    localStorage.setItem(ENGINE_KEY, JSON.stringify({ engine: PODMAN }));
    await renderStart();
    await waitFor(() => expect(screen.getByTestId('engine-line').textContent).toBe(`Docker engine: ${PODMAN} (chosen in the app)`));
    expect(within(dockerRow()).getByText(/Podman 5\.2\.2/)).toBeTruthy();
  });

  it('Escape closes the panel and gives the focus back to Change engine', async () => {
    await renderStart();
    const region = await openPanel();
    fireEvent.keyDown(within(region).getByRole('textbox', { name: 'Docker context or address' }), { key: 'Escape' });
    expect(screen.queryByRole('region', { name: 'Choose the Docker engine' })).toBeNull();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Change engine' })));
  });
});
