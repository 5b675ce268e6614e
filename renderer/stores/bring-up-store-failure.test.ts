import { describe, expect, it } from 'vitest';
import { LabApiError } from '../api/api-error.ts';
import { createBringUpStore } from './bring-up-store.ts';

describe('a failed bring-up', () => {
  it('marks the running phase failed and the phases after it "not run", not waiting', () => {
    const store = createBringUpStore();
    store.getState().begin('default', 'up');
    const emit = (event: Parameters<ReturnType<typeof store.getState>['applyEvent']>[0]) => store.getState().applyEvent(event);
    emit({ type: 'lab-event', event: { type: 'phase-started', lab: 'default', phase: 'preflight', title: 'Preflight', at: '' } });
    emit({ type: 'lab-event', event: { type: 'phase-finished', lab: 'default', phase: 'preflight', outcome: 'done', at: '', elapsedMs: 10 } });
    emit({ type: 'lab-event', event: { type: 'phase-started', lab: 'default', phase: 'network', title: 'Network', at: '' } });
    store.getState().fail(new LabApiError({ code: 'IMAGE_PULL_FAILED', message: 'could not pull', context: { phase: 'network' } }));
    const states = Object.fromEntries(store.getState().run!.phases.map((phase) => [phase.phase, phase.state]));
    expect(states).toMatchObject({ preflight: 'done', network: 'failed', images: 'not-run', verification: 'not-run' });
    expect(Object.values(states)).not.toContain('waiting');
  });
});
