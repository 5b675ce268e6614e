import type { ExportedFile, ExportInput } from '../export-types.ts';
import { ECK_OPERATOR_NAMESPACE, ECK_VERSION, type EckNames } from './eck-names.ts';
import { LEFT_TO_ECK, type MappedSettings } from './eck-settings.ts';
import { memoryQuantity } from './eck-resources.ts';

const octal = (mode: number) => mode.toString(8).padStart(4, '0');

function leftOutTable(settings: { elasticsearch: MappedSettings; kibana?: MappedSettings }): string {
  const rows = [...settings.elasticsearch.leftOut.map((l) => ({ ...l, product: 'Elasticsearch' })), ...(settings.kibana?.leftOut ?? []).map((l) => ({ ...l, product: 'Kibana' }))];
  const byReason = new Map<string, string[]>();
  for (const row of rows) byReason.set(row.reason, [...(byReason.get(row.reason) ?? []), `\`${row.key}\``]);
  return [...byReason.entries()].map(([reason, keys]) => `- ${LEFT_TO_ECK[reason as keyof typeof LEFT_TO_ECK]}: ${[...new Set(keys)].join(', ')}`).join('\n');
}

/** The ECK export's README: the ECK version, the apply order, what maps to what, and how it was checked. */
export function eckReadme(input: ExportInput, names: EckNames, settings: { elasticsearch: MappedSettings; kibana?: MappedSettings }, files: ExportedFile[], nextSteps: string[]): string {
  const { plan } = input;
  const nodes = plan.containers.filter((c) => c.kind === 'elasticsearch');
  const has = (kind: string) => plan.containers.some((c) => c.kind === kind);
  const httpEndpoints = [
    { product: 'Elasticsearch', service: names.services.elasticsearch },
    ...(has('kibana') ? [{ product: 'Kibana', service: names.services.kibana }] : []),
    ...(has('fleet-server') ? [{ product: 'Fleet Server', service: names.services.fleetServer }] : []),
  ];
  const code = (text: string) => `\`${text}\``;
  const httpLine = `- **TLS, HTTP**: ${code('spec.http.tls.certificate.secretName')} on ${httpEndpoints.map((e) => e.product).join(', ')}: a Secret with ${code('tls.crt')}, ${code('tls.key')}, ${code('ca.crt')}. The lab CA issued one certificate per endpoint for ECK's Services (${httpEndpoints.map((e) => code(e.service)).join(', ')}, with their ${code(`.${names.namespace}.svc`)} forms) and ${code('localhost')}; they are kept in the lab's PKI folder beside the others (${code('eck-*-http')}).`;
  const memory = plan.containers.map((c) => `${c.component} ${memoryQuantity(c.memoryBytes)}`).join(', ');
  return `# Lab "${plan.lab}" for Elastic Cloud on Kubernetes

Exported by \`seclab export --format eck\`: the lab's plan (Elastic Stack ${plan.version}, ${nodes.length} Elasticsearch nodes${settings.kibana ? ', Kibana' : ''}${plan.containers.some((c) => c.kind === 'fleet-server') ? ', Fleet Server and its agents' : ''}) as ECK resources in the namespace \`${names.namespace}\`, with the lab's own CA, users, roles and keys.

## ECK version

These manifests target **ECK ${ECK_VERSION}** (API reference \`docs/reference/api-reference/3_5_0.md\` in elastic/cloud-on-k8s). Elastic Stack 9.x needs ECK 3.0 or later (ECK 3.0.0 release notes); ${ECK_VERSION} is the newest ECK release this export was written against. The resources use \`elasticsearch.k8s.elastic.co/v1\`, \`kibana.k8s.elastic.co/v1\` and \`agent.k8s.elastic.co/v1alpha1\`.

## Apply, in this order

From this folder:

\`\`\`sh
${nextSteps.join('\n')}
\`\`\`

1. ECK's CRDs and operator (namespace \`${ECK_OPERATOR_NAMESPACE}\`), once per cluster.
2. The namespace, then the Secrets and the CA ConfigMap: the stack's resources name them, so they come first.
3. The NetworkPolicies, before any pod starts.
4. Elasticsearch, Kibana, then Fleet Server and the agents (ECK waits for each reference to be ready).

Nothing is published outside the cluster: no Service is of type LoadBalancer or NodePort. \`kubectl port-forward --address 127.0.0.1\` is how the ports reach your machine, on loopback only, as \`seclab up\` publishes them; then ${plan.endpoints.elasticsearch} and ${plan.endpoints.kibana ?? 'Kibana'} verify against the lab CA (\`seclab certs\`). Sign in as \`lab_admin\`; \`seclab access --lab ${plan.lab}\` shows the passwords.

## How the lab maps to ECK

${httpLine}
- **TLS, transport**: \`spec.transport.tls.certificate.secretName\` holds the lab CA's \`ca.crt\` and \`ca.key\`, so ECK issues every node's transport certificate from the lab CA; \`spec.transport.tls.certificateAuthorities.configMapName\` (\`${names.configMaps.transportCa}\`, \`ca.crt\`) makes the lab CA the trusted one. The CA's private key is therefore in a Secret of this namespace: whoever may read Secrets there can issue certificates the lab trusts. ECK sets transport verification to \`certificate\` (the lab uses \`full\`; ECK refuses the setting).
- **Users and roles**: \`spec.auth.fileRealm\` (\`${names.secrets.fileRealm}\`: \`users\` with bcrypt hashes, \`users_roles\`) and \`spec.auth.roles\` (\`${names.secrets.roles}\`: \`roles.yml\`), with the plan's users (${plan.users.map((u) => u.username).join(', ')}) and roles (${plan.roles.map((r) => r.name).join(', ')}). \`spec.auth.disableElasticUser: true\`: \`lab_admin\` is the superuser to use, as in the lab.
- **Kibana**: its encryption keys are \`spec.secureSettings\` (\`${names.secrets.kibanaSecureSettings}\`), written into Kibana's keystore (ECK also puts keys of its own in kibana.yml; Kibana applies its keystore over kibana.yml, so the lab's keys are the ones in force); its connection to Elasticsearch is ECK's \`elasticsearchRef\`. Fleet is preconfigured in \`spec.config\` (\`xpack.fleet.agentPolicies\`, \`xpack.fleet.packages\`, outputs, Fleet Server host) as in ECK's Fleet recipe, with the lab's policy ids.
- **Fleet**: ECK Agents in Fleet mode: \`${names.fleetServer}\` with \`fleetServerEnabled: true\`, \`elasticsearchRefs\`, \`kibanaRef\`; each agent with \`fleetServerRef\` and \`kibanaRef\`. ECK makes the service token and enrollment tokens itself, so the lab's tokens are not exported. Agent state is an \`emptyDir\` named \`agent-data\`: ECK's default is a hostPath that a non-root agent cannot write (ECK's Fleet docs, "Storing local state in host path volume", name both ways; non-root agents need ECK 2.10 or later). An agent pod that is replaced therefore enrolls again. The agents have no Kubernetes service account rights: the lab's policies hold no Kubernetes integration.
- **IP filtering and loopback**: pods have no fixed IPs, so \`30-network-policies.yaml\` says it: ingress is denied to every pod of the namespace except Elasticsearch HTTP (9200) from Kibana, Fleet Server, the agents and the ECK operator; Elasticsearch transport (9300) from Elasticsearch pods only; Kibana (5601) from the operator only; Fleet Server (8220) from the agents and itself (it calls itself through its Service while Fleet is set up). Port-forwarding goes through the kubelet, not the pod network, so it still works. Egress is not restricted (Kibana downloads Fleet packages from Elastic's package registry). NetworkPolicies need a CNI that enforces them.
- **Pods**: every pod runs as the plan's user (\`runAsNonRoot\`, uid/gid from the plan's ${plan.containers[0]?.user ?? '1000:0'}, fsGroup 1000 as ECK sets it), seccomp \`RuntimeDefault\`, no privilege escalation, capabilities dropped (${[...new Set(plan.containers.flatMap((c) => c.capDrop))].join(', ')}), memory request = limit from the plan: ${memory}.

Settings of the plan not carried into \`spec.nodeSets[].config\` or Kibana's \`spec.config\`, and why:
${leftOutTable(settings)}

${plan.emulated ? "The plan uses seclab's emulated images: ECK runs Elastic's own scripts inside the images (init containers, the keystore tool), which the emulated images are not made for. Export a lab with Elastic's images (`--images official`) for ECK.\n\n" : ''}The plan's ulimits (memlock, nofile) have no per-pod form in Kubernetes: the nodes' defaults apply. Elasticsearch needs \`vm.max_map_count\` ≥ 262144 on each Kubernetes node, as it does on the Docker host.

## How this was checked

There was no Kubernetes cluster: these manifests have **not** been applied. seclab's tests check that every core
Kubernetes document (Namespace, Secret, ConfigMap, NetworkPolicy, and every pod template) passes the
\`kubernetes-models\` schemas (types, enums, required fields: unlike the ECK model, they let unknown fields pass); that every ECK resource passes a strict model of the ECK ${ECK_VERSION} fields it uses
(unknown or missing required fields refused, each field citing ECK's API reference); that no password, key or token
of the lab appears in any file but the Secrets file; and that the users' bcrypt hashes verify. Not checked: that ECK
reconciles these resources, that Fleet enrolls, that the NetworkPolicies admit exactly what they should on a real CNI.

## Files

| file | mode | what it is |
|---|---|---|
${files.map((file) => `| \`${file.path}\` | ${octal(file.mode)} | ${file.purpose}${file.secret ? ' (secret)' : ''} |`).join('\n')}
| \`README.md\` | 0644 | this guide |
`;
}
