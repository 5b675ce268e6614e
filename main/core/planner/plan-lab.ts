import {
  COMPONENT_LABEL,
  IMAGES_LABEL,
  KIND_LABEL,
  LAB_LABEL,
  VERSION_LABEL,
  type ComponentKind,
  type ContainerPlan,
  type KeystoreEntry,
  type LabPlan,
  type PlannedFile,
  type PlannedValue,
  type VolumeMount,
  type VolumePlan,
} from '../../../common/lab-plan.ts';
import { agentNames, elasticsearchNodeNames, memoryToBytes, type LabSpec } from '../../../common/lab-spec.ts';
import { componentAddresses, subnetOf, type LabAllocation } from './lab-addresses.ts';
import { certificateRequestsFor } from './certificate-requests.ts';
import { applyBreaks } from './plan-breaks.ts';
import type { BreakId } from '../../../common/workshop.ts';

const ES_HOME = '/usr/share/elasticsearch';
const KIBANA_HOME = '/usr/share/kibana';
const AGENT_HOME = '/usr/share/elastic-agent';
const UNLIMITED = -1;
export const FLEET_SERVER_POLICY_ID = 'fleet-server-policy';
export const AGENT_POLICY_ID = 'lab-agent-policy';
/** Inside the lab network: where agents find Fleet Server, and the output Fleet gives them. */
export const FLEET_SERVER_URL_IN_LAB = 'https://fleet-server:8220';
export const ELASTICSEARCH_URL_IN_LAB = 'https://es01:9200';
const KIBANA_MEMORY = 1024 ** 3;
const AGENT_MEMORY = 512 * 1024 ** 2;
/** The official image's config/elasticsearch.yml (distribution/docker/src/docker/config/elasticsearch.yml). */
const IMAGE_ELASTICSEARCH_YML = 'cluster.name: "docker-cluster"\nnetwork.host: 0.0.0.0\n';
/** Every lab container runs as uid 1000 under no-new-privileges: no product needs a capability. */
const DROP_ALL_CAPABILITIES = ['ALL'];

/** Checked often at first so `docker ps` shows health soon after start; the start period forgives slow official images. */
function healthcheck(command: string): ContainerPlan['healthcheck'] {
  return { test: ['CMD-SHELL', command], intervalSeconds: 5, timeoutSeconds: 5, retries: 12, startPeriodSeconds: 120 };
}

export const ELASTIC_REGISTRY = 'docker.elastic.co';

export const EMULATOR_IMAGE_PREFIX = 'seclab-emulator/';

export function imageFor(spec: LabSpec, product: 'elasticsearch' | 'kibana' | 'elastic-agent', registry = ELASTIC_REGISTRY): string {
  if (spec.images === 'emulated') return `${EMULATOR_IMAGE_PREFIX}${product}:${spec.version}`;
  return `${registry}/${product}/${product}:${spec.version}`;
}

export const containerNameOf = (lab: string, component: string) => `seclab-${lab}-${component}`;
export const networkNameOf = (lab: string) => `seclab-${lab}`;
export const volumeNameOf = (lab: string, component: string, purpose: VolumePlan['purpose']) => `seclab-${lab}-${component}-${purpose}`;

function labelsOf(lab: string, component?: string, kind?: string): Record<string, string> {
  return {
    [LAB_LABEL]: lab,
    ...(component ? { [COMPONENT_LABEL]: component } : {}),
    ...(kind ? { [KIND_LABEL]: kind } : {}),
  };
}

/** A component container's labels: what `listLabs` can read back from any seclab home, record or not. */
function containerLabelsOf(spec: LabSpec, component: string, kind: ComponentKind): Record<string, string> {
  return { ...labelsOf(spec.name, component, kind), [IMAGES_LABEL]: spec.images, [VERSION_LABEL]: spec.version };
}

function volume(lab: string, component: string, purpose: VolumePlan['purpose'], target: string): { plan: VolumePlan; mount: VolumeMount } {
  const name = volumeNameOf(lab, component, purpose);
  return {
    plan: { name, component, purpose, labels: labelsOf(lab, component) },
    mount: { type: 'volume', source: name, target, readOnly: false },
  };
}

