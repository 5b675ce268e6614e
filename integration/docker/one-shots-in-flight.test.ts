import { afterAll, describe, expect, it } from 'vitest';
import { LAB_LABEL } from '../../common/lab-plan.ts';
import { DockerEngine, removeOneShotsInFlight } from '../../main/core/docker/docker-engine.ts';
import { emulatorBaseImage } from '../../main/core/emulator-images/build-emulator-images.ts';
import { createLabHandlers } from '../../main/core/lab-handlers.ts';
import { createTestLabHome, uniqueLabName } from '../support/test-lab.ts';

/**
 * The engine removes a one-shot container once it exits (AutoRemove), never one created and not yet
 * started: a process that ended between the two left it behind. A full CI run once left three of the
 * Start screen's engine-limits probes (state Created) after the app was stopped mid-measurement.
 */
const engine = new DockerEngine();
const testHome = createTestLabHome();

async function labContainers(lab: string) {
  return (await engine.labObjects(lab)).containers;
}

async function until(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('one-shot containers in flight when the process ends', () => {
  afterAll(() => testHome.cleanup([]));

  it('are removed by removeOneShotsInFlight, also one whose create has not answered yet, and the run that made it ends', async () => {
    const lab = uniqueLabName('oneshot');
    const image = await emulatorBaseImage(engine);
    const sleeper = (index: number) =>
      engine
        .runToCompletion(
          { name: `seclab-${lab}-sleeper-${index}`, image, user: '1000:0', env: {}, labels: { [LAB_LABEL]: lab, 'seclab.role': 'engine-probe' }, cmd: ['/usr/local/bin/node', '-e', 'setTimeout(() => {}, 60000)'] },
          90_000,
        )
        .then(
          (result) => `exited ${result.exitCode}`,
          (error: Error) => `failed: ${error.message}`,
        );
    // The first is asked to go while its create is still on its way to the engine; the second once it runs.
    const first = sleeper(0);
    const early = removeOneShotsInFlight();
    const second = sleeper(1);
    await until(async () => (await labContainers(lab)).some((container) => container.name.endsWith('-sleeper-1') && container.state === 'running'));
    await Promise.all([early, removeOneShotsInFlight()]);
    const runs = [first, second];

    expect(await labContainers(lab)).toEqual([]);
    // Neither run waits out its 60 s sleep nor its deadline: both end once their container is gone.
    const outcomes = await Promise.race([Promise.all(runs), new Promise<string[]>((resolve) => setTimeout(() => resolve(['still running']), 20_000))]);
    expect(outcomes).toHaveLength(2);
    expect(outcomes).not.toContain('still running');
    expect(outcomes.every((outcome) => outcome !== 'exited 0')).toBe(true);
  });

  it('the app closed while its Start screen measures the engine leaves none of the measurement’s containers', async () => {
    const lab = uniqueLabName('closing');
    const handlers = createLabHandlers(testHome.environment, () => undefined);
    // The Start screen's preflight measures the engine's limits with three throwaway containers.
    const preflight = handlers['labs.preflight']({ spec: { name: lab } }).catch((error: Error) => error);
    await until(async () => (await labContainers(lab)).length > 0);
    await handlers.close();

    expect(await labContainers(lab)).toEqual([]);
    await preflight;
    expect(await labContainers(lab)).toEqual([]);
  });
});
