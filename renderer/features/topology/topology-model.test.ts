import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../../common/checks.ts';
import { parseLabSpec } from '../../../common/lab-spec.ts';
import { certificateFactsOf } from './certificate-facts.ts';
import { buildTopology, type TopologyNode } from './topology-model.ts';

/** A label as drawn at 15 px bold: status mark, padding and about 9.5 px a character (DejaVu Sans Bold, the widest fallback). */
function labelBox(text: string, at: { x: number; y: number }) {
  const width = 36 + 9.5 * text.length;
  const height = 30;
  return { x: at.x - width / 2, y: at.y - height / 2, width, height };
}

const intersects = (a: { x: number; y: number; width: number; height: number }, b: TopologyNode) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

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

describe('certificateFactsOf', () => {
  const check = (id: CheckResult['id'], evidence: string[]) => ({ id, evidence }) as CheckResult;
  const checks = [
    check('http.cert-valid', ['es01: CN=es01, SAN localhost, es01; expires in 364 days', 'es02: CN=es02, SAN localhost, es02; expires in 364 days']),
    check('kibana.https', ['https://localhost:5601/api/status → 200', 'kibana: CN=kibana, SAN localhost, kibana; expires in 364 days']),
    check('transport.tls', ['es01: something else entirely']),
  ];

  it("gives a node's and Kibana's certificate lines, without the name, and nothing from other checks", () => {
    expect(certificateFactsOf(checks, 'es02')).toEqual(['CN=es02, SAN localhost, es02; expires in 364 days']);
    expect(certificateFactsOf(checks, 'kibana')).toEqual(['CN=kibana, SAN localhost, kibana; expires in 364 days']);
    expect(certificateFactsOf(checks, 'es0')).toEqual([]);
    expect(certificateFactsOf(undefined, 'es01')).toEqual([]);
  });
});