/**
 * The agent image has no certs/ or state/ folder (Dockerfile.elastic-agent.tmpl creates data/ only),
 * so these volumes start root:root; with no-new-privileges the agent can't chown them itself
 * (elastic-agent#2435): "preparing STATE_PATH(...) failed: ... permission denied".
 */
function agentVolume(lab: string, component: string, purpose: 'certs' | 'state') {
  const { plan, mount } = volume(lab, component, purpose, `${AGENT_HOME}/${purpose}`);
  return { plan, mount: { ...mount, owner: { uid: 1000, gid: 0, mode: 0o770 } } };
}

/**
 * `elastic-agent status` exits 0 once the agent's own state is HEALTHY, whatever Fleet says
 * (status.go; coordinator.go keeps the Fleet state apart), so Fleet's state must be read too:
 * `fleet_state: 2` (HEALTHY) in its YAML output, read with sh and grep, which both images have.
 */
const AGENT_HEALTHCHECK = 'status=$(elastic-agent status --output yaml) && echo "$status" | grep -q \'^fleet_state: 2$\'';

function certificateFiles(certificate: string, dir: string): PlannedFile[] {
  return [
    { path: `${dir}/ca/ca.crt`, from: { certificate: 'ca', part: 'ca' }, mode: 0o644 },
    { path: `${dir}/${certificate}/${certificate}.crt`, from: { certificate, part: 'certificate' }, mode: 0o644 },
    { path: `${dir}/${certificate}/${certificate}.key`, from: { certificate, part: 'key' }, mode: 0o600 },
  ];
}

/** Settings that travel in env are the env; keystore entries show by name only. */
function settingsWithKeystore(settings: Record<string, PlannedValue>, keystore: KeystoreEntry[]): Record<string, PlannedValue> {
  const merged = { ...settings };
  for (const entry of keystore) merged[entry.setting] = { secret: entry.secret };
  return merged;
}

