import { describe, expect, it } from 'vitest';
import { parseLabSpec } from '../../../common/lab-spec.ts';
import type { LabObjects } from '../docker/docker-engine.ts';
import { planLab } from '../planner/plan-lab.ts';
import { isLonePlannedNetwork } from './lone-lab-network.ts';

const plan = planLab(parseLabSpec({ name: 'kept', images: 'emulated' }), { subnetIndex: 201, ports: { elasticsearch: 9200, kibana: 5601, fleetServer: 8220 } });
const network = { id: 'n1', name: plan.network.name, labels: { ...plan.network.labels }, subnets: [plan.network.subnet] };
const objects = (over: Partial<LabObjects>): LabObjects => ({ containers: [], volumes: [], networks: [network], ...over });

describe('a lone lab network a bring-up may use again', () => {
  it('is the planned network (name, subnet, labels) with no container or volume beside it', () => {
    expect(isLonePlannedNetwork(objects({}), plan)).toBe(true);
  });

  it("may have the standing outsider probe on it (reset keeps it), but no probe in a node's stack and no one-shot", () => {
    const probe = (standing?: string) => ({ id: 'c', name: 'seclab-kept-probe-x', state: 'running', labels: { 'seclab.lab': 'kept', 'seclab.role': 'probe', ...(standing ? { 'seclab.standing': standing } : {}) } });
    expect(isLonePlannedNetwork(objects({ containers: [probe('network')] }), plan)).toBe(true);
    expect(isLonePlannedNetwork(objects({ containers: [probe('network'), probe('stack')] }), plan)).toBe(false);
    expect(isLonePlannedNetwork(objects({ containers: [probe()] }), plan)).toBe(false);
  });

  it('is not one beside a container or a volume, nor one of another subnet, name or labels', () => {
    expect(isLonePlannedNetwork(objects({ containers: [{ id: 'c', name: 'seclab-kept-probe-x', state: 'running', labels: { 'seclab.lab': 'kept', 'seclab.role': 'probe' } }] }), plan)).toBe(false);
    expect(isLonePlannedNetwork(objects({ volumes: [{ name: 'seclab-kept-es01-data', labels: { 'seclab.lab': 'kept' } }] }), plan)).toBe(false);
    expect(isLonePlannedNetwork(objects({ networks: [{ ...network, subnets: ['172.29.9.0/24'] }] }), plan)).toBe(false);
    expect(isLonePlannedNetwork(objects({ networks: [{ ...network, name: `${plan.network.name}-old` }] }), plan)).toBe(false);
    expect(isLonePlannedNetwork(objects({ networks: [{ ...network, labels: { ...network.labels, 'seclab.component': 'es01' } }] }), plan)).toBe(false);
    expect(isLonePlannedNetwork(objects({ networks: [network, { ...network, id: 'n2', name: 'seclab-kept-2' }] }), plan)).toBe(false);
    expect(isLonePlannedNetwork(objects({ networks: [] }), plan)).toBe(false);
  });
});
