import { IMAGES_LABEL, VERSION_LABEL } from '../../../common/lab-plan.ts';
import type { LabState, LabStatus, LabSummary } from '../../../common/lab-status.ts';
import { EMULATOR_IMAGE_PREFIX } from '../planner/plan-lab.ts';

export interface ObservedContainer {
  state: string;
  image: string;
  labels: Record<string, string>;
}

/** A lab's state from its components' containers: all running, some, or none. */
export function labStateOf(containers: Array<{ state: string }>): LabState {
  const running = containers.filter((c) => c.state === 'running').length;
  if (containers.length === 0) return 'absent';
  if (running === 0) return 'stopped';
  return running === containers.length ? 'running' : 'degraded';
}

/**
 * Images and version as the container's labels say, or, for a container made before seclab put
 * those labels, as its image says: `seclab-emulator/elasticsearch:9.1.0`, `<registry>/elasticsearch/elasticsearch:9.1.0`.
 */
export function imageModeOf(container: Pick<ObservedContainer, 'image' | 'labels'>): { emulated: boolean; version?: string } {
  const repositoryAndTag = container.image.split('/').pop() ?? container.image;
  const tag = repositoryAndTag.includes(':') ? repositoryAndTag.slice(repositoryAndTag.lastIndexOf(':') + 1) : undefined;
  const images = container.labels[IMAGES_LABEL];
  return {
    emulated: images ? images === 'emulated' : container.image.startsWith(EMULATOR_IMAGE_PREFIX),
    version: container.labels[VERSION_LABEL] ?? tag,
  };
}

export function summaryOfStatus(status: LabStatus): LabSummary {
  return {
    lab: status.lab,
    state: status.state,
    emulated: status.emulated,
    version: status.version,
    components: status.components.length,
    running: status.components.filter((c) => c.state === 'running').length,
  };
}

/**
 * A lab whose containers carry its label but whose record is not in this seclab home (made from
 * another SECLAB_HOME, or its folder was deleted): what Docker shows of it, nothing more.
 */
export function summaryOfUnrecordedLab(lab: string, containers: ObservedContainer[]): LabSummary {
  const modes = containers.map(imageModeOf);
  const versions = [...new Set(modes.map((m) => m.version).filter((v): v is string => Boolean(v)))];
  return {
    lab,
    state: labStateOf(containers),
    emulated: modes.length > 0 && modes.every((m) => m.emulated),
    version: versions.join(', ') || '?',
    components: containers.length,
    running: containers.filter((c) => c.state === 'running').length,
    unrecorded: true,
  };
}
