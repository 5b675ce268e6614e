import { rmSync } from 'node:fs';
import { SeclabError } from '../../../common/errors.ts';
import { removedObjects } from '../../../common/counted.ts';
import { labPaths } from '../lab-store/lab-home.ts';
import { listLabRecords, readLabRecord } from '../lab-store/lab-records.ts';
import { acquireLabLock } from '../lab-store/lab-lock.ts';
import type { LabContext } from './up-lab.ts';
import { removeLabObjects } from './remove-lab-objects.ts';
import { KEPT_NETWORK_TEARDOWN_NOTE } from './lone-lab-network.ts';

export interface DownResult {
  lab: string;
  /** `containers` counts the lab's components only: one-shot helpers (probes, keystore tools) go too, uncounted. */
  removed: { containers: number; volumes: number; networks: number };
  purged: boolean;
}

/**
 * Removes every container, volume and network that carries this lab's label — found by the
 * label, never by name — and with `purge` the lab's folder (certificates, secrets, record).
 * `keepNetwork`: reset's teardown, whose `up` uses the lab's network again (lone-lab-network.ts).
 */
export async function downLab(context: LabContext, lab: string, options: { purge?: boolean; keepNetwork?: boolean } = {}): Promise<DownResult> {
  const engine = context.environment.engine();
  const objects = await engine.labObjects(lab);
  const known = readLabRecord(context.environment.home, lab) !== undefined;
  if (!known && objects.containers.length + objects.volumes.length + objects.networks.length === 0) {
    throw new SeclabError('LAB_NOT_FOUND', `there is no lab named "${lab}": nothing to remove (see \`seclab status\` for the labs there are)`, { lab });
  }
  const keepNetwork = Boolean(options.keepNetwork && !options.purge);
  const release = acquireLabLock(context.environment.home, lab, 'down');
  const started = Date.now();
  context.emit({ type: 'phase-started', lab, phase: 'teardown', title: 'Teardown', at: new Date().toISOString() });
  try {
    const removed = await removeLabObjects(engine, lab, (component) => context.emit({ type: 'component-state', lab, component, state: 'removed' }), {
      keepNetworks: keepNetwork,
      // Not on Podman: its lab once hung in `status` after a reset that kept the probe, cause unknown (README, "Podman").
      keepNetworkProbes: keepNetwork && !(await engine.isPodman()),
    });
    if (options.purge) rmSync(labPaths(context.environment.home, lab).root, { recursive: true, force: true });
    context.emit({
      type: 'phase-finished',
      lab,
      phase: 'teardown',
      outcome: 'done',
      detail: `removed ${removedObjects(removed)}${options.purge ? ' and the lab folder' : ''}${keepNetwork ? `; ${KEPT_NETWORK_TEARDOWN_NOTE}` : ''}`,
      at: new Date().toISOString(),
      elapsedMs: Date.now() - started,
    });
    return { lab, removed, purged: Boolean(options.purge) };
  } finally {
    release();
    if (options.purge) rmSync(labPaths(context.environment.home, lab).root, { recursive: true, force: true });
  }
}

export async function downAllLabs(context: LabContext, options: { purge?: boolean } = {}): Promise<DownResult[]> {
  const engine = context.environment.engine();
  const labs = new Set(listLabRecords(context.environment.home).map((r) => r.spec.name));
  const objects = await engine.labObjects();
  for (const item of [...objects.containers, ...objects.volumes, ...objects.networks]) labs.add(item.labels['seclab.lab']);
  const results: DownResult[] = [];
  for (const lab of [...labs].sort()) results.push(await downLab(context, lab, options));
  return results;
}
