import { describe, expect, it } from 'vitest';
import type { DockerEngine, LabObjects } from '../docker/docker-engine.ts';
import { removeLabObjects } from './remove-lab-objects.ts';

type LabContainer = LabObjects['containers'][number];

const component = (name: string): LabContainer => ({ id: `id-${name}`, name: `seclab-t-${name}`, state: 'running', labels: { 'seclab.lab': 't', 'seclab.component': name } });
const probe = (vantage: string, networkMode: string | undefined, standing?: 'network' | 'stack'): LabContainer => ({
  id: `id-probe-${vantage}`,
  name: `seclab-t-probe-${vantage}`,
  state: 'running',
  labels: { 'seclab.lab': 't', 'seclab.role': 'probe', ...(standing ? { 'seclab.standing': standing } : {}) },
  networkMode,
});

/** An engine whose removals each take a while; it records when each begins and ends. */
function engineWith(containers: LabContainer[], { exitsMayDeadlock = false } = {}) {
  const left = new Set(containers.map((c) => c.id));
  const log: string[] = [];
  const engine = {
    labObjects: async () => ({ containers: containers.filter((c) => left.has(c.id)), volumes: [], networks: [] }),
    killContainer: async (id: string) => void log.push(`kill ${id}`),
    concurrentExitsMayDeadlock: async () => exitsMayDeadlock,
    killAndAwaitExit: async (id: string) => {
      log.push(`stop ${id}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      log.push(`stopped ${id}`);
    },
    removeContainer: async (id: string) => {
      log.push(`begin ${id}`);
      await new Promise((resolve) => setTimeout(resolve, 30));
      left.delete(id);
      log.push(`end ${id}`);
    },
    removeVolume: async () => undefined,
    removeNetwork: async () => undefined,
  } as unknown as DockerEngine;
  return { engine, log };
}

describe('removeLabObjects', () => {
  it("removes the components beside the helpers, except a node whose network stack a probe shares: killed at once, removed after the probe (Docker's listing names it)", async () => {
    const es01 = component('es01');
    const { engine, log } = engineWith([es01, component('kibana'), probe('es01', `container:${es01.id}`), probe('outsider', 'seclab-t')]);
    const removed = await removeLabObjects(engine, 't');
    expect(removed.containers).toBe(2);
    // Kibana did not wait for any helper; es01 waited for the probe in its stack, not for the outsider.
    expect(log.indexOf('begin id-kibana')).toBeLessThan(log.indexOf('end id-probe-outsider'));
    expect(log.indexOf('begin id-es01')).toBeGreaterThan(log.indexOf('end id-probe-es01'));
    // Its kill, which needs no order, did not wait; Kibana, with no helper in its stack, was not killed apart.
    expect(log).toContain('kill id-es01');
    expect(log.indexOf('kill id-es01')).toBeLessThan(log.indexOf('end id-probe-es01'));
    expect(log).not.toContain('kill id-kibana');
    expect(
      log
        .filter((line) => line.startsWith('begin'))
        .slice(0, 3)
        .sort(),
    ).toEqual(['begin id-kibana', 'begin id-probe-es01', 'begin id-probe-outsider']);
  });

  it('removes every helper before any component where the listing does not say whose stack a helper shares (Podman)', async () => {
    const { engine, log } = engineWith([component('es01'), component('kibana'), probe('es01', undefined), probe('outsider', undefined)]);
    await removeLabObjects(engine, 't');
    const lastHelperEnd = Math.max(log.indexOf('end id-probe-es01'), log.indexOf('end id-probe-outsider'));
    expect(log.indexOf('begin id-es01')).toBeGreaterThan(lastHelperEnd);
    expect(log.indexOf('begin id-kibana')).toBeGreaterThan(lastHelperEnd);
  });

  it("keeps the standing probe on the network with the network when asked (reset's teardown, not on Podman), and removes it with everything else otherwise", async () => {
    const es01 = component('es01');
    const lab = () => [es01, probe('es01', `container:${es01.id}`, 'stack'), probe('outsider', 'seclab-t', 'network'), probe('demo-reach-1a2b3c', 'seclab-t')];
    const kept = engineWith(lab());
    await removeLabObjects(kept.engine, 't', undefined, { keepNetworks: true, keepNetworkProbes: true });
    expect((await kept.engine.labObjects('t')).containers.map((c) => c.name)).toEqual(['seclab-t-probe-outsider']);
    const networkOnly = engineWith(lab());
    await removeLabObjects(networkOnly.engine, 't', undefined, { keepNetworks: true });
    expect((await networkOnly.engine.labObjects('t')).containers).toEqual([]);
    const all = engineWith(lab());
    await removeLabObjects(all.engine, 't');
    expect((await all.engine.labObjects('t')).containers).toEqual([]);
  });

  it('on an engine whose concurrent exits may deadlock (Docker before 20.10.27), stops the containers with an endpoint of their own one by one, each removed once it has stopped', async () => {
    const es01 = component('es01');
    const containers = [probe('outsider', 'seclab-t'), es01, component('kibana'), probe('es01', `container:${es01.id}`), { ...component('gone'), state: 'exited' }];
    const { engine, log } = engineWith(containers, { exitsMayDeadlock: true });
    await removeLabObjects(engine, 't');
    const stops = log.filter((line) => line.startsWith('stop'));
    // One at a time, the components first: each stop ends before the next begins. The probe in es01's stack has no
    // endpoint, the exited one no process.
    expect(stops).toEqual(['stop id-es01', 'stopped id-es01', 'stop id-kibana', 'stopped id-kibana', 'stop id-probe-outsider', 'stopped id-probe-outsider']);
    for (const id of ['id-es01', 'id-kibana', 'id-probe-outsider']) expect(log.indexOf(`begin ${id}`), id).toBeGreaterThan(log.indexOf(`stopped ${id}`));
    // Kibana's removal did not wait for the stops after its own.
    expect(log.indexOf('begin id-kibana')).toBeLessThan(log.indexOf('stopped id-probe-outsider'));
    expect(log.filter((line) => line.startsWith('begin')).length).toBe(5);
    // es01 was stopped in turn, not killed beside the others while its probe went.
    expect(log).not.toContain('kill id-es01');
  });

  it('stops nothing apart on an engine without that deadlock', async () => {
    const { engine, log } = engineWith([component('es01'), component('kibana'), probe('outsider', 'seclab-t')]);
    await removeLabObjects(engine, 't');
    expect(log.some((line) => line.startsWith('stop'))).toBe(false);
  });
});
