import { describe, expect, it } from 'vitest';
import { parseLabSpec } from '../../../common/lab-spec.ts';
import { buildTopology, type TopologyNode } from './topology-model.ts';

/** A label as drawn at 15 px bold: status mark, padding and about 9.5 px a character (DejaVu Sans Bold, the widest fallback). */
function labelBox(text: string, at: { x: number; y: number }) {
  const width = 36 + 9.5 * text.length;
  const height = 30;
  return { x: at.x - width / 2, y: at.y - height / 2, width, height };
}

const intersects = (a: { x: number; y: number; width: number; height: number }, b: TopologyNode) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('topology layout', () => {
  for (const [name, input] of [
    ['the default lab', {}],
    ['one node, Kibana and Fleet', { elasticsearch: { nodes: 1 } }],
    ['7 nodes, 5 agents', { elasticsearch: { nodes: 7 }, agents: 5 }],
    ['Elasticsearch alone', { kibana: false, fleetServer: false, agents: 0 }],
  ] as const) {
    it(`places every link label in a gap, over no node and no other label: ${name}`, () => {
      const topology = buildTopology(parseLabSpec(input));
      const boxes = topology.nodes.filter((node) => node.kind !== 'network');
      const labels = topology.links.filter((link) => link.protection).map((link) => ({ link, box: labelBox(link.protection, link.labelAt!) }));
      expect(labels.every(({ link }) => link.labelAt)).toBe(true);
      for (const { link, box } of labels) {
        for (const node of boxes) expect(intersects(box, node), `"${link.protection}" (${link.id}) over ${node.id}`).toBe(false);
        for (const other of labels) {
          if (other.link === link) continue;
          const apart = box.x + box.width <= other.box.x || other.box.x + other.box.width <= box.x || box.y + box.height <= other.box.y || other.box.y + other.box.height <= box.y;
          expect(apart, `"${link.protection}" over "${other.link.protection}"`).toBe(true);
        }
      }
    });
  }
});
