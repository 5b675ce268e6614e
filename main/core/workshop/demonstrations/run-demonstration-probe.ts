import type { DockerEngine } from '../../docker/docker-engine.ts';
import { bundledAtRunTime } from '../../files/install-root.ts';
import { runProbeProgram, type ProbePlacement } from '../../verification/probes/run-probe-program.ts';
import type { DemonstrationOutput, DemonstrationTask } from './demonstration-probe.ts';

/** The same locally built Node-only image and one-shot container the verification probes use. */
export async function runDemonstrationProbe(engine: DockerEngine, placement: ProbePlacement, task: DemonstrationTask): Promise<DemonstrationOutput> {
  return (await runProbeProgram<DemonstrationOutput>(engine, bundledAtRunTime('main/core/workshop/demonstrations/demonstration-probe.ts'), placement, task, 'demonstration probe')).answer;
}