function planElasticsearchNode(spec: LabSpec, allocation: LabAllocation, node: string, index: number, addresses: Record<string, string>) {
  const ip = addresses[node];
  const nodes = elasticsearchNodeNames(spec);
  const config = volume(spec.name, node, 'config', `${ES_HOME}/config`);
  const data = volume(spec.name, node, 'data', `${ES_HOME}/data`);
  const memoryBytes = memoryToBytes(spec.elasticsearch.memory);
  const heapMegabytes = Math.floor(memoryBytes / 1024 ** 2 / 2);
  // Elastic's multi-node compose recipe, node by node (docs: install-elasticsearch-docker-compose).
  const settings: Record<string, string> = {
    'node.name': node,
    'cluster.name': `seclab-${spec.name}`,
    'network.host': '0.0.0.0',
    'bootstrap.memory_lock': allocation.memoryLock === false ? 'false' : 'true',
    'xpack.security.enabled': 'true',
    'xpack.security.http.ssl.enabled': 'true',
    'xpack.security.http.ssl.key': `certs/${node}/${node}.key`,
    'xpack.security.http.ssl.certificate': `certs/${node}/${node}.crt`,
    'xpack.security.http.ssl.certificate_authorities': 'certs/ca/ca.crt',
    'xpack.security.transport.ssl.enabled': 'true',
    'xpack.security.transport.ssl.key': `certs/${node}/${node}.key`,
    'xpack.security.transport.ssl.certificate': `certs/${node}/${node}.crt`,
    'xpack.security.transport.ssl.certificate_authorities': 'certs/ca/ca.crt',
    // Stricter than the recipe's `certificate`: node certificates carry each node's name and IP.
    'xpack.security.transport.ssl.verification_mode': 'full',
    'xpack.security.transport.ssl.client_authentication': 'required',
    'xpack.license.self_generated.type': spec.license,
    // start-local's fix for watermark stalls on small disks (start-local#19).
    'cluster.routing.allocation.disk.watermark.low': '1gb',
    'cluster.routing.allocation.disk.watermark.high': '1gb',
    'cluster.routing.allocation.disk.watermark.flood_stage': '1gb',
    'ingest.geoip.downloader.enabled': 'false',
  };
  const bootstrapSettings: Record<string, string> = {};
  if (nodes.length === 1) {
    settings['discovery.type'] = 'single-node';
  } else {
    // Only while the cluster forms: Elastic's docs say to remove it afterwards, and ES warns on
    // every restart while it stays (elasticsearch PR #92744). It goes in elasticsearch.yml, which
    // the orchestrator rewrites without it once the cluster has formed; env would keep it forever.
    bootstrapSettings['cluster.initial_master_nodes'] = nodes.join(',');
    settings['discovery.seed_hosts'] = nodes.filter((other) => other !== node).join(',');
  }
  if (spec.license === 'trial') {
    // Both need a trial (or paid) licence; DESIGN.md's network.ip-filter and audit.logging checks.
    settings['xpack.security.audit.enabled'] = 'true';
    settings['xpack.security.http.filter.enabled'] = 'true';
    // Only the lab's own components, and the host through the bridge gateway (published port), may call.
    settings['xpack.security.http.filter.allow'] = ['127.0.0.1', subnetOf(allocation.subnetIndex).gateway, ...Object.values(addresses)].join(',');
    settings['xpack.security.http.filter.deny'] = '_all';
    settings['xpack.security.transport.filter.enabled'] = 'true';
    settings['xpack.security.transport.filter.allow'] = nodes.map((other) => addresses[other]).join(',');
    settings['xpack.security.transport.filter.deny'] = '_all';
  }
  // As in Elastic's recipe, where ELASTIC_PASSWORD is set on es01 only: the lab's setup talks to the first node (its HTTP port is the
  // published one), whose bootstrap password authenticates `elastic` until the security index holds a password. The other nodes start
  // with no keystore, as Elastic's image ships none; each node's keystore written by a one-shot container of its own took a second of up.
  const keystore: KeystoreEntry[] = index === 0 ? [{ setting: 'bootstrap.password', secret: 'elastic-password' }] : [];
  const env: Record<string, PlannedValue> = { ...settings, ES_JAVA_OPTS: `-Xms${heapMegabytes}m -Xmx${heapMegabytes}m` };
  if (spec.images === 'emulated' && allocation.raiseFileLimit === false && allocation.fileLimitCap !== undefined) {
    // Emulated images only: the engine measured to cap open files below ES's bootstrap check. The
    // emulated node then logs the failure Elastic's image would exit 78 with, instead of exiting.
    env.SECLAB_EMULATOR_ENGINE_NOFILE_CAP = String(allocation.fileLimitCap);
  }
  const yml = `${ES_HOME}/config/elasticsearch.yml`;
  const bootstrapYml = Object.entries(bootstrapSettings)
    .map(
      ([key, value]) =>
        `${key}: [${value
          .split(',')
          .map((n) => `"${n}"`)
          .join(', ')}]\n`,
    )
    .join('');
  const container: ContainerPlan = {
    name: containerNameOf(spec.name, node),
    component: node,
    kind: 'elasticsearch',
    hostname: node,
    image: imageFor(spec, 'elasticsearch', allocation.officialRegistry),
    user: '1000:0',
    ip,
    // As in the recipe, only the first node publishes its HTTP port, and only on loopback.
    ports: index === 0 ? [{ hostIp: '127.0.0.1', hostPort: allocation.ports.elasticsearch, containerPort: 9200 }] : [],
    memoryBytes,
    ulimits: [...(allocation.memoryLock === false ? [] : [{ name: 'memlock', soft: UNLIMITED, hard: UNLIMITED }]), ...(allocation.raiseFileLimit === false ? [] : [{ name: 'nofile', soft: 65535, hard: 65535 }])],
    mounts: [config.mount, data.mount],
    labels: containerLabelsOf(spec, node, 'elasticsearch'),
    env,
    settings: settingsWithKeystore({ ...settings, ...bootstrapSettings }, keystore),
    keystore,
    files: [...certificateFiles(node, `${ES_HOME}/config/certs`), ...(bootstrapYml ? [{ path: yml, from: { text: IMAGE_ELASTICSEARCH_YML + bootstrapYml }, mode: 0o664 }] : [])],
    filesOnceFormed: bootstrapYml ? [{ path: yml, from: { text: IMAGE_ELASTICSEARCH_YML }, mode: 0o664 }] : [],
    capDrop: DROP_ALL_CAPABILITIES,
    // Elastic's Compose recipe's healthcheck: TLS verified against the lab CA, and security on.
    healthcheck: healthcheck("curl -s --cacert config/certs/ca/ca.crt https://localhost:9200 | grep -q 'missing authentication credentials'"),
    dependsOn: [],
  };
  return { container, volumes: [config.plan, data.plan] };
}

