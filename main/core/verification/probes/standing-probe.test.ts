import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../docker/docker-engine.ts';
import { acquireLabLock } from '../../lab-store/lab-lock.ts';
import { standingProbe } from './standing-probe.ts';

/** An engine that records what it was asked to create and start; containers it made run from then on. */
function recordingEngine() {
  const made: string[] = [];
  const running = new Map<string, { Config: { Image: string; Labels: Record<string, string> }; State: { Running: boolean; StartedAt: string } }>();
  const engine = {
    inspectContainer: async (name: string) => running.get(name),
    createContainer: async (spec: { name: string; image: string; labels: Record<string, string> }) => {
      made.push(spec.name);
      running.set(spec.name, { Config: { Image: spec.image, Labels: spec.labels }, State: { Running: false, StartedAt: '0001-01-01T00:00:00Z' } });
      return spec.name;
    },
    startContainer: async (name: string) => {
      running.get(name)!.State = { Running: true, StartedAt: new Date().toISOString() };
    },
    removeContainer: async (name: string) => void running.delete(name),
  };
  return { engine: engine as unknown as DockerEngine, made };
}

const spec = { lab: 'sp', name: 'seclab-sp-probe-outsider', image: 'seclab-emulator/base:x', from: { network: 'seclab-sp', ip: () => '172.29.9.201' } };

describe('standing probes', () => {
  it('makes one, and the next run finds it running instead of making another', async () => {
    const { engine, made } = recordingEngine();
    const home = mkdtempSync(join(tmpdir(), 'seclab-standing-'));
    expect((await standingProbe(engine, spec, home))?.State.Running).toBe(true);
    expect((await standingProbe(engine, spec, home))?.State.Running).toBe(true);
    expect(made).toEqual(['seclab-sp-probe-outsider']);
  });

  it('makes none while `seclab down` holds the lab: one made then could outlive the teardown (the run takes a one-shot)', async () => {
    const { engine, made } = recordingEngine();
    const home = mkdtempSync(join(tmpdir(), 'seclab-standing-'));
    const release = acquireLabLock(home, 'sp', 'down');
    try {
      expect(await standingProbe(engine, spec, home)).toBeUndefined();
      expect(made).toEqual([]);
    } finally {
      release();
    }
    expect(await standingProbe(engine, spec, home)).toBeDefined();
  });

  it('replaces one made from another image (the probe image was rebuilt)', async () => {
    const { engine, made } = recordingEngine();
    const home = mkdtempSync(join(tmpdir(), 'seclab-standing-'));
    await standingProbe(engine, { ...spec, image: 'seclab-emulator/base:old' }, home);
    const probe = await standingProbe(engine, spec, home);
    expect(probe?.Config.Image).toBe(spec.image);
    expect(made).toEqual(['seclab-sp-probe-outsider', 'seclab-sp-probe-outsider']);
  });

  it("says where it stands: on the network (what reset keeps) or in a node's stack (gone with the node)", async () => {
    const { engine } = recordingEngine();
    const home = mkdtempSync(join(tmpdir(), 'seclab-standing-'));
    const outsider = await standingProbe(engine, spec, home);
    const inStack = await standingProbe(engine, { ...spec, name: 'seclab-sp-probe-es01', from: { container: 'seclab-sp-es01' } }, home);
    expect(outsider?.Config.Labels['seclab.standing']).toBe('network');
    expect(inStack?.Config.Labels['seclab.standing']).toBe('stack');
  });
});
