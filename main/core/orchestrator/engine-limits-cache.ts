import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { DockerEngine } from '../docker/docker-engine.ts';
import { writePrivateFileAtomically } from '../files/private-files.ts';
import { probeEngineLimits, type EngineLimits } from './engine-limits.ts';

/**
 * The engine-limits probe costs three throwaway containers (about 1.3 s here) on every new lab.
 * What it measures belongs to the engine, not the lab, so `up` reuses a measurement of the same
 * engine (docker-engine.ts identity: address, ID, version, kernel, OS, cgroups, security options)
 * made within a day. It is safe because a reused measurement never fails a run on its own: `up`
 * measures again before reporting a limit-based check as failed or warned, and forgets the
 * measurement when a run fails. `seclab doctor` and the Start screen always measure afresh.
 */
const MAX_AGE_MS = 24 * 60 * 60 * 1000;
const FILE = 'engine-limits.json';

const cacheSchema = z.object({
  identity: z.string(),
  measuredAt: z.string(),
  limits: z.object({ memoryLock: z.boolean(), raiseFileLimit: z.boolean(), fileLimitCap: z.number().int().optional(), maxMapCount: z.number().int().optional() }),
});

export interface MeasuredLimits {
  limits: EngineLimits;
  /** True when the limits come from an earlier measurement of this engine. */
  reused: boolean;
}

function readCache(home: string): z.infer<typeof cacheSchema> | undefined {
  const path = join(home, FILE);
  if (!existsSync(path)) return undefined;
  try {
    return cacheSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return undefined;
  }
}

interface MeasureOptions {
  now?: Date;
  probe?: typeof probeEngineLimits;
}

/** Measures the engine's limits and remembers them for the next lab. */
export async function measureEngineLimits(engine: DockerEngine, home: string, lab: string, { now = new Date(), probe = probeEngineLimits }: MeasureOptions = {}): Promise<EngineLimits> {
  const [identity, limits] = await Promise.all([engine.identity(), probe(engine, lab)]);
  try {
    // Only into a home that exists: doctor on a new machine creates nothing.
    if (existsSync(home)) writePrivateFileAtomically(join(home, FILE), `${JSON.stringify({ identity, measuredAt: now.toISOString(), limits }, null, 2)}\n`);
  } catch {
    // An unwritable home is said by the step that needs it; the measurement stands.
  }
  return limits;
}

/** This engine's limits: remembered when measured within a day, else measured now. */
export async function engineLimitsFor(engine: DockerEngine, home: string, lab: string, options: MeasureOptions = {}): Promise<MeasuredLimits> {
  const now = options.now ?? new Date();
  const cached = readCache(home);
  if (cached && now.getTime() - Date.parse(cached.measuredAt) < MAX_AGE_MS && cached.identity === (await engine.identity())) return { limits: cached.limits, reused: true };
  return { limits: await measureEngineLimits(engine, home, lab, { ...options, now }), reused: false };
}

export function forgetEngineLimits(home: string): void {
  rmSync(join(home, FILE), { force: true });
}
