import { afterEach, describe, expect, it } from 'vitest';
import type { LabEvent } from '../../../common/lab-events.ts';
import { createProgressRenderer } from './progress-renderer.ts';

const at = new Date(0).toISOString();
const started = (phase: 'images' | 'certificates'): LabEvent => ({ type: 'phase-started', lab: 'l', phase, title: phase, at });
const finished = (phase: 'images' | 'certificates'): LabEvent => ({ type: 'phase-finished', lab: 'l', phase, outcome: 'done', at, elapsedMs: 1 });
const creating = (component: string): LabEvent => ({ type: 'component-state', lab: 'l', component, state: 'creating' });
// Longer than the renderer's frame: it drops a finished task's output buffer when it draws it.
const tick = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('the live task list in a terminal', () => {
  const wasTTY = { stderr: process.stderr.isTTY, stdout: process.stdout.isTTY };
  afterEach(() => {
    process.stderr.isTTY = wasTTY.stderr;
    process.stdout.isTTY = wasTTY.stdout;
  });

  it('takes an event that arrives between two phases (a preparation begun as one ends) without writing it into the ended one', async () => {
    // listr2's terminal renderer drops a finished task's output buffer: writing to it threw, and `up` failed.
    process.stderr.isTTY = true;
    process.stdout.isTTY = true;
    const { listener, run } = createProgressRenderer(['images', 'certificates']);
    await expect(
      run(async () => {
        listener(started('images'));
        listener(finished('images'));
        await tick();
        listener(creating('es01'));
        listener(started('certificates'));
        listener(creating('kibana'));
        listener(finished('certificates'));
        await tick();
        listener(creating('fleet-server'));
        return 'done';
      }),
    ).resolves.toBe('done');
  });
});
