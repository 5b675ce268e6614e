// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppStores } from '../../stores/app-stores.ts';
import { StoresProvider } from '../../stores/stores-context.tsx';
import { createMemoryApi } from '../../testing/memory-api.ts';
import { ExportPanel } from './export-panel.tsx';

afterEach(cleanup);

async function renderPanel() {
  const api = createMemoryApi();
  await api['labs.up']({ spec: { name: 'class', images: 'emulated' } });
  const calls: unknown[] = [];
  const exportLab = api['labs.export'];
  api['labs.export'] = (input) => (calls.push(input), exportLab(input));
  const stores = createAppStores(api, { preflightDebounceMs: 0 });
  render(
    <StoresProvider stores={stores}>
      <ExportPanel lab="class" />
    </StoresProvider>,
  );
  return calls;
}

describe('Export tab', () => {
  it('sends the format and the folder typed, trimmed, and shows where the files went and what to run', async () => {
    const calls = await renderPanel();
    fireEvent.click(screen.getByRole('radio', { name: /Kubernetes \(ECK\)/ }));
    fireEvent.change(screen.getByRole('textbox', { name: 'Folder on this machine (new or empty)' }), { target: { value: '  /srv/class/eck  ' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Export' })));
    expect(calls).toEqual([{ lab: 'class', format: 'eck', outDir: '/srv/class/eck' }]);
    expect((await screen.findByText(/8 files in/)).textContent).toContain('/srv/class/eck, 1 of them secret');
    expect(screen.getByText(/kubectl apply -f \/srv\/class\/eck\/00-namespace.yaml/)).toBeTruthy();
  });

  it('leaves the folder out when none is typed (the server makes one), and says a refusal in an alert', async () => {
    const calls = await renderPanel();
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Export' })));
    expect(calls).toEqual([{ lab: 'class', format: 'compose' }]);
    fireEvent.change(screen.getByRole('textbox', { name: 'Folder on this machine (new or empty)' }), { target: { value: 'relative' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Export' })));
    expect((await screen.findByRole('alert')).textContent).toContain('folder "relative" is not a full path');
    expect(screen.queryByTestId('export-result')).toBeNull();
  });
});
