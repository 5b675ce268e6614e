import { z } from 'zod';

/**
 * The ECK fields this export writes, as ECK 3.5.0 defines them. Strict objects: a field ECK
 * does not define, or a required one missing, is refused. Each field cites its reference:
 * elastic/cloud-on-k8s docs/reference/api-reference/3_5_0.md#<anchor> and the Go type it is read
 * into (pkg/apis/...). Pod templates are core Kubernetes PodTemplateSpecs: the tests check them
 * with kubernetes-models; here they only have to be objects.
 */

const podTemplate = z.record(z.string(), z.unknown()); // corev1.PodTemplateSpec
const config = z.record(z.string(), z.unknown()); // #config: commonv1.Config, free-form settings

// #secretref, pkg/apis/common/v1/common.go SecretRef: secretName.
const secretRef = z.strictObject({ secretName: z.string().min(1) });
// #configmapref, common.go ConfigMapRef: configMapName.
const configMapRef = z.strictObject({ configMapName: z.string().min(1) });
// #keytopath, common.go KeyToPath: key (required), path.
const keyToPath = z.strictObject({ key: z.string().min(1), path: z.string().optional() });
// #secretsource, common.go SecretSource: secretName (required), entries.
const secretSource = z.strictObject({ secretName: z.string().min(1), entries: z.array(keyToPath).optional() });
// #objectselector, common.go ObjectSelector: name, namespace, serviceName (secretName unused here).
const objectSelector = z.strictObject({ name: z.string().min(1), namespace: z.string().optional(), serviceName: z.string().optional() });
// #tlsoptions / #tlswithclientoptions, common.go TLSOptions: certificate (SecretRef with tls.crt, tls.key, ca.crt).
const httpConfig = z.strictObject({ tls: z.strictObject({ certificate: secretRef }) });

const metadata = z.strictObject({ name: z.string().min(1), namespace: z.string().min(1), labels: z.record(z.string(), z.string()).optional() });

// #transporttlsoptions, pkg/apis/elasticsearch/v1/elasticsearch_types.go TransportTLSOptions:
// certificate (ca.crt + ca.key of the CA that issues node certificates), certificateAuthorities (ConfigMap with ca.crt).
const transportConfig = z.strictObject({ tls: z.strictObject({ certificate: secretRef, certificateAuthorities: configMapRef }) });

// #nodeset, elasticsearch_types.go NodeSet: name and count required; config, podTemplate.
const nodeSet = z.strictObject({ name: z.string().min(1), count: z.number().int().min(1), config, podTemplate });

// #auth, elasticsearch_types.go Auth: roles (RoleSource), fileRealm (FileRealmSource), disableElasticUser.
const auth = z.strictObject({ roles: z.array(secretRef), fileRealm: z.array(secretRef), disableElasticUser: z.boolean() });

// #elasticsearch / #elasticsearchspec: apiVersion elasticsearch.k8s.elastic.co/v1, kind Elasticsearch;
// spec.version and spec.nodeSets required (no omitempty in ElasticsearchSpec).
export const elasticsearchSchema = z.strictObject({
  apiVersion: z.literal('elasticsearch.k8s.elastic.co/v1'),
  kind: z.literal('Elasticsearch'),
  metadata,
  spec: z.strictObject({
    version: z.string().min(1),
    image: z.string().optional(),
    http: httpConfig, // #httpconfigwithclientoptions
    transport: transportConfig, // #transportconfig
    nodeSets: z.array(nodeSet).min(1),
    auth,
  }),
});

// #kibana / #kibanaspec, pkg/apis/kibana/v1/kibana_types.go KibanaSpec: version required; count,
// elasticsearchRef (ElasticsearchSelector), config, http (HTTPConfig), podTemplate, secureSettings.
export const kibanaSchema = z.strictObject({
  apiVersion: z.literal('kibana.k8s.elastic.co/v1'),
  kind: z.literal('Kibana'),
  metadata,
  spec: z.strictObject({
    version: z.string().min(1),
    image: z.string().optional(),
    count: z.number().int().min(1),
    elasticsearchRef: objectSelector,
    config,
    http: httpConfig,
    podTemplate,
    secureSettings: z.array(secretSource).min(1),
  }),
});

// #agent / #agentspec, pkg/apis/agent/v1alpha1/agent_types.go AgentSpec: version required; mode
// (AgentMode: standalone | fleet), fleetServerEnabled, policyID, kibanaRef, elasticsearchRefs
// (Output: ElasticsearchSelector inline), fleetServerRef (FleetServerSelector), http, deployment
// (#deploymentspec: podTemplate, replicas).
export const agentSchema = z
  .strictObject({
    apiVersion: z.literal('agent.k8s.elastic.co/v1alpha1'),
    kind: z.literal('Agent'),
    metadata,
    spec: z.strictObject({
      version: z.string().min(1),
      image: z.string().optional(),
      mode: z.enum(['standalone', 'fleet']),
      fleetServerEnabled: z.boolean().optional(),
      policyID: z.string().min(1),
      kibanaRef: objectSelector,
      elasticsearchRefs: z.array(objectSelector).optional(),
      fleetServerRef: objectSelector.optional(),
      http: httpConfig.optional(),
      deployment: z.strictObject({ replicas: z.number().int().min(1), podTemplate }),
    }),
  })
  // AgentSpec's own rules in fleet mode (pkg/apis/agent/v1alpha1/validations.go): checkFleetServerOrFleetServerRef,
  // checkHTTPConfigOnlyForFleetServer, checkReferenceSetForMode, checkSingleESRefInFleetMode.
  .superRefine((agent, context) => {
    const { fleetServerEnabled, fleetServerRef, http, elasticsearchRefs = [] } = agent.spec;
    if (fleetServerEnabled && fleetServerRef) context.addIssue({ code: 'custom', message: 'enable Fleet Server or specify Fleet Server reference, not both' });
    if (!fleetServerEnabled && http) context.addIssue({ code: 'custom', message: "don't specify http configuration, it can't be set when Fleet Server is not enabled" });
    if (!fleetServerEnabled && elasticsearchRefs.length) context.addIssue({ code: 'custom', message: 'remove Elasticsearch reference: only a Fleet Server Agent has one in fleet mode' });
    if (elasticsearchRefs.length > 1) context.addIssue({ code: 'custom', message: "don't specify more than one Elasticsearch reference in fleet mode" });
    if (!fleetServerEnabled && !fleetServerRef) context.addIssue({ code: 'custom', message: 'an Agent enrolling in Fleet needs fleetServerRef (this export runs Fleet Server in the cluster)' });
  });

export const ECK_SCHEMAS: Record<string, z.ZodType> = {
  Elasticsearch: elasticsearchSchema,
  Kibana: kibanaSchema,
  Agent: agentSchema,
};
