import { COMPONENT_LABEL, LAB_LABEL, type ContainerPlan, type LabPlan } from '../../../../common/lab-plan.ts';
import { AGENT_POLICY_ID, FLEET_SERVER_POLICY_ID } from '../../planner/plan-lab.ts';
import { fleetRequests } from '../../stack/kibana-fleet-setup.ts';
import { ECK_OPERATOR_NAMESPACE, ECK_OPERATOR_POD_LABELS, ECK_POD_LABELS, type EckNames } from './eck-names.ts';
import { elasticsearchSettings, kibanaSettings, type MappedSettings } from './eck-settings.ts';

/** A Kubernetes document as written to YAML. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } } & Record<string, unknown>;

/**
 * ECK's default pod fsGroup for Elasticsearch and Kibana (pkg/controller/elasticsearch/nodespec/podspec.go,
 * pkg/controller/kibana/pod.go defaultFSGroup): volumes become writable by the image user.
 */
const ECK_FS_GROUP = 1000;
/** ECK's main container names (esv1.ElasticsearchContainerName, kbv1.KibanaContainerName, agentv1alpha1.AgentContainerName). */
const CONTAINER_NAME = { elasticsearch: 'elasticsearch', kibana: 'kibana', agent: 'agent' } as const;

/** Kubernetes quantity of a byte count: Gi or Mi where exact, bytes otherwise. */
export function memoryQuantity(bytes: number): string {
  if (bytes % 1024 ** 3 === 0) return `${bytes / 1024 ** 3}Gi`;
  if (bytes % 1024 ** 2 === 0) return `${bytes / 1024 ** 2}Mi`;
  return String(bytes);
}

function labLabels(plan: LabPlan, component?: string): Record<string, string> {
  return { [LAB_LABEL]: plan.lab, ...(component ? { [COMPONENT_LABEL]: component } : {}) };
}

/** The plan's user (1000:0), dropped capabilities and memory, as a pod template ECK merges into its own. */
function podTemplate(plan: LabPlan, container: ContainerPlan, containerName: string, env: Record<string, string>, volumes?: object[]) {
  const [runAsUser, runAsGroup] = container.user.split(':').map(Number);
  const memory = memoryQuantity(container.memoryBytes);
  return {
    metadata: { labels: labLabels(plan, container.kind === 'elasticsearch' ? 'elasticsearch' : container.component) },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser, runAsGroup, fsGroup: ECK_FS_GROUP, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: containerName,
          ...(Object.keys(env).length ? { env: Object.entries(env).map(([name, value]) => ({ name, value })) } : {}),
          // Memory request = limit: the plan's memory is what the container gets, never more, never less.
          resources: { requests: { memory }, limits: { memory } },
          securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: container.capDrop } },
        },
      ],
      ...(volumes ? { volumes } : {}),
    },
  };
}

export interface EckPki {
  caPem: string;
  caKeyPem: string;
  caFingerprintSha256: string;
  /** Leaf (chain) and key per ECK HTTP endpoint, issued by the lab CA for ECK's Service names. */
  http: Partial<Record<'elasticsearch' | 'kibana' | 'fleetServer', { certificatePem: string; keyPem: string }>>;
}

export interface EckSecretValues {
  /** setting → value, for Kibana's keystore. */
  kibanaSecureSettings: Record<string, string>;
  /** The file realm's `users` file (bcrypt hashes) and `users_roles`. */
  users: string;
  usersRoles: string;
  rolesYml: string;
}

const byKind = (plan: LabPlan, kind: ContainerPlan['kind']) => plan.containers.filter((c) => c.kind === kind);

