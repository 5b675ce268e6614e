import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseLabSpec, type LabSpec } from '../../../common/lab-spec.ts';
import type { LabAllocation } from '../planner/lab-addresses.ts';
import { writePrivateFileAtomically } from '../files/private-files.ts';
import { labPaths } from './lab-home.ts';

export interface LabRecord {
  spec: LabSpec;
  allocation: LabAllocation;
  createdAt: string;
  /**
   * 'in-progress' from the moment a fresh bring-up (new lab or reset) begins until it ends well:
   * a process killed in between leaves it so, and the next `up` rebuilds the lab cleanly.
   * Absent in records written before it existed: those labs came up.
   */
  bringUp?: 'in-progress' | 'complete';
}

const recordSchema = z.object({
  spec: z.unknown(),
  allocation: z.object({
    subnetIndex: z.number().int(),
    ports: z.object({ elasticsearch: z.number(), kibana: z.number(), fleetServer: z.number() }),
    memoryLock: z.boolean().optional(),
    raiseFileLimit: z.boolean().optional(),
    fileLimitCap: z.number().int().optional(),
    officialRegistry: z.string().optional(),
  }),
  createdAt: z.string(),
  bringUp: z.enum(['in-progress', 'complete']).optional(),
});

export function readLabRecord(home: string, lab: string): LabRecord | undefined {
  const path = labPaths(home, lab).record;
  if (!existsSync(path)) return undefined;
  const parsed = recordSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  return { spec: parseLabSpec(parsed.spec), allocation: parsed.allocation, createdAt: parsed.createdAt, bringUp: parsed.bringUp };
}

export function writeLabRecord(home: string, record: LabRecord): void {
  writePrivateFileAtomically(labPaths(home, record.spec.name).record, `${JSON.stringify(record, null, 2)}\n`);
}

export function listLabRecords(home: string): LabRecord[] {
  const dir = join(home, 'labs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => {
      try {
        return readLabRecord(home, name);
      } catch {
        return undefined;
      }
    })
    .filter((record): record is LabRecord => record !== undefined);
}
