import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DockerEngine } from '../docker/docker-engine.ts';
import { engineLimitsFor, forgetEngineLimits, measureEngineLimits } from './engine-limits-cache.ts';

const capped = { memoryLock: false, raiseFileLimit: false, fileLimitCap: 20000, maxMapCount: 262144 };
const homes: string[] = [];
const newHome = () => {
  const home = mkdtempSync(join(tmpdir(), 'seclab-limits-cache-'));
  homes.push(home);
  return home;
};
const engineCalled = (identity: string) => ({ identity: async () => identity }) as unknown as DockerEngine;

afterEach(() => {
  for (const home of homes.splice(0)) rmSync(home, { recursive: true, force: true });
});

describe('the engine-limits measurement, remembered per engine', () => {
  it('is measured once, then reused for the same engine within a day', async () => {
    const home = newHome();
    const probe = vi.fn(async () => capped);
    const now = new Date('2026-11-30T10:00:00Z');
    expect(await engineLimitsFor(engineCalled('engine-a'), home, 'one', { now, probe })).toEqual({ limits: capped, reused: false });
    expect(await engineLimitsFor(engineCalled('engine-a'), home, 'two', { now: new Date('2026-11-30T20:00:00Z'), probe })).toEqual({ limits: capped, reused: true });
    expect(probe).toHaveBeenCalledTimes(1);
    expect(statSync(join(home, 'engine-limits.json')).mode & 0o777).toBe(0o600);
  });

  it('is measured again for another engine, after a day, or once forgotten', async () => {
    const home = newHome();
    const probe = vi.fn(async () => capped);
    const now = new Date('2026-11-30T10:00:00Z');
    await engineLimitsFor(engineCalled('engine-a'), home, 'one', { now, probe });
    expect((await engineLimitsFor(engineCalled('engine-b'), home, 'one', { now, probe })).reused).toBe(false);
    expect((await engineLimitsFor(engineCalled('engine-b'), home, 'one', { now: new Date('2026-12-01T10:00:01Z'), probe })).reused).toBe(false);
    forgetEngineLimits(home);
    expect((await engineLimitsFor(engineCalled('engine-b'), home, 'one', { now, probe })).reused).toBe(false);
    expect(probe).toHaveBeenCalledTimes(4);
  });

  it('a fresh measurement (doctor) replaces the remembered one; an unreadable file is measured anew; a missing home stays missing', async () => {
    const home = newHome();
    await measureEngineLimits(engineCalled('engine-a'), home, 'one', { probe: async () => capped });
    await measureEngineLimits(engineCalled('engine-a'), home, 'one', { probe: async () => ({ ...capped, maxMapCount: 65530 }) });
    expect(JSON.parse(readFileSync(join(home, 'engine-limits.json'), 'utf8')).limits.maxMapCount).toBe(65530);
    writeFileSync(join(home, 'engine-limits.json'), '{ not json');
    expect((await engineLimitsFor(engineCalled('engine-a'), home, 'one', { probe: async () => capped })).reused).toBe(false);
    const missing = join(home, 'not-yet');
    await measureEngineLimits(engineCalled('engine-a'), missing, 'one', { probe: async () => capped });
    expect(() => statSync(missing)).toThrow();
  });
});
