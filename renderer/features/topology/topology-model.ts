import type { CheckId, CheckResult, CheckStatus } from '../../../common/checks.ts';
import { agentNames, elasticsearchNodeNames, type LabSpec } from '../../../common/lab-spec.ts';
import type { ComponentStatus } from '../../../common/lab-status.ts';
import { worstStatus } from '../../components/status-icon.tsx';

/**
 * The lab drawn as a security diagram: the host at the top edge, 127.0.0.1 as the only door
 * into the lab network, and every link labelled with what protects it and coloured by the
 * checks that prove that protection. Pure: spec and results in, positions out.
 */

export type TopologyNodeKind = 'host' | 'door' | 'network' | 'elasticsearch' | 'kibana' | 'fleet-server' | 'agent';
/** `planned`: the lab does not exist yet (Start preview), so nothing is proved. */
export type LinkStatus = CheckStatus | 'planned';

export interface TopologyNode {
  id: string;
  kind: TopologyNodeKind;
  label: string;
  detail: string;
  x: number;
  y: number;
  width: number;
  height: number;
  insideNetwork: boolean;
  status: LinkStatus;
}

export interface TopologyLink {
  id: string;
  source: string;
  target: string;
  sourceSide: 'top' | 'right' | 'bottom' | 'left';
  targetSide: 'top' | 'right' | 'bottom' | 'left';
  protection: string;
  checkIds: CheckId[];
  status: LinkStatus;
  /** Centre of the protection's label, placed in a gap between nodes (never on one); the link bends through it. */
  labelAt?: { x: number; y: number };
}

export interface Topology {
  nodes: TopologyNode[];
  links: TopologyLink[];
}

/**
 * Laid out at zoom 1 with text of 15 px and more, so that the diagram scrolls rather than shrinks
 * below that. Two columns inside the lab network (services, Elasticsearch) with a gap wide enough
 * for the longest link label; rows far enough apart for a label on a vertical link.
 */
export const NODE_WIDTH = 212;
export const NODE_HEIGHT = 60;
const DOOR_HEIGHT = 52;
/** Between two rows: room for one label (about 30 px high) with air above and below. */
const ROW_GAP = 58;
const ROW = NODE_HEIGHT + ROW_GAP;
/** Between the columns: room for "✓ HTTPS · kibana_system". */
const COLUMN_GAP = 252;
const SIDE_PADDING = 20;
const COLUMNS = { services: SIDE_PADDING, elasticsearch: SIDE_PADDING + NODE_WIDTH + COLUMN_GAP };
const DOOR_TOP = NODE_HEIGHT + ROW_GAP;
/** The two links from the door turn on this line, above the network's edge; their labels sit on it. */
const DOOR_LINKS_TURN = DOOR_TOP + DOOR_HEIGHT + 30;
const NETWORK_TOP = DOOR_LINKS_TURN + 30;
const NETWORK_PADDING_TOP = 26;
/** The network's name is written along its bottom edge, clear of the links that come in at the top. */
const NETWORK_PADDING_BOTTOM = 52;