function planKibana(spec: LabSpec, allocation: LabAllocation, ip: string) {
  const config = volume(spec.name, 'kibana', 'config', `${KIBANA_HOME}/config`);
  const data = volume(spec.name, 'kibana', 'data', `${KIBANA_HOME}/data`);
  const settings: Record<string, string | string[]> = {
    'server.name': 'kibana',
    'server.host': '0.0.0.0',
    'server.publicBaseUrl': `https://localhost:${allocation.ports.kibana}`,
    'server.ssl.enabled': 'true',
    'server.ssl.certificate': 'config/certs/kibana/kibana.crt',
    'server.ssl.key': 'config/certs/kibana/kibana.key',
    'server.ssl.certificateAuthorities': 'config/certs/ca/ca.crt',
    // An array setting: from env it must arrive as a JSON array (kbn-config-schema refuses "TLSv1.2,TLSv1.3").
    'server.ssl.supportedProtocols': ['TLSv1.2', 'TLSv1.3'],
    'elasticsearch.hosts': elasticsearchNodeNames(spec).map((node) => `https://${node}:9200`),
    'elasticsearch.username': 'kibana_system',
    'elasticsearch.ssl.certificateAuthorities': 'config/certs/ca/ca.crt',
    'elasticsearch.ssl.verificationMode': 'full',
    'xpack.security.secureCookies': 'true',
    'xpack.security.sameSiteCookies': 'Strict',
    'xpack.security.session.idleTimeout': '1h',
    'xpack.security.session.lifespan': '8h',
  };
  const keystore: KeystoreEntry[] = [
    { setting: 'elasticsearch.password', secret: 'kibana-system-password' },
    { setting: 'xpack.security.encryptionKey', secret: 'kibana-security-encryption-key' },
    { setting: 'xpack.encryptedSavedObjects.encryptionKey', secret: 'kibana-saved-objects-encryption-key' },
    { setting: 'xpack.reporting.encryptionKey', secret: 'kibana-reporting-encryption-key' },
  ];
  // kibana-docker maps allow-listed settings from upper-cased env names (`.` → `_`) to `--setting=value`
  // flags, word-split; Kibana's CLI JSON-parses each flag value (src/cli/command.js), so arrays go as JSON.
  const env: Record<string, PlannedValue> = {};
  for (const [setting, value] of Object.entries(settings)) env[setting.toUpperCase().replace(/\./g, '_')] = Array.isArray(value) ? JSON.stringify(value) : value;
  const container: ContainerPlan = {
    name: containerNameOf(spec.name, 'kibana'),
    component: 'kibana',
    kind: 'kibana',
    hostname: 'kibana',
    image: imageFor(spec, 'kibana', allocation.officialRegistry),
    user: '1000:0',
    ip,
    ports: [{ hostIp: '127.0.0.1', hostPort: allocation.ports.kibana, containerPort: 5601 }],
    memoryBytes: KIBANA_MEMORY,
    ulimits: [],
    mounts: [config.mount, data.mount],
    labels: containerLabelsOf(spec, 'kibana', 'kibana'),
    env,
    settings: settingsWithKeystore(settings, keystore),
    keystore,
    files: certificateFiles('kibana', `${KIBANA_HOME}/config/certs`),
    filesOnceFormed: [],
    capDrop: DROP_ALL_CAPABILITIES,
    // The recipe's check (an unauthenticated visit is sent to the login page), over verified TLS.
    healthcheck: healthcheck("curl -s -I --cacert config/certs/ca/ca.crt https://localhost:5601 | grep -q 'HTTP/1.1 302 Found'"),
    dependsOn: elasticsearchNodeNames(spec),
  };
  return { container, volumes: [config.plan, data.plan] };
}

