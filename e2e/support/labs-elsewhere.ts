import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultEnvironment } from '../../main/core/environment.ts';
import { DockerEngine } from '../../main/core/docker/docker-engine.ts';
import { buildEmulatorBaseImage, collectNodeRootFilesystem } from '../../main/core/emulator-images/build-emulator-images.ts';
import { downLab } from '../../main/core/orchestrator/down-lab.ts';
import { upLab } from '../../main/core/orchestrator/up-lab.ts';

/** Labs and helpers the app under test did not make: another process, another seclab home. */

export interface LabElsewhere {
  lab: string;
  home: string;
  remove(): Promise<void>;
}

/** A real emulated lab brought up by the core services under a seclab home of its own, as another `seclab up` would. */
export async function upLabInAnotherHome(lab: string, spec: Record<string, unknown>): Promise<LabElsewhere> {
  const home = mkdtempSync(join(tmpdir(), 'seclab-other-home-'));
  const context = { environment: defaultEnvironment({ ...process.env, SECLAB_HOME: home }), emit: () => undefined };
  const remove = async () => {
    await downLab(context, lab, { purge: true }).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  };
  try {
    await upLab(context, { name: lab, images: 'emulated', ...spec });
  } catch (error) {
    await remove();
    throw error;
  }
  return { lab, home, remove };
}

/**
 * A verification probe as the verifier leaves one for a moment (a one-shot container labelled with
 * the lab and `seclab.role`), kept running so the app surely meets it.
 */
export async function startLingeringProbe(lab: string, suffix: string): Promise<string> {
  const engine = new DockerEngine();
  const image = await buildEmulatorBaseImage(engine, collectNodeRootFilesystem(), () => undefined);
  const name = `seclab-${lab}-probe-${suffix}`;
  await engine.createContainer({
    name,
    image,
    user: '1000:0',
    env: {},
    labels: { 'seclab.lab': lab, 'seclab.role': 'probe' },
    cmd: ['/usr/local/bin/node', '-e', 'setInterval(() => {}, 1 << 30)'],
    memoryBytes: 64 * 1024 ** 2,
    restartPolicy: 'no',
  });
  await engine.startContainer(name);
  return name;
}