export function buildTopology(spec: LabSpec, options: { checks?: CheckResult[]; components?: ComponentStatus[]; networkName?: string; subnet?: string } = {}): Topology {
  const esNodes = elasticsearchNodeNames(spec);
  const agents = spec.fleetServer ? agentNames(spec) : [];
  const byId = new Map((options.checks ?? []).map((check) => [check.id, check]));
  const proved = options.checks !== undefined;
  const statusOf = (ids: CheckId[]): LinkStatus => {
    if (!proved) return 'planned';
    const known = ids.map((id) => byId.get(id)?.status).filter((status): status is CheckStatus => status !== undefined);
    return known.length ? worstStatus(known) : 'pending';
  };
  const componentOf = (name: string) => options.components?.find((component) => component.component === name);
  const componentStatus = (name: string): LinkStatus => {
    const component = componentOf(name);
    if (!component) return proved ? 'pending' : 'planned';
    if (component.state !== 'running') return 'fail';
    return component.health === 'unhealthy' ? 'fail' : component.health === 'starting' ? 'pending' : 'pass';
  };
  const memoryOf = (name: string, fallback: string) => {
    const bytes = componentOf(name)?.memoryBytes;
    return bytes ? `${Math.round(bytes / 1024 ** 2) >= 1024 ? `${(bytes / 1024 ** 3).toFixed(0)} GB` : `${Math.round(bytes / 1024 ** 2)} MB`}` : fallback;
  };

  const nodes: TopologyNode[] = [];
  const links: TopologyLink[] = [];
  const inside = (partial: Omit<TopologyNode, 'width' | 'height' | 'insideNetwork'>) =>
    nodes.push({ ...partial, y: NETWORK_TOP + NETWORK_PADDING_TOP + partial.y, width: NODE_WIDTH, height: NODE_HEIGHT, insideNetwork: true });

  esNodes.forEach((name, index) =>
    inside({ id: name, kind: 'elasticsearch', label: name, detail: `ES node · ${memoryOf(name, spec.elasticsearch.memory)}`, x: COLUMNS.elasticsearch, y: index * ROW, status: componentStatus(name) }),
  );
  if (spec.kibana) inside({ id: 'kibana', kind: 'kibana', label: 'Kibana', detail: 'HTTPS :5601', x: COLUMNS.services, y: 0, status: componentStatus('kibana') });
  if (spec.fleetServer) inside({ id: 'fleet-server', kind: 'fleet-server', label: 'Fleet Server', detail: 'HTTPS :8220', x: COLUMNS.services, y: ROW, status: componentStatus('fleet-server') });
  // Agents stand under Fleet Server: the first one's link carries the label, the others join it from the side.
  agents.forEach((name, index) => inside({ id: name, kind: 'agent', label: name, detail: 'Elastic Agent', x: COLUMNS.services, y: (2 + index) * ROW, status: componentStatus(name) }));

  const contentBottom = Math.max(...nodes.map((node) => node.y + node.height));
  const networkWidth = COLUMNS.elasticsearch + NODE_WIDTH + SIDE_PADDING;
  const centre = networkWidth / 2 - NODE_WIDTH / 2;
  const network: TopologyNode = {
    id: 'lab-network',
    kind: 'network',
    label: options.networkName ?? `seclab-${spec.name}`,
    detail: options.subnet ? `lab network ${options.subnet}` : 'lab network (own bridge, fixed subnet)',
    x: 0,
    y: NETWORK_TOP,
    width: networkWidth,
    height: contentBottom - NETWORK_TOP + NETWORK_PADDING_BOTTOM,
    insideNetwork: false,
    status: statusOf(['network.dedicated', 'network.ip-filter']),
  };
  const host: TopologyNode = { id: 'host', kind: 'host', label: 'Your computer', detail: 'browser, CLI', x: centre, y: 0, width: NODE_WIDTH, height: NODE_HEIGHT, insideNetwork: false, status: 'planned' };
  const door: TopologyNode = {
    id: 'door',
    kind: 'door',
    label: '127.0.0.1',
    detail: 'the only way in',
    x: centre,
    y: DOOR_TOP,
    width: NODE_WIDTH,
    height: DOOR_HEIGHT,
    insideNetwork: false,
    status: statusOf(['network.loopback-only']),
  };
  nodes.unshift(network, host, door);

  const byNode = new Map(nodes.map((node) => [node.id, node]));
  const centreX = (id: string) => byNode.get(id)!.x + byNode.get(id)!.width / 2;
  const centreY = (id: string) => byNode.get(id)!.y + byNode.get(id)!.height / 2;
  /** Midway between a node's bottom and the next one's top (a vertical link's label). */
  const between = (upper: string, lower: string) => ({ x: centreX(upper), y: (byNode.get(upper)!.y + byNode.get(upper)!.height + byNode.get(lower)!.y) / 2 });
  /** In the gap between the columns, on the source's row (a horizontal link's label). */
  const acrossGap = (source: string) => ({ x: COLUMNS.services + NODE_WIDTH + COLUMN_GAP / 2, y: centreY(source) });

  const link = (source: string, target: string, sourceSide: TopologyLink['sourceSide'], targetSide: TopologyLink['targetSide'], protection: string, checkIds: CheckId[], labelAt?: TopologyLink['labelAt']) =>
    links.push({ id: `${source}->${target}`, source, target, sourceSide, targetSide, protection, checkIds, status: statusOf(checkIds), ...(labelAt ? { labelAt } : {}) });

  link('host', 'door', 'bottom', 'top', 'loopback only', ['network.loopback-only'], between('host', 'door'));
  if (spec.kibana) link('door', 'kibana', 'bottom', 'top', 'HTTPS', ['kibana.https', 'kibana.session'], { x: (centreX('door') + centreX('kibana')) / 2, y: DOOR_LINKS_TURN });
  link('door', esNodes[0], 'bottom', 'top', 'HTTPS + login', ['http.tls', 'http.cert-valid', 'auth.required'], { x: (centreX('door') + centreX(esNodes[0])) / 2, y: DOOR_LINKS_TURN });
  for (let index = 1; index < esNodes.length; index++) {
    link(esNodes[index - 1], esNodes[index], 'bottom', 'top', 'mutual TLS', ['transport.tls', 'transport.mutual-auth', 'transport.cluster-formed'], between(esNodes[index - 1], esNodes[index]));
  }
  if (spec.kibana) link('kibana', esNodes[0], 'right', 'left', 'HTTPS · kibana_system', ['kibana.es-tls-verified', 'auth.service-accounts'], acrossGap('kibana'));
  if (spec.fleetServer) {
    // With one node, the link runs along Fleet Server's row and climbs into es01 from below.
    const [target, targetSide] = esNodes.length > 1 ? [esNodes[1], 'left' as const] : [esNodes[0], 'bottom' as const];
    link('fleet-server', target, 'right', targetSide, 'HTTPS · service token', ['auth.service-accounts', 'fleet.server-tls'], acrossGap('fleet-server'));
  }
  // Every agent link carries the same protection: say it once, colour them all.
  agents.forEach((agent, index) =>
    index === 0
      ? link(agent, 'fleet-server', 'top', 'bottom', 'enrollment token', ['fleet.agent-enrolled', 'fleet.server-tls'], between('fleet-server', agent))
      : link(agent, 'fleet-server', 'left', 'left', '', ['fleet.agent-enrolled', 'fleet.server-tls']),
  );
  return { nodes, links };
}