function planFleetServer(spec: LabSpec, allocation: LabAllocation, ip: string) {
  const certs = agentVolume(spec.name, 'fleet-server', 'certs');
  const state = agentVolume(spec.name, 'fleet-server', 'state');
  const tokenPath = `${AGENT_HOME}/certs/secrets/fleet-server-service-token`;
  const env: Record<string, PlannedValue> = {
    FLEET_SERVER_ENABLE: '1',
    FLEET_SERVER_HOST: '0.0.0.0',
    FLEET_SERVER_PORT: '8220',
    FLEET_SERVER_POLICY_ID: FLEET_SERVER_POLICY_ID,
    // Fleet Server starts while Kibana starts (up-lab.ts) and must outlast that wait and Fleet setup
    // (official images: up to 6 min each) before its input reports DEGRADED or HEALTHY; the default 2m
    // would end the container first (enroll_cmd.go waitForFleetServer). `up` keeps its own deadlines.
    FLEET_SERVER_TIMEOUT: '15m',
    FLEET_SERVER_ELASTICSEARCH_HOST: ELASTICSEARCH_URL_IN_LAB,
    FLEET_SERVER_ELASTICSEARCH_CA: `${AGENT_HOME}/certs/ca/ca.crt`,
    // The token is a file, never an env value (docs: agent-environment-variables, *_PATH form).
    FLEET_SERVER_SERVICE_TOKEN_PATH: tokenPath,
    FLEET_SERVER_CERT: `${AGENT_HOME}/certs/fleet-server/fleet-server.crt`,
    FLEET_SERVER_CERT_KEY: `${AGENT_HOME}/certs/fleet-server/fleet-server.key`,
    // A custom FLEET_SERVER_CERT needs it ("url is required when a certificate is provided":
    // enroll_cmd.go prepareFleetTLS). Before 9.5.2 a co-located Fleet Server enrolls again on every
    // restart, with or without it (elastic-agent#15922): the lab spec asks for 9.5.2 with a Fleet Server.
    FLEET_URL: FLEET_SERVER_URL_IN_LAB,
    FLEET_CA: `${AGENT_HOME}/certs/ca/ca.crt`,
  };
  const container: ContainerPlan = {
    name: containerNameOf(spec.name, 'fleet-server'),
    component: 'fleet-server',
    kind: 'fleet-server',
    hostname: 'fleet-server',
    image: imageFor(spec, 'elastic-agent', allocation.officialRegistry),
    user: '1000:0',
    ip,
    ports: [{ hostIp: '127.0.0.1', hostPort: allocation.ports.fleetServer, containerPort: 8220 }],
    memoryBytes: AGENT_MEMORY,
    ulimits: [],
    mounts: [certs.mount, state.mount],
    labels: containerLabelsOf(spec, 'fleet-server', 'fleet-server'),
    env,
    settings: { ...env, 'fleet-server.service_token': { secret: 'fleet-server-service-token' } },
    keystore: [],
    files: [...certificateFiles('fleet-server', `${AGENT_HOME}/certs`), { path: tokenPath, from: { secret: 'fleet-server-service-token' }, mode: 0o600 }],
    filesOnceFormed: [],
    capDrop: DROP_ALL_CAPABILITIES,
    healthcheck: healthcheck('curl -s --cacert certs/ca/ca.crt https://localhost:8220/api/status | grep -q HEALTHY'),
    dependsOn: ['kibana'],
  };
  return { container, volumes: [certs.plan, state.plan] };
}

