import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabEvent } from '../../common/lab-events.ts';
import { defaultEnvironment, type CoreEnvironment } from '../../main/core/environment.ts';
import { downLab } from '../../main/core/orchestrator/down-lab.ts';
import type { LabContext } from '../../main/core/orchestrator/up-lab.ts';

let counter = 0;

/** DNS-safe, ≤ 20 characters, unique per test process: tests never reuse a lab another run may have left. */
export function uniqueLabName(prefix: string): string {
  counter += 1;
  return `${prefix}${process.pid % 100000}${counter}`.slice(0, 20);
}

export interface TestLabHome {
  home: string;
  environment: CoreEnvironment;
  events: LabEvent[];
  context: LabContext;
  /** Removes the labs this home knows (by label) and the folder. */
  cleanup(labs: string[]): Promise<void>;
}

export function createTestLabHome(): TestLabHome {
  const home = mkdtempSync(join(tmpdir(), 'seclab-test-home-'));
  const environment = defaultEnvironment({ ...process.env, SECLAB_HOME: home });
  const events: LabEvent[] = [];
  const context: LabContext = { environment, emit: (event) => events.push(event) };
  return {
    home,
    environment,
    events,
    context,
    async cleanup(labs) {
      for (const lab of labs) await downLab(context, lab, { purge: true }).catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A /24 in the lab range that no network on the engine uses now (tests never assume one is free). */
export async function freeTestSubnet(engine: { engineSubnets(): Promise<string[]> }): Promise<{ subnet: string; gateway: string; base: string }> {
  const taken = await engine.engineSubnets();
  for (let index = 254; index > 100; index--) {
    const base = `172.29.${index}`;
    if (!taken.some((subnet) => subnet.startsWith(`${base}.`))) return { subnet: `${base}.0/24`, gateway: `${base}.1`, base };
  }
  throw new Error('no free test subnet in 172.29.101-254.0/24');
}