/** The stack's settings mapped once, so the README can say what was left to ECK. */
export function mappedSettingsOf(plan: LabPlan): { elasticsearch: MappedSettings; kibana?: MappedSettings } {
  const nodes = byKind(plan, 'elasticsearch');
  const mapped = nodes.map(elasticsearchSettings);
  const differing = mapped.find((m) => JSON.stringify(m.config) !== JSON.stringify(mapped[0].config) || JSON.stringify(m.env) !== JSON.stringify(mapped[0].env));
  // One nodeSet: every node must carry the same settings once node-specific ones are left to ECK.
  if (differing) throw new Error('the ECK export needs every Elasticsearch node of the plan to share its settings');
  const kibana = byKind(plan, 'kibana')[0];
  return { elasticsearch: mapped[0], ...(kibana ? { kibana: kibanaSettings(kibana) } : {}) };
}

export function namespaceManifest(plan: LabPlan, names: EckNames): Manifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: names.namespace, labels: labLabels(plan) } };
}

export function secretManifests(plan: LabPlan, names: EckNames, pki: EckPki, values: EckSecretValues): Manifest[] {
  const secret = (name: string, stringData: Record<string, string>): Manifest => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace: names.namespace, labels: labLabels(plan) },
    type: 'Opaque',
    stringData,
  });
  const tls = (endpoint: keyof EckPki['http']) => {
    const entry = pki.http[endpoint];
    if (!entry) throw new Error(`no HTTP certificate was issued for ${endpoint}`);
    return { 'tls.crt': entry.certificatePem, 'tls.key': entry.keyPem, 'ca.crt': pki.caPem };
  };
  const hasKibana = byKind(plan, 'kibana').length > 0;
  const hasFleet = byKind(plan, 'fleet-server').length > 0;
  return [
    // spec.http.tls.certificate: tls.crt, tls.key, ca.crt (api-reference 3_5_0.md#tlsoptions).
    secret(names.secrets.elasticsearchHttpCertificate, tls('elasticsearch')),
    ...(hasKibana ? [secret(names.secrets.kibanaHttpCertificate, tls('kibana'))] : []),
    ...(hasFleet ? [secret(names.secrets.fleetServerHttpCertificate, tls('fleetServer'))] : []),
    // spec.transport.tls.certificate: the CA that issues node certificates, ca.crt and ca.key (#transporttlsoptions).
    secret(names.secrets.transportCa, { 'ca.crt': pki.caPem, 'ca.key': pki.caKeyPem }),
    // spec.auth.fileRealm: `users` and `users_roles` in the file realm's formats; spec.auth.roles: `roles.yml` (ECK users-and-roles docs).
    secret(names.secrets.fileRealm, { users: values.users, users_roles: values.usersRoles }),
    secret(names.secrets.roles, { 'roles.yml': values.rolesYml }),
    ...(hasKibana ? [secret(names.secrets.kibanaSecureSettings, values.kibanaSecureSettings)] : []),
  ];
}

export function caConfigMap(plan: LabPlan, names: EckNames, caPem: string): Manifest {
  // spec.transport.tls.certificateAuthorities: a ConfigMap whose `ca.crt` holds the trusted CAs (#transporttlsoptions).
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: names.configMaps.transportCa, namespace: names.namespace, labels: labLabels(plan) }, data: { 'ca.crt': caPem } };
}

export function elasticsearchManifest(plan: LabPlan, names: EckNames, settings: MappedSettings): Manifest {
  const nodes = byKind(plan, 'elasticsearch');
  return {
    apiVersion: 'elasticsearch.k8s.elastic.co/v1',
    kind: 'Elasticsearch',
    metadata: { name: names.elasticsearch, namespace: names.namespace, labels: labLabels(plan) },
    spec: {
      version: plan.version,
      image: nodes[0].image,
      http: { tls: { certificate: { secretName: names.secrets.elasticsearchHttpCertificate } } },
      transport: { tls: { certificate: { secretName: names.secrets.transportCa }, certificateAuthorities: { configMapName: names.configMaps.transportCa } } },
      nodeSets: [{ name: 'node', count: nodes.length, config: settings.config, podTemplate: podTemplate(plan, nodes[0], CONTAINER_NAME.elasticsearch, settings.env) }],
      auth: { roles: [{ secretName: names.secrets.roles }], fileRealm: [{ secretName: names.secrets.fileRealm }], disableElasticUser: true },
    },
  };
}

