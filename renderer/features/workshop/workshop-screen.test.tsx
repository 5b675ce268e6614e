// @vitest-environment happy-dom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../app.tsx';
import { createAppStores } from '../../stores/app-stores.ts';
import { StoresProvider } from '../../stores/stores-context.tsx';
import { createMemoryApi } from '../../testing/memory-api.ts';

afterEach(cleanup);

async function renderWorkshop(initialLesson = 'host-files') {
  const api = createMemoryApi();
  await api['labs.up']({ spec: { images: 'emulated' } });
  const stores = createAppStores(api, { preflightDebounceMs: 0, initialLesson });
  render(
    <StoresProvider stores={stores}>
      <App />
    </StoresProvider>,
  );
  await act(() => stores.hydrate());
  return { stores, api };
}

const button = (name: string) => screen.getByRole('button', { name }) as HTMLButtonElement;

describe('Workshop screen', () => {
  it('shows the lesson’s words, Break / Restore / Next with one primary, and the header says what is off', async () => {
    await renderWorkshop();
    expect(screen.getByRole('heading', { level: 1, name: /Host files/ })).toBeTruthy();
    expect(screen.getByText(/every other account on the machine can read a folder opened to 0755/)).toBeTruthy();
    expect(document.querySelector('.teacher-notes')!.textContent).toContain('is now one cat away for every account');
    expect(document.querySelector('.teacher-notes code')!.textContent).toBe('cat');
    expect(document.querySelectorAll('.workshop-actions .button-primary')).toHaveLength(1);
    expect(button('Break').className).toContain('button-primary');
    expect(button('Restore').disabled).toBe(true);

    await act(async () => fireEvent.click(button('Break')));
    await waitFor(() => expect(button('Restore').disabled).toBe(false));
    expect(button('Restore').className).toContain('button-primary');
    expect(document.activeElement).toBe(button('Restore'));
    expect(button('Next').disabled).toBe(true);
    const header = document.querySelector('.header-workshop')!;
    await waitFor(() => expect(header.textContent).toContain('lesson host-files in progress: the lab folder (CA, private keys, passwords) is opened to 0755 on purpose'));
    expect(header.textContent).toContain('Lesson');
    const demonstration = screen.getByRole('region', { name: 'The lab folder on this machine' });
    expect(demonstration.querySelector('pre')!.textContent).toContain('0755');
    expect(demonstration.textContent).toContain('It happened');
    expect(document.querySelector('[data-band="secrets"]')!.getAttribute('data-status')).toBe('fail');
    expect(document.querySelector('[data-check="secrets.host-files"]')!.textContent).toContain('Fail');

    await act(async () => fireEvent.click(button('Restore')));
    await waitFor(() => expect(button('Next').className).toContain('button-primary'));
    await waitFor(() => expect(document.querySelector('.header-workshop')).toBeNull());
    expect(document.querySelector('[data-band="secrets"]')!.getAttribute('data-status')).toBe('pass');
    await act(async () => fireEvent.click(button('Next')));
    await waitFor(() => expect(screen.getByRole('heading', { level: 1, name: /^(?!Host files)/ })).toBeTruthy());
    expect(button('Break').className).toContain('button-primary');
  });

  it('runs a challenge with the layers hidden, hints in steps, repair offered only after naming', async () => {
    await renderWorkshop();
    fireEvent.click(screen.getByRole('tab', { name: 'Challenge' }));
    fireEvent.click(screen.getByRole('checkbox', { name: /Host files/ }));
    fireEvent.click(screen.getByRole('checkbox', { name: /Least privilege/ }));
    await act(async () => fireEvent.click(button('Start challenge')));
    const board = await screen.findByRole('table');
    expect(within(board).getAllByText('hidden')).toHaveLength(2);
    expect(screen.queryByRole('button', { name: /Repair layer/ })).toBeNull();
    await waitFor(() => expect(document.querySelector('.header-workshop')!.textContent).toContain('challenge in progress: 2 of 2 broken layers still to find (which ones is hidden)'));

    await act(async () => fireEvent.click(button('Hint for layer 1')));
    expect(screen.getByText(/Layer 1, hint 1 of 3:/)).toBeTruthy();
    await act(async () => fireEvent.click(button('Hint for layer 1')));
    expect(screen.getByText(/Layer 1, hint 2 of 3:/)).toBeTruthy();

    fireEvent.change(screen.getByLabelText('Which layer is broken?'), { target: { value: 'secrets' } });
    await act(async () => fireEvent.click(button('Name it')));
    expect(screen.getByText(/right: the lab folder/)).toBeTruthy();
    expect(within(board).getByText('Secrets & settings')).toBeTruthy();
    await act(async () => fireEvent.click(button('Repair layer 1')));
    await waitFor(() => expect(board.querySelector('[data-slot="1"]')!.getAttribute('data-solved')).toBe('true'));
    expect(board.querySelector('[data-slot="1"]')!.textContent).toContain('Solved (repair)');
    expect(board.querySelector('[data-slot="1"] [data-hints-used]')!.textContent).toBe('2');
    expect(document.querySelector('.board-summary')!.textContent).toContain('1 of 2 broken layers fixed');

    await act(async () => fireEvent.click(button('End challenge and restore every layer')));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Start challenge' })).toBeTruthy());
  });
});
