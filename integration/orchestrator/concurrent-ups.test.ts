import { afterAll, describe, expect, it } from 'vitest';
import { upLab } from '../../main/core/orchestrator/up-lab.ts';
import { readLabRecord } from '../../main/core/lab-store/lab-records.ts';
import { createTestLabHome, uniqueLabName } from '../support/test-lab.ts';

/**
 * Two ups at the same moment, from two seclab homes (the app and a terminal, say): each sees the
 * default ports free until the other's containers start, so without claims (port-claims.ts) both
 * were given the same ones and the second failed at `docker start` ("port is already allocated").
 * They may choose one subnet too: the second up's network is refused ("Pool overlaps"), and it chose
 * the same one again, from the record it had just written, until it gave up.
 */
describe('two labs brought up at once', () => {
  const homes = [createTestLabHome(), createTestLabHome()];
  const labs = [uniqueLabName('cua'), uniqueLabName('cub')];
  afterAll(async () => {
    await Promise.all(homes.map((home, index) => home.cleanup([labs[index]!])));
  });

  it('each gets its own ports and both come up', async () => {
    const results = await Promise.all(homes.map((home, index) => upLab(home.context, { name: labs[index]!, images: 'emulated', elasticsearch: { nodes: 1 }, kibana: false, fleetServer: false, agents: 0 })));
    expect(results.map((result) => result.status.state)).toEqual(['running', 'running']);
    const [first, second] = homes.map((home, index) => readLabRecord(home.home, labs[index]!)!.allocation);
    expect(second!.ports.elasticsearch).not.toBe(first!.ports.elasticsearch);
    // Both may choose one subnet at first: the engine refuses the second network, and that up chooses again.
    expect(second!.subnetIndex).not.toBe(first!.subnetIndex);
  }, 180_000);
});
