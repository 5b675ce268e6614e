import { describe, expect, it } from 'vitest';
import { parseLabSpec } from '../../../common/lab-spec.ts';
import { planLab } from '../planner/plan-lab.ts';
import type { LabRecord } from '../lab-store/lab-records.ts';
import { unfinishedBringUp } from './unfinished-bring-up.ts';

const allocation = { subnetIndex: 203, ports: { elasticsearch: 9200, kibana: 5601, fleetServer: 8220 } };
const spec = parseLabSpec({ name: 'tu', images: 'emulated' });
const plan = planLab(spec, allocation);
const record = (bringUp: LabRecord['bringUp']): LabRecord => ({ spec, allocation, createdAt: '2026-12-03T00:00:00.000Z', bringUp });
/** Every planned component, as Docker's listing shows it on the lab's network. */
const whole = () => plan.containers.map((c) => ({ labels: { 'seclab.component': c.component }, networkMode: plan.network.name, networks: [plan.network.name] }));

describe('unfinishedBringUp', () => {
  it('finds nothing unfinished in a whole lab whose bring-up completed', () => {
    expect(unfinishedBringUp(record('complete'), plan, whole())).toBeUndefined();
  });

  it('says a bring-up that never ended was interrupted', () => {
    expect(unfinishedBringUp(record('in-progress'), plan, whole())).toBe('its bring-up was interrupted');
  });

  it('names the components a teardown cut short removed', () => {
    const containers = whole().filter((c) => !['kibana', 'agent01'].includes(c.labels['seclab.component']));
    expect(unfinishedBringUp(record('complete'), plan, containers)).toBe('its teardown was interrupted (kibana, agent01 gone)');
  });

  it("names a component a teardown cut short took off the lab's network, where the listing says its mode and networks", () => {
    const containers = whole().map((c) => (c.labels['seclab.component'] === 'es02' ? { ...c, networks: [] } : c));
    expect(unfinishedBringUp(record('complete'), plan, containers)).toBe("its teardown was interrupted (es02 off the lab's network)");
    // A listing that does not say (Podman's) is no evidence of anything.
    const unsaid = whole().map((c) => ({ labels: c.labels }));
    expect(unfinishedBringUp(record('complete'), plan, unsaid)).toBeUndefined();
  });

  it('refuses a lab with containers but no record here', () => {
    expect(() => unfinishedBringUp(undefined, plan, whole())).toThrow(/no folder in this seclab home/);
  });
});
