import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DockerEngine } from '../../docker/docker-engine.ts';
import { acquireLabLock } from '../../lab-store/lab-lock.ts';
import { refuseOneShotDuringTeardown } from './run-probe-program.ts';

const engineWhoseLeaves = (mayDeadlock: boolean) => ({ concurrentNetworkLeavesMayDeadlock: async () => mayDeadlock }) as unknown as DockerEngine;
const onNetwork = { lab: 'rp', vantage: 'outsider', from: { network: 'seclab-rp', ip: () => '172.29.9.201' } };
const inStack = { lab: 'rp', vantage: 'es01', from: { container: 'seclab-rp-es01' } };

describe('one-shot probes while seclab down works on the lab', () => {
  it('refuses one on the network on an engine whose concurrent network leaves may deadlock, saying why and what to do', async () => {
    const home = mkdtempSync(join(tmpdir(), 'seclab-oneshot-'));
    const release = acquireLabLock(home, 'rp', 'down');
    try {
      await expect(refuseOneShotDuringTeardown(engineWhoseLeaves(true), onNetwork, home)).rejects.toThrow(/^lab "rp" is being taken down: no probe joins its network meanwhile, .* run the checks again once it is done$/);
      // In a node's stack (no endpoint of its own), or on another engine, it runs.
      await expect(refuseOneShotDuringTeardown(engineWhoseLeaves(true), inStack, home)).resolves.toBeUndefined();
      await expect(refuseOneShotDuringTeardown(engineWhoseLeaves(false), onNetwork, home)).resolves.toBeUndefined();
    } finally {
      release();
    }
    await expect(refuseOneShotDuringTeardown(engineWhoseLeaves(true), onNetwork, home)).resolves.toBeUndefined();
  });

  it('lets one run while another operation (up, a lesson) holds the lab', async () => {
    const home = mkdtempSync(join(tmpdir(), 'seclab-oneshot-'));
    const release = acquireLabLock(home, 'rp', 'up');
    try {
      await expect(refuseOneShotDuringTeardown(engineWhoseLeaves(true), onNetwork, home)).resolves.toBeUndefined();
    } finally {
      release();
    }
  });
});