/** Fleet's preconfiguration in kibana.yml, as ECK's Fleet recipe (config/recipes/elastic-agent/fleet-kubernetes-integration-nonroot.yaml) gives it. */
function fleetConfig(plan: LabPlan, names: EckNames, caFingerprintSha256: string) {
  if (!byKind(plan, 'fleet-server').length) return {};
  const { has_fleet_server: _implied, ...fleetServerPolicy } = fleetRequests.fleetServerPolicy(FLEET_SERVER_POLICY_ID);
  const output = fleetRequests.output({ elasticsearchUrl: names.urls.elasticsearch, caPem: '', caFingerprintSha256 });
  return {
    'xpack.fleet.agents.fleet_server.hosts': [names.urls.fleetServer],
    // ECK 3.5 adds the Elasticsearch CA path to an output whose hosts hold its URL (pkg/controller/kibana/config_settings.go, injectFleetOutputCertificateAuthorities).
    'xpack.fleet.outputs': [{ id: 'lab-elasticsearch', name: output.name, type: output.type, hosts: output.hosts, is_default: true, is_default_monitoring: true, ca_trusted_fingerprint: caFingerprintSha256 }],
    'xpack.fleet.packages': [
      { name: 'fleet_server', version: 'latest' },
      { name: 'elastic_agent', version: 'latest' },
    ],
    'xpack.fleet.agentPolicies': [
      { ...fleetServerPolicy, package_policies: [{ id: 'fleet_server-1', name: 'fleet_server-1', package: { name: 'fleet_server' } }] },
      { ...fleetRequests.agentPolicy(AGENT_POLICY_ID), package_policies: [] },
    ],
  };
}

export function kibanaManifest(plan: LabPlan, names: EckNames, settings: MappedSettings, caFingerprintSha256: string): Manifest {
  const kibana = byKind(plan, 'kibana')[0];
  return {
    apiVersion: 'kibana.k8s.elastic.co/v1',
    kind: 'Kibana',
    metadata: { name: names.kibana, namespace: names.namespace, labels: labLabels(plan) },
    spec: {
      version: plan.version,
      image: kibana.image,
      count: 1,
      elasticsearchRef: { name: names.elasticsearch },
      config: { ...settings.config, ...fleetConfig(plan, names, caFingerprintSha256) },
      http: { tls: { certificate: { secretName: names.secrets.kibanaHttpCertificate } } },
      podTemplate: podTemplate(plan, kibana, CONTAINER_NAME.kibana, settings.env),
      // ECK also writes generated encryption keys into kibana.yml (pkg/controller/kibana/config_settings.go,
      // getOrCreateReusableSettings); Kibana merges its keystore over kibana.yml last (elastic/kibana
      // src/cli/serve/serve.js, applyConfigOverrides), so the lab's keys are the ones in force.
      secureSettings: [{ secretName: names.secrets.kibanaSecureSettings }],
    },
  };
}

/**
 * Agent data lives in a hostPath by default (pkg/controller/agent/pod.go createDataVolume), which a
 * non-root agent cannot write without a privileged helper; an emptyDir of the same name replaces it.
 */
const AGENT_DATA_VOLUME = { name: 'agent-data', emptyDir: {} };

