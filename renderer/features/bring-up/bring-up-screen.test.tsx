// @vitest-environment happy-dom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppStores } from '../../stores/app-stores.ts';
import { StoresProvider } from '../../stores/stores-context.tsx';
import { createMemoryApi } from '../../testing/memory-api.ts';
import { BringUpScreen } from './bring-up-screen.tsx';

afterEach(cleanup);

const T0 = Date.parse('2026-12-03T16:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

describe('Bring-up timeline', () => {
  it('shows when each phase began, from the start of the run, and how long it took', () => {
    const stores = createAppStores(createMemoryApi(), { now: () => T0 });
    stores.bringUp.getState().rejoin({
      lab: 'timed',
      action: 'up',
      startedAt: at(0),
      events: [
        { type: 'phase-started', lab: 'timed', phase: 'preflight', title: 'Preflight', at: at(15) },
        { type: 'phase-finished', lab: 'timed', phase: 'preflight', outcome: 'done', detail: '', at: at(25), elapsedMs: 10 },
        { type: 'phase-started', lab: 'timed', phase: 'elasticsearch', title: 'Elasticsearch', at: at(1520) },
      ],
    } as Parameters<ReturnType<typeof stores.bringUp.getState>['rejoin']>[0]);
    render(
      <StoresProvider stores={stores}>
        <BringUpScreen />
      </StoresProvider>,
    );
    const row = (phase: string) => within(document.querySelector<HTMLElement>(`.phase[data-phase="${phase}"]`)!);
    expect(row('preflight').getByTitle('When the phase began, counted from the start of the run').textContent).toBe('at 0.0 s');
    expect(row('preflight').getByTitle('How long the phase took').textContent).toBe('0.0 s');
    expect(row('elasticsearch').getByTitle('When the phase began, counted from the start of the run').textContent).toBe('at 1.5 s');
    // A phase not begun says neither.
    expect(row('kibana').getByTitle('When the phase began, counted from the start of the run').textContent).toBe('');
    expect(screen.getByRole('heading', { level: 1 }).textContent).toBe('Starting lab timed…');
  });
});
