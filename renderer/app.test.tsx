// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from './app.tsx';
import { buildTopology } from './features/topology/topology-model.ts';
import { createAppStores } from './stores/app-stores.ts';
import { StoresProvider } from './stores/stores-context.tsx';
import { createMemoryApi } from './testing/memory-api.ts';
import { parseLabSpec } from '../common/lab-spec.ts';

afterEach(cleanup);

async function renderApp(api = createMemoryApi()) {
  const stores = createAppStores(api, { preflightDebounceMs: 0 });
  const view = render(
    <StoresProvider stores={stores}>
      <App />
    </StoresProvider>,
  );
  await act(() => stores.hydrate());
  return { stores, view, api };
}

describe('App', () => {
  it('marks itself loaded once the stores hydrate and offers one primary action', async () => {
    const { view } = await renderApp();
    expect(view.container.querySelector('[data-app-state="loaded"]')).not.toBeNull();
    expect(screen.getAllByRole('button', { name: 'Start lab' })).toHaveLength(1);
    expect(screen.getByText('vm.max_map_count')).toBeTruthy();
  });

  it('offers the same lab on emulated images when the registry is unreachable, with one button', async () => {
    const api = createMemoryApi();
    const official = api['labs.preflight'];
    api['labs.preflight'] = async (input) => {
      const checks = await official(input);
      if ((input.spec as { images?: string }).images === 'emulated') return checks;
      return [...checks, { id: 'images', title: 'Registry unreachable', status: 'fail', detail: 'the Docker engine could not reach docker.elastic.co', fix: 'seclab up --images emulated' }];
    };
    const started: unknown[] = [];
    const up = api['labs.up'];
    api['labs.up'] = async (input) => {
      started.push(input.spec);
      return up(input);
    };
    await renderApp(api);
    expect((screen.getByRole('button', { name: 'Start lab' }) as HTMLButtonElement).disabled).toBe(true);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Start on emulated images' })));
    await waitFor(() => expect(started).toHaveLength(1));
    expect(started[0]).toMatchObject({ images: 'emulated' });
  });

  it('opens a running lab on its security layers with the EMULATED badge', async () => {
    const api = createMemoryApi();
    await api['labs.up']({ spec: { images: 'emulated' } });
    await renderApp(api);
    expect(screen.getByRole('tab', { name: 'Security layers' }).getAttribute('aria-selected')).toBe('true');
    expect(screen.getAllByText('EMULATED').length).toBeGreaterThan(0);
    const bands = document.querySelectorAll('[data-band]');
    expect(bands).toHaveLength(8);
    bands.forEach((band) => expect(band.getAttribute('data-status')).toBe('pass'));
  });

  it('shows a failing layer in words and shape, not colour alone', async () => {
    const api = createMemoryApi({ checkOverrides: { 'transport.mutual-auth': 'fail' } });
    await api['labs.up']({ spec: { images: 'emulated' } });
    await renderApp(api);
    const cluster = document.querySelector('[data-band="cluster"]')!;
    expect(cluster.getAttribute('data-status')).toBe('fail');
    expect(cluster.getAttribute('aria-pressed')).toBe('true');
    expect(document.querySelector('[data-check="transport.mutual-auth"]')!.textContent).toContain('Fail');
    expect(document.querySelector('[data-check="transport.mutual-auth"]')!.textContent).toContain('Fix:');
  });

  it('confirms teardown in a dialog that Escape closes', async () => {
    const api = createMemoryApi();
    await api['labs.up']({ spec: { images: 'emulated' } });
    await renderApp(api);
    fireEvent.click(screen.getByRole('button', { name: 'Tear down…' }));
    const dialog = await screen.findByRole('dialog');
    await waitFor(() => expect(dialog.textContent).toContain('seclab-default-es01'));
    expect(dialog.textContent).toContain('seclab-default-es01-data');
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('buildTopology', () => {
  it('draws 7 nodes and 5 agents without overlap, 127.0.0.1 as the only way in', () => {
    const topology = buildTopology(parseLabSpec({ elasticsearch: { nodes: 7 }, agents: 5 }));
    const boxes = topology.nodes.filter((node) => node.insideNetwork);
    expect(boxes).toHaveLength(7 + 1 + 1 + 5);
    for (const a of boxes) {
      for (const b of boxes) {
        if (a === b) continue;
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `${a.id} overlaps ${b.id}`).toBe(true);
      }
    }
    const intoLab = topology.links.filter((link) => !topology.nodes.find((node) => node.id === link.source)!.insideNetwork && topology.nodes.find((node) => node.id === link.target)!.insideNetwork);
    expect(new Set(intoLab.map((link) => link.source))).toEqual(new Set(['door']));
    expect(topology.links.filter((link) => link.protection === 'mutual TLS')).toHaveLength(6);
    expect(topology.links.every((link) => link.status === 'planned')).toBe(true);
  });
});
