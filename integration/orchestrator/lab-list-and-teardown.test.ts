import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPONENT_LABEL, IMAGES_LABEL, KIND_LABEL, LAB_LABEL, VERSION_LABEL } from '../../common/lab-plan.ts';
import { DockerEngine } from '../../main/core/docker/docker-engine.ts';
import { buildEmulatorBaseImage, collectNodeRootFilesystem } from '../../main/core/emulator-images/build-emulator-images.ts';
import { downLab } from '../../main/core/orchestrator/down-lab.ts';
import { listLabs } from '../../main/core/orchestrator/observe-lab.ts';
import { createTestLabHome, uniqueLabName, type TestLabHome } from '../support/test-lab.ts';

const engine = new DockerEngine();
const IDLE = ['/usr/local/bin/node', '-e', 'setInterval(() => {}, 1 << 30)'];

/**
 * A lab as another seclab home leaves it on the engine: component containers with the planner's
 * labels (no record in this home), and a probe — a one-shot helper — still around.
 */
async function createForeignLab(lab: string, image: string, components: string[]): Promise<void> {
  const create = (name: string, labels: Record<string, string>) =>
    engine.createContainer({ name, image, user: '1000:0', env: {}, labels: { [LAB_LABEL]: lab, ...labels }, cmd: IDLE, memoryBytes: 64 * 1024 ** 2, restartPolicy: 'no' });
  for (const component of components) {
    await create(`seclab-${lab}-${component}`, { [COMPONENT_LABEL]: component, [KIND_LABEL]: component.startsWith('es') ? 'elasticsearch' : 'kibana', [IMAGES_LABEL]: 'emulated', [VERSION_LABEL]: '9.1.0' });
    await engine.startContainer(`seclab-${lab}-${component}`);
  }
  await create(`seclab-${lab}-probe-1`, { 'seclab.role': 'probe' });
  await engine.startContainer(`seclab-${lab}-probe-1`);
}

describe('labs made from another seclab home, and one-shot helpers', () => {
  let here: TestLabHome;
  let image: string;
  const lab = uniqueLabName('foreign');

  beforeAll(async () => {
    here = createTestLabHome();
    image = await buildEmulatorBaseImage(engine, collectNodeRootFilesystem(), () => undefined);
    await createForeignLab(lab, image, ['es01', 'es02', 'kibana']);
  });

  afterAll(async () => {
    await here.cleanup([lab]);
  });

  it('lists a lab with no record here as Docker shows it: running, its components, images and version, and says it is another home’s', async () => {
    const summary = (await listLabs(engine, here.home)).find((s) => s.lab === lab);
    expect(summary).toEqual({ lab, state: 'running', emulated: true, version: '9.1.0', components: 3, running: 3, unrecorded: true });

    await engine.docker.getContainer(`seclab-${lab}-es02`).stop({ t: 0 });
    expect((await listLabs(engine, here.home)).find((s) => s.lab === lab)).toMatchObject({ state: 'degraded', components: 3, running: 2 });
  });

  it('teardown removes the probe too, but counts and announces only the lab’s components', async () => {
    const result = await downLab(here.context, lab);
    expect(result.removed).toMatchObject({ containers: 3 });
    const removed = here.events.flatMap((e) => (e.type === 'component-state' && e.lab === lab && e.state === 'removed' ? [e.component] : []));
    expect(removed.sort()).toEqual(['es01', 'es02', 'kibana']);
    const finished = here.events.find((e) => e.type === 'phase-finished' && e.lab === lab && e.phase === 'teardown');
    expect(finished).toMatchObject({ detail: expect.stringMatching(/^removed 3 containers/) });
    expect((await engine.labObjects(lab)).containers).toEqual([]);
  });
});
