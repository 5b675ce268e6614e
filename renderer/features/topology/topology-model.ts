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
}

export interface Topology {
  nodes: TopologyNode[];
  links: TopologyLink[];
}

const NODE_WIDTH = 240;
const NODE_HEIGHT = 64;
const ROW = 100;
const COLUMNS = { agents: 30, services: 410, elasticsearch: 830 };
const NETWORK_TOP = 200;
/** Room for the network's own label above the first row. */
const NETWORK_PADDING_TOP = 44;

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
  if (spec.fleetServer) inside({ id: 'fleet-server', kind: 'fleet-server', label: 'Fleet Server', detail: 'HTTPS :8220', x: COLUMNS.services, y: 2 * ROW, status: componentStatus('fleet-server') });
  agents.forEach((name, index) => inside({ id: name, kind: 'agent', label: name, detail: 'Elastic Agent', x: COLUMNS.agents, y: (2 + index) * ROW, status: componentStatus(name) }));

  const contentBottom = Math.max(...nodes.map((node) => node.y + node.height));
  const networkWidth = COLUMNS.elasticsearch + NODE_WIDTH + 30;
  const centre = networkWidth / 2 - NODE_WIDTH / 2;
  const network: TopologyNode = {
    id: 'lab-network',
    kind: 'network',
    label: options.networkName ?? `seclab-${spec.name}`,
    detail: options.subnet ? `lab network ${options.subnet}` : 'lab network (own bridge, fixed subnet)',
    x: 0,
    y: NETWORK_TOP,
    width: networkWidth,
    height: contentBottom - NETWORK_TOP + 30,
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
    y: NETWORK_TOP - 70,
    width: NODE_WIDTH,
    height: 54,
    insideNetwork: false,
    status: statusOf(['network.loopback-only']),
  };
  nodes.unshift(network, host, door);

  const link = (source: string, target: string, sourceSide: TopologyLink['sourceSide'], targetSide: TopologyLink['targetSide'], protection: string, checkIds: CheckId[]) =>
    links.push({ id: `${source}->${target}`, source, target, sourceSide, targetSide, protection, checkIds, status: statusOf(checkIds) });

  link('host', 'door', 'bottom', 'top', 'loopback only', ['network.loopback-only']);
  if (spec.kibana) link('door', 'kibana', 'bottom', 'top', 'HTTPS', ['kibana.https', 'kibana.session']);
  link('door', esNodes[0], 'bottom', 'top', 'HTTPS + login', ['http.tls', 'http.cert-valid', 'auth.required']);
  for (let index = 1; index < esNodes.length; index++) {
    link(esNodes[index - 1], esNodes[index], 'bottom', 'top', 'mutual TLS', ['transport.tls', 'transport.mutual-auth', 'transport.cluster-formed']);
  }
  if (spec.kibana) link('kibana', esNodes[0], 'right', 'left', 'HTTPS · kibana_system', ['kibana.es-tls-verified', 'auth.service-accounts']);
  if (spec.fleetServer) link('fleet-server', esNodes[Math.min(1, esNodes.length - 1)], 'right', 'left', 'HTTPS · service token', ['auth.service-accounts', 'fleet.server-tls']);
  // Every agent link carries the same protection: say it once, colour them all.
  agents.forEach((agent, index) => link(agent, 'fleet-server', 'right', 'left', index === 0 ? 'enrollment token' : '', ['fleet.agent-enrolled', 'fleet.server-tls']));
  return { nodes, links };
}
