import { cpus, loadavg, totalmem, freemem } from 'node:os';
import type { Route, RouteContext } from '../rest-request.js';
import { ok, parseDuration, queryFlag } from '../rest-request.js';
import { guardCluster } from '../guard.js';
import { ElasticsearchError, masterNotDiscovered } from '../rest-errors.js';
import { EMULATED_VERSION, TAGLINE } from '../../version.js';
import { nestSettings } from '../../cluster/dynamic-settings.js';
import { licenseBody } from '../../license.js';
import type { DiscoveryNode, PublishedState } from '../../cluster/cluster-state.js';
import { roleLetters } from '../../cluster/discovery-node.js';
import { jsonBody } from '../rest-request.js';

function root(context: RouteContext) {
  guardCluster(context, 'cluster:monitor/main');
  const { node } = context;
  return ok({
    name: node.config.nodeName,
    cluster_name: node.config.clusterName,
    cluster_uuid: node.metadata().clusterUuid || '_na_',
    version: EMULATED_VERSION,
    tagline: TAGLINE,
  });
}

/** Shard arithmetic for health: one primary per index plus replicas assigned to other data nodes. */
export function clusterHealthBody(state: PublishedState, clusterName: string) {
  const dataNodes = state.nodes.filter((n) => n.roles.some((role) => role.startsWith('data'))).length;
  let primaries = 0;
  let active = 0;
  let unassigned = 0;
  for (const index of Object.values(state.metadata.indices)) {
    const shardCount = index.settings.number_of_shards;
    const replicas = index.settings.number_of_replicas;
    const assignedCopies = dataNodes === 0 ? 0 : Math.min(1 + replicas, dataNodes);
    primaries += dataNodes === 0 ? 0 : shardCount;
    active += assignedCopies * shardCount;
    unassigned += (1 + replicas - assignedCopies) * shardCount;
  }
  const status = unassigned === 0 ? 'green' : primaries === 0 && Object.keys(state.metadata.indices).length > 0 ? 'red' : 'yellow';
  const total = active + unassigned;
  return {
    cluster_name: clusterName,
    status,
    timed_out: false,
    number_of_nodes: state.nodes.length,
    number_of_data_nodes: dataNodes,
    active_primary_shards: primaries,
    active_shards: active,
    relocating_shards: 0,
    initializing_shards: 0,
    unassigned_shards: unassigned,
    unassigned_primary_shards: 0,
    delayed_unassigned_shards: 0,
    number_of_pending_tasks: 0,
    number_of_in_flight_fetch: 0,
    task_max_waiting_in_queue_millis: 0,
    active_shards_percent_as_number: total === 0 ? 100.0 : (active / total) * 100,
  };
}

const STATUS_RANK: Record<string, number> = { red: 0, yellow: 1, green: 2 };

/**
 * ClusterHealthResponse with level=indices|shards: one ClusterIndexHealth per index (closed ones included, their
 * shards are replicated since 7.2), and per shard with level=shards. Same arithmetic as the cluster totals.
 */
function healthLevels(state: PublishedState, level: string | null) {
  if (level !== 'indices' && level !== 'shards') return {};
  const dataNodes = state.nodes.filter((n) => n.roles.some((role) => role.startsWith('data'))).length;
  const indices = Object.fromEntries(
    Object.entries(state.metadata.indices)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, index]) => {
        const shardCount = index.settings.number_of_shards;
        const replicas = index.settings.number_of_replicas;
        const copies = dataNodes === 0 ? 0 : Math.min(1 + replicas, dataNodes);
        const unassignedPerShard = 1 + replicas - copies;
        const shardStatus = copies === 0 ? 'red' : unassignedPerShard > 0 ? 'yellow' : 'green';
        const entry: Record<string, unknown> = {
          status: shardStatus,
          number_of_shards: shardCount,
          number_of_replicas: replicas,
          active_primary_shards: copies === 0 ? 0 : shardCount,
          active_shards: copies * shardCount,
          relocating_shards: 0,
          initializing_shards: 0,
          unassigned_shards: unassignedPerShard * shardCount,
          unassigned_primary_shards: copies === 0 ? shardCount : 0,
        };
        if (level === 'shards') {
          entry.shards = Object.fromEntries(
            Array.from({ length: shardCount }, (_, shard) => [
              String(shard),
              {
                status: shardStatus,
                primary_active: copies > 0,
                active_shards: copies,
                relocating_shards: 0,
                initializing_shards: 0,
                unassigned_shards: unassignedPerShard,
                unassigned_primary_shards: copies === 0 ? 1 : 0,
              },
            ]),
          );
        }
        return [name, entry];
      }),
  );
  return { indices };
}