function planAgent(spec: LabSpec, allocation: LabAllocation, agent: string, ip: string) {
  const certs = agentVolume(spec.name, agent, 'certs');
  const state = agentVolume(spec.name, agent, 'state');
  const env: Record<string, PlannedValue> = {
    FLEET_ENROLL: '1',
    FLEET_URL: FLEET_SERVER_URL_IN_LAB,
    FLEET_CA: `${AGENT_HOME}/certs/ca/ca.crt`,
    // Elastic's agent image reads the enrollment token only from this variable.
    FLEET_ENROLLMENT_TOKEN: { secret: 'agent-enrollment-token' },
  };
  const container: ContainerPlan = {
    name: containerNameOf(spec.name, agent),
    component: agent,
    kind: 'agent',
    hostname: agent,
    image: imageFor(spec, 'elastic-agent', allocation.officialRegistry),
    user: '1000:0',
    ip,
    ports: [],
    memoryBytes: AGENT_MEMORY,
    ulimits: [],
    mounts: [certs.mount, state.mount],
    labels: containerLabelsOf(spec, agent, 'agent'),
    env,
    settings: { ...env },
    keystore: [],
    files: [{ path: `${AGENT_HOME}/certs/ca/ca.crt`, from: { certificate: 'ca', part: 'ca' }, mode: 0o644 }],
    filesOnceFormed: [],
    capDrop: DROP_ALL_CAPABILITIES,
    healthcheck: healthcheck(AGENT_HEALTHCHECK),
    dependsOn: ['fleet-server'],
  };
  return { container, volumes: [certs.plan, state.plan] };
}

export interface PlanOptions {
  /** Workshop: layers to turn off on purpose (plan-breaks.ts); the plan without them is the secured lab. */
  broken?: readonly BreakId[];
}

/** Pure: the same spec, allocation and options always give the same plan. */
export function planLab(spec: LabSpec, allocation: LabAllocation, options: PlanOptions = {}): LabPlan {
  return applyBreaks(planSecuredLab(spec, allocation), options.broken ?? []);
}

function planSecuredLab(spec: LabSpec, allocation: LabAllocation): LabPlan {
  const addresses = componentAddresses(spec, allocation.subnetIndex);
  const parts = [
    ...elasticsearchNodeNames(spec).map((node, index) => planElasticsearchNode(spec, allocation, node, index, addresses)),
    ...(spec.kibana ? [planKibana(spec, allocation, addresses.kibana)] : []),
    ...(spec.fleetServer ? [planFleetServer(spec, allocation, addresses['fleet-server'])] : []),
    ...agentNames(spec).map((agent) => planAgent(spec, allocation, agent, addresses[agent])),
  ];
  const { subnet, gateway } = subnetOf(allocation.subnetIndex);
  return {
    lab: spec.name,
    version: spec.version,
    images: spec.images,
    emulated: spec.images === 'emulated',
    license: spec.license,
    network: { name: networkNameOf(spec.name), subnet, gateway, labels: labelsOf(spec.name) },
    volumes: parts.flatMap((part) => part.volumes),
    containers: parts.map((part) => part.container),
    roles: [
      { name: 'lab_analyst', cluster: [], indices: [{ names: ['lab-*'], privileges: ['read', 'view_index_metadata'] }], description: 'reads lab-* indices, nothing else' },
      { name: 'lab_writer', cluster: [], indices: [{ names: ['lab-logs-*'], privileges: ['create_doc', 'create_index', 'read'] }], description: 'writes new documents to lab-logs-*, reads them back' },
    ],
    users: [
      { username: 'analyst', roles: ['lab_analyst'], secret: 'analyst-password', description: 'read lab-*, nothing else' },
      { username: 'writer', roles: ['lab_writer'], secret: 'writer-password', description: 'add documents to lab-logs-*' },
      { username: 'lab_admin', roles: ['superuser'], secret: 'lab-admin-password', description: 'administers the lab (use it instead of elastic)' },
    ],
    endpoints: {
      elasticsearch: `https://localhost:${allocation.ports.elasticsearch}`,
      ...(spec.kibana ? { kibana: `https://localhost:${allocation.ports.kibana}` } : {}),
      ...(spec.fleetServer ? { fleetServer: `https://localhost:${allocation.ports.fleetServer}` } : {}),
    },
  };
}

export { certificateRequestsFor };
