import type { DockerEngine } from '../../docker/docker-engine.ts';
import { bundledAtRunTime } from '../../files/install-root.ts';
import type { NodeObservation, ProbeTask } from './in-network-probe.ts';
import { runProbeProgram, type ProbeAnswer, type ProbePlacement } from './run-probe-program.ts';

export type { ProbeAnswer, ProbePlacement };

/** `home`: the seclab home, where the probe image's tag is remembered between runs. */
export function runInNetworkProbe(engine: DockerEngine, placement: ProbePlacement, task: ProbeTask, home?: string): Promise<ProbeAnswer<NodeObservation[]>> {
  return runProbeProgram<NodeObservation[]>(engine, bundledAtRunTime('main/core/verification/probes/in-network-probe.ts'), placement, task, 'in-network probe', home);
}