function nodesConditionMet(expression: string, count: number): boolean {
  const match = /^(>=|<=|>|<|ge\(|le\(|gt\(|lt\()?(\d+)\)?$/.exec(expression.trim());
  if (!match) throw new ElasticsearchError(400, 'illegal_argument_exception', `cannot parse wait_for_nodes [${expression}]`);
  const wanted = Number(match[2]);
  switch (match[1]) {
    case '>=':
    case 'ge(':
      return count >= wanted;
    case '<=':
    case 'le(':
      return count <= wanted;
    case '>':
    case 'gt(':
      return count > wanted;
    case '<':
    case 'lt(':
      return count < wanted;
    default:
      return count === wanted;
  }
}

async function health(context: RouteContext) {
  guardCluster(context, 'cluster:monitor/health');
  const { node, request } = context;
  const timeout = parseDuration(request.query.get('timeout'), 30000);
  const masterTimeout = parseDuration(request.query.get('master_timeout'), timeout);
  if (!(await node.waitFor(() => node.masterNode() !== undefined, masterTimeout))) throw masterNotDiscovered();
  const waitForNodes = request.query.get('wait_for_nodes');
  const waitForStatus = request.query.get('wait_for_status');
  const satisfied = () => {
    const state = node.appliedState();
    if (!state || !node.masterNode()) return false;
    const body = clusterHealthBody(state, node.config.clusterName);
    if (waitForNodes && !nodesConditionMet(waitForNodes, body.number_of_nodes)) return false;
    if (waitForStatus && STATUS_RANK[body.status]! < (STATUS_RANK[waitForStatus] ?? 2)) return false;
    return true;
  };
  const met = waitForNodes || waitForStatus ? await node.waitFor(satisfied, timeout) : true;
  const state = node.appliedState();
  if (!state) throw masterNotDiscovered();
  const body = { ...clusterHealthBody(state, node.config.clusterName), timed_out: !met, ...healthLevels(state, request.query.get('level')) };
  // ES answers 408 Request Timeout when the wait_for condition was not met in time.
  return ok(body, met ? 200 : 408);
}

function catNodes(context: RouteContext) {
  guardCluster(context, 'cluster:monitor/nodes/info');
  const { node, request } = context;
  const state = node.appliedState();
  const nodes = state && node.masterNode() ? state.nodes : [node.localNode];
  const masterId = node.masterNode()?.id;
  const heap = String(Math.round((process.memoryUsage().heapUsed / process.memoryUsage().heapTotal) * 100));
  const ram = String(Math.round(((totalmem() - freemem()) / totalmem()) * 100));
  const [l1, l5, l15] = loadavg().map((value) => value.toFixed(2));
  const rows = nodes.map((entry: DiscoveryNode) => ({
    ip: entry.ip,
    'heap.percent': heap,
    'ram.percent': ram,
    cpu: String(Math.min(100, Math.round((Number(l1) / cpus().length) * 100))),
    load_1m: l1!,
    load_5m: l5!,
    load_15m: l15!,
    'node.role': roleLetters(entry.roles) || '-',
    master: entry.id === masterId ? '*' : '-',
    name: entry.name,
    id: entry.id.slice(0, 4),
    'node.id': entry.id,
    port: entry.transportAddress.split(':').pop()!,
    http_address: entry.httpAddress,
    version: EMULATED_VERSION.number,
  }));
  const defaultColumns = ['ip', 'heap.percent', 'ram.percent', 'cpu', 'load_1m', 'load_5m', 'load_15m', 'node.role', 'master', 'name'];
  const aliases: Record<string, string> = {
    nodeRole: 'node.role',
    r: 'node.role',
    role: 'node.role',
    m: 'master',
    n: 'name',
    i: 'ip',
    hp: 'heap.percent',
    rp: 'ram.percent',
    v: 'version',
    http: 'http_address',
    nodeId: 'node.id',
  };
  const columns =
    request.query
      .get('h')
      ?.split(',')
      .map((column) => aliases[column] ?? column) ?? defaultColumns;
  const selected = rows.map((row) => Object.fromEntries(columns.map((column) => [column, (row as Record<string, string>)[column] ?? null])));
  return catResult(request.query, columns, selected);
}

/** _cat APIs: aligned text columns by default (header only with ?v), JSON objects of strings with format=json. */
export function catResult(query: URLSearchParams, columns: string[], rows: Array<Record<string, string | null>>) {
  if (query.get('format') === 'json') return ok(rows);
  const verbose = query.has('v') && query.get('v') !== 'false';
  const table = verbose ? [Object.fromEntries(columns.map((c) => [c, c])), ...rows] : rows;
  const widths = columns.map((column) => Math.max(...table.map((row) => String(row[column] ?? '').length), 0));
  const text = table
    .map((row) =>
      columns
        .map((column, index) => String(row[column] ?? '').padEnd(widths[index]!))
        .join(' ')
        .trimEnd(),
    )
    .join('\n');
  return { status: 200, body: text + (text ? '\n' : ''), headers: { 'content-type': 'text/plain; charset=UTF-8' } };
}

function nodesInfo(context: RouteContext) {
  guardCluster(context, 'cluster:monitor/nodes/info');
  const { node } = context;
  const state = node.appliedState();
  const nodes = state && node.masterNode() ? state.nodes : [node.localNode];
  const filter = context.params.nodeId;
  const selected = nodes.filter(
    (entry) =>
      !filter || filter === '_all' || filter.split(',').some((f) => f === entry.id || f === entry.name || (f === '_local' && entry.id === node.localNode.id) || (f === '_master' && entry.id === node.masterNode()?.id)),
  );
  return ok({
    _nodes: { total: selected.length, successful: selected.length, failed: 0 },
    cluster_name: node.config.clusterName,
    nodes: Object.fromEntries(
      selected.map((entry) => [
        entry.id,
        {
          name: entry.name,
          transport_address: entry.transportAddress,
          host: entry.ip,
          ip: entry.ip,
          version: EMULATED_VERSION.number,
          transport_version: 9112007,
          index_version: 9033000,
          build_flavor: EMULATED_VERSION.build_flavor,
          build_type: EMULATED_VERSION.build_type,
          build_hash: EMULATED_VERSION.build_hash,
          roles: [...entry.roles].sort(),
          attributes: {},
          http: { bound_address: [entry.httpAddress], publish_address: entry.httpAddress, max_content_length_in_bytes: 104857600 },
          transport: { bound_address: [entry.transportAddress], publish_address: entry.transportAddress, profiles: {} },
        },
      ]),
    ),
  });
}

function getClusterSettings(context: RouteContext) {
  guardCluster(context, 'cluster:monitor/state');
  const metadata = context.node.metadata();
  const flat = queryFlag(context.request, 'flat_settings');
  const shape = (settings: Record<string, unknown>) => (flat ? settings : nestSettings(settings));
  return ok({ persistent: shape(metadata.persistentSettings), transient: shape(metadata.transientSettings) });
}

async function putClusterSettings(context: RouteContext) {
  guardCluster(context, 'cluster:admin/settings/update');
  const body = jsonBody<{ persistent?: Record<string, unknown>; transient?: Record<string, unknown> }>(context.request, true)!;
  return context.node.submit({ kind: 'put_cluster_settings', persistent: body.persistent ?? {}, transient: body.transient ?? {} }, 30000);
}

function xpackInfo(context: RouteContext) {
  guardCluster(context, 'cluster:monitor/xpack/info');
  const license = context.node.metadata().license;
  const paid = license?.type === 'trial';
  const feature = (available: boolean, enabled = true) => ({ available, enabled });
  return ok({
    build: { hash: EMULATED_VERSION.build_hash, date: EMULATED_VERSION.build_date },
    license: license ? { uid: license.uid, type: license.type, mode: license.type, status: 'active', ...(license.expiryDate ? { expiry_date_in_millis: license.expiryDate } : {}) } : null,
    features: {
      security: feature(true, context.node.config.securityEnabled),
      monitoring: feature(true),
      ml: feature(paid),
      watcher: feature(paid),
      graph: feature(paid),
      ilm: feature(true),
      transform: feature(true),
      enterprise_search: feature(paid),
      searchable_snapshots: feature(paid),
      ccr: feature(paid),
    },
    tagline: 'You know, for X',
  });
}

function getLicense(context: RouteContext) {
  guardCluster(context, 'cluster:monitor/xpack/license/get');
  const license = context.node.metadata().license;
  if (!license) return ok({}, 404);
  return ok(licenseBody(license, context.node.config.clusterName));
}

async function startTrial(context: RouteContext) {
  guardCluster(context, 'cluster:admin/xpack/license/start_trial');
  if (!queryFlag(context.request, 'acknowledge')) {
    return ok({
      acknowledged: false,
      trial_was_started: false,
      error_message: 'Operation failed: Needs acknowledgement.',
      acknowledge: {
        message:
          'This API initiates a free 30-day trial for all platinum features. By starting this trial, you agree that it is subject to the terms and conditions at https://www.elastic.co/legal/trial_license/. To begin your free trial, call /start_trial again and specify the "acknowledge=true" parameter.',
      },
    });
  }
  return context.node.submit({ kind: 'start_trial', uid: randomUuid(), now: context.node.now() }, 30000);
}

async function startBasic(context: RouteContext) {
  guardCluster(context, 'cluster:admin/xpack/license/start_basic');
  if (!queryFlag(context.request, 'acknowledge') && context.node.metadata().license?.type === 'trial') {
    return ok({
      acknowledged: false,
      basic_was_started: false,
      error_message: 'Operation failed: Needs acknowledgement.',
      acknowledge: {
        message: 'This license update requires acknowledgement. To acknowledge the license, please read the following messages and call /start_basic again, this time with the "acknowledge=true" parameter:',
      },
    });
  }
  return context.node.submit({ kind: 'start_basic', uid: randomUuid(), now: context.node.now() }, 30000);
}

function trialStatus(context: RouteContext) {
  guardCluster(context, 'cluster:monitor/xpack/license/get');
  return ok({ eligible_to_start_trial: !context.node.metadata().license?.trialUsed });
}

function basicStatus(context: RouteContext) {
  guardCluster(context, 'cluster:monitor/xpack/license/get');
  return ok({ eligible_to_start_basic: context.node.metadata().license?.type !== 'basic' });
}

function sslCertificates(context: RouteContext) {
  guardCluster(context, 'cluster:monitor/xpack/ssl/certificates/get');
  const seen = new Set<string>();
  // SSLService.getLoadedCertificates is a set of CertificateInfo (equal when every field is): a file shared by the
  // transport and http contexts is one entry; TransportGetCertificateInfoAction returns them in CertificateInfo's
  // natural order (path, then alias, then serial number).
  const entries = [...(context.node.ssl.transport?.certificateInfo ?? []), ...(context.node.ssl.http?.certificateInfo ?? [])].filter((entry) => {
    const key = JSON.stringify(entry);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  entries.sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : left.serial_number < right.serial_number ? -1 : left.serial_number > right.serial_number ? 1 : 0));
  return ok(entries);
}

function randomUuid(): string {
  return crypto.randomUUID();
}

export const clusterRoutes: Route[] = [
  { methods: ['GET'], pattern: '/', handler: root },
  { methods: ['GET'], pattern: '/_cluster/health', handler: health },
  { methods: ['GET'], pattern: '/_cluster/health/{index}', handler: health },
  { methods: ['GET'], pattern: '/_cat/nodes', handler: catNodes },
  { methods: ['GET'], pattern: '/_nodes', handler: nodesInfo },
  { methods: ['GET'], pattern: '/_nodes/{nodeId}', handler: nodesInfo },
  { methods: ['GET'], pattern: '/_nodes/{nodeId}/{metric}', handler: nodesInfo },
  { methods: ['GET'], pattern: '/_cluster/settings', handler: getClusterSettings },
  { methods: ['PUT'], pattern: '/_cluster/settings', handler: putClusterSettings },
  { methods: ['GET'], pattern: '/_xpack', handler: xpackInfo },
  { methods: ['GET'], pattern: '/_license', handler: getLicense },
  { methods: ['POST'], pattern: '/_license/start_trial', handler: startTrial },
  { methods: ['POST'], pattern: '/_license/start_basic', handler: startBasic },
  { methods: ['GET'], pattern: '/_license/trial_status', handler: trialStatus },
  { methods: ['GET'], pattern: '/_license/basic_status', handler: basicStatus },
  { methods: ['GET'], pattern: '/_ssl/certificates', handler: sslCertificates },
];