export function agentManifests(plan: LabPlan, names: EckNames): Manifest[] {
  const fleetServer = byKind(plan, 'fleet-server')[0];
  if (!fleetServer) return [];
  const agent = (name: string, container: ContainerPlan, spec: object): Manifest => ({
    apiVersion: 'agent.k8s.elastic.co/v1alpha1',
    kind: 'Agent',
    metadata: { name, namespace: names.namespace, labels: labLabels(plan, container.component) },
    spec: {
      version: plan.version,
      image: container.image,
      mode: 'fleet',
      ...spec,
      kibanaRef: { name: names.kibana },
      deployment: { replicas: 1, podTemplate: podTemplate(plan, container, CONTAINER_NAME.agent, {}, [AGENT_DATA_VOLUME]) },
    },
  });
  return [
    agent(names.fleetServer, fleetServer, {
      fleetServerEnabled: true,
      policyID: String(fleetServer.env.FLEET_SERVER_POLICY_ID ?? FLEET_SERVER_POLICY_ID),
      elasticsearchRefs: [{ name: names.elasticsearch }],
      http: { tls: { certificate: { secretName: names.secrets.fleetServerHttpCertificate } } },
    }),
    ...byKind(plan, 'agent').map((container) => agent(container.component, container, { policyID: AGENT_POLICY_ID, fleetServerRef: { name: names.fleetServer } })),
  ];
}

/** Agents of this lab (Fleet Server among them), by ECK's agent name label. */
function agentPods(plan: LabPlan, names: EckNames) {
  const agents = [...(byKind(plan, 'fleet-server').length ? [names.fleetServer] : []), ...byKind(plan, 'agent').map((c) => c.component)];
  return agents.length ? [{ podSelector: { matchExpressions: [{ key: 'agent.k8s.elastic.co/name', operator: 'In', values: agents }] } }] : [];
}

const OPERATOR_PEER = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ECK_OPERATOR_NAMESPACE } }, podSelector: { matchLabels: ECK_OPERATOR_POD_LABELS } };

/**
 * The lab's IP filtering and loopback-only ports, the Kubernetes way: every pod of the namespace
 * refuses ingress unless a policy below lets a named peer in on a named port. Port-forwarding
 * reaches the pod through the kubelet, not the pod network, so these policies leave it working.
 */
export function networkPolicies(plan: LabPlan, names: EckNames): Manifest[] {
  const policy = (name: string, podSelector: object, ingress: object[]): Manifest => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: names.namespace, labels: labLabels(plan) },
    spec: { podSelector, policyTypes: ['Ingress'], ingress },
  });
  const tcp = (port: number) => [{ protocol: 'TCP', port }];
  const es = { matchLabels: ECK_POD_LABELS.elasticsearch(names.elasticsearch) };
  const hasKibana = byKind(plan, 'kibana').length > 0;
  const kibanaPeer = hasKibana ? [{ podSelector: { matchLabels: ECK_POD_LABELS.kibana(names.kibana) } }] : [];
  return [
    policy('default-deny-ingress', {}, []),
    // The lab's xpack.security.http.filter.allow: Kibana, Fleet Server, the agents; here also the operator, which manages the cluster over HTTP.
    policy('elasticsearch-http', es, [{ from: [...kibanaPeer, ...agentPods(plan, names), OPERATOR_PEER], ports: tcp(9200) }]),
    // The lab's xpack.security.transport.filter.allow: the Elasticsearch nodes only.
    policy('elasticsearch-transport', es, [{ from: [{ podSelector: es }], ports: tcp(9300) }]),
    // Kibana: only the operator (it sets Fleet up through Kibana's API); people come in by port-forward.
    ...(hasKibana ? [policy('kibana-http', { matchLabels: ECK_POD_LABELS.kibana(names.kibana) }, [{ from: [OPERATOR_PEER], ports: tcp(5601) }])] : []),
    // Fleet Server: the lab's agents, and Fleet Server itself: it calls itself through its Service while Fleet
    // is set up (ECK's Fleet known limitations, "Fleet Server initialization fails on minikube when CNI is disabled").
    ...(byKind(plan, 'fleet-server').length ? [policy('fleet-server-http', { matchLabels: ECK_POD_LABELS.agent(names.fleetServer) }, [{ from: agentPods(plan, names), ports: tcp(8220) }])] : []),
  ];
}
