// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { LabStatus } from '../../../common/lab-status.ts';
import { createAppStores } from '../../stores/app-stores.ts';
import { StoresProvider } from '../../stores/stores-context.tsx';
import { createMemoryApi } from '../../testing/memory-api.ts';
import { RemovalDialog, type RemovalKind } from './removal-dialog.tsx';

afterEach(cleanup);

async function renderDialog(kind: RemovalKind) {
  const api = createMemoryApi();
  const status: LabStatus = await api['labs.up']({ spec: { name: 'class', images: 'emulated' } });
  render(
    <StoresProvider stores={createAppStores(api, { preflightDebounceMs: 0 })}>
      <RemovalDialog kind={kind} status={status} onCancel={() => undefined} onConfirm={() => undefined} />
    </StoresProvider>,
  );
  return screen.getByRole('dialog');
}

describe('what Reset and Tear down say they delete', () => {
  it('Tear down lists the lab network among what goes', async () => {
    const dialog = await renderDialog('teardown');
    expect(dialog.textContent).toContain('1 network');
    expect(dialog.textContent).not.toContain('Kept');
  });

  it('Reset says the network is kept (reset-lab.ts keeps it for the new lab), and lists it with nothing that goes', async () => {
    const dialog = await renderDialog('reset');
    expect(dialog.textContent).not.toContain('1 network');
    expect(dialog.textContent).toContain('Kept for the new lab: the network seclab-class (same subnet).');
  });
});
