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
function engineWith(containers: LabContainer[], { leavesMayDeadlock = false, volumes = [] as string[], networks = [] as string[] } = {}) {
  const left = new Set(containers.map((c) => c.id));
  const log: string[] = [];
  const engine = {
    labObjects: async () => ({
      containers: containers.filter((c) => left.has(c.id)),
      volumes: volumes.map((name) => ({ name, labels: {} })),
      networks: networks.map((id) => ({ id, name: id, labels: {}, subnets: [] })),
    }),
    killContainer: async (id: string) => void log.push(`kill ${id}`),
    concurrentNetworkLeavesMayDeadlock: async () => leavesMayDeadlock,
    detachFromNetworks: async (id: string) => {
      log.push(`leave ${id}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      log.push(`left ${id}`);
    },
    removeContainer: async (id: string) => {
      log.push(`begin ${id}`);
      await new Promise((resolve) => setTimeout(resolve, 30));
      left.delete(id);
      log.push(`end ${id}`);
    },
    removeVolume: async (name: string) => {
      log.push(`begin volume ${name}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      log.push(`end volume ${name}`);
    },
    removeNetwork: async (id: string) => {
      log.push(`begin network ${id}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
      log.push(`end network ${id}`);
    },
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

  it('on an engine whose concurrent network leaves may deadlock (Docker before 20.10.27), takes the containers with an endpoint of their own off the network one by one, each removed once it is off', async () => {
    const es01 = component('es01');
    const containers = [probe('outsider', 'seclab-t'), es01, component('kibana'), probe('es01', `container:${es01.id}`), { ...component('gone'), state: 'exited' }];
    const { engine, log } = engineWith(containers, { leavesMayDeadlock: true, networks: ['n1'] });
    expect(await removeLabObjects(engine, 't')).toEqual({ containers: 3, volumes: 0, networks: 1 });
    const leaves = log.filter((line) => line.startsWith('leave') || line.startsWith('left'));
    // One at a time, the components first: each leave ends before the next begins. The probe in es01's stack has no
    // endpoint, the exited one none left.
    expect(leaves).toEqual(['leave id-es01', 'left id-es01', 'leave id-kibana', 'left id-kibana', 'leave id-probe-outsider', 'left id-probe-outsider']);
    for (const id of ['id-es01', 'id-kibana', 'id-probe-outsider']) expect(log.indexOf(`begin ${id}`), id).toBeGreaterThan(log.indexOf(`left ${id}`));
    // es01, whose stack the probe shares, is killed once off the network, not before.
    expect(log.indexOf('kill id-es01')).toBeGreaterThan(log.indexOf('left id-es01'));
    // Kibana's removal (its exit) did not wait for the leaves after its own.
    expect(log.indexOf('begin id-kibana')).toBeLessThan(log.indexOf('left id-probe-outsider'));
    expect(log.filter((line) => /^begin id-/.test(line)).length).toBe(5);
    // The network went once the last container had left it, beside that one's removal.
    expect(log.indexOf('begin network n1')).toBeGreaterThan(log.indexOf('left id-probe-outsider'));
    expect(log.indexOf('begin network n1')).toBeLessThan(log.indexOf('end id-probe-outsider'));
  });

  it("says so when that early network removal fails, once the containers' removals are done", async () => {
    const { engine, log } = engineWith([component('es01')], { leavesMayDeadlock: true, networks: ['n1'] });
    engine.removeNetwork = async () => {
      throw new Error('network n1 has active endpoints');
    };
    await expect(removeLabObjects(engine, 't')).rejects.toThrow('network n1 has active endpoints');
    expect(log).toContain('end id-es01');
  });

  it('takes nothing off the network apart on an engine without that deadlock', async () => {
    const { engine, log } = engineWith([component('es01'), component('kibana'), probe('outsider', 'seclab-t')]);
    await removeLabObjects(engine, 't');
    expect(log.some((line) => line.startsWith('leave'))).toBe(false);
  });

  it('removes the volumes beside the network, once every container is gone, and keeps the network when asked', async () => {
    const { engine, log } = engineWith([component('es01')], { volumes: ['v1', 'v2'], networks: ['n1'] });
    const removed = await removeLabObjects(engine, 't');
    expect(removed).toEqual({ containers: 1, volumes: 2, networks: 1 });
    const containerGone = log.indexOf('end id-es01');
    for (const line of ['begin volume v1', 'begin volume v2', 'begin network n1']) expect(log.indexOf(line), line).toBeGreaterThan(containerGone);
    expect(log.indexOf('begin network n1')).toBeLessThan(log.indexOf('end volume v1'));
    const kept = engineWith([component('es01')], { volumes: ['v1'], networks: ['n1'] });
    expect(await removeLabObjects(kept.engine, 't', undefined, { keepNetworks: true })).toEqual({ containers: 1, volumes: 1, networks: 0 });
    expect(kept.log.some((line) => line.includes('network'))).toBe(false);
  });
});
