import type { LabPlan } from '../../../../common/lab-plan.ts';

/**
 * ECK 3.x is the first line that runs Elastic Stack 9.x (ECK 3.0.0 release notes: "Elastic Stack
 * version 9.0.0 is not supported on ECK operators running versions earlier than 3.0.0"); 3.5.0 is
 * its newest release whose API reference this export was written against
 * (elastic/cloud-on-k8s docs/reference/api-reference/3_5_0.md).
 */
export const ECK_VERSION = '3.5.0';
export const ECK_OPERATOR_NAMESPACE = 'elastic-system';
/** The operator's pod label (elastic/cloud-on-k8s deploy/eck-operator/templates/_helpers.tpl). */
export const ECK_OPERATOR_POD_LABELS = { 'control-plane': 'elastic-operator' };
export const ECK_INSTALL = {
  crds: `https://download.elastic.co/downloads/eck/${ECK_VERSION}/crds.yaml`,
  operator: `https://download.elastic.co/downloads/eck/${ECK_VERSION}/operator.yaml`,
};

/** Pod labels ECK sets (pkg/controller/elasticsearch/label/label.go, pkg/controller/kibana, pkg/controller/agent/labels.go). */
export const ECK_POD_LABELS = {
  elasticsearch: (name: string) => ({ 'elasticsearch.k8s.elastic.co/cluster-name': name }),
  kibana: (name: string) => ({ 'kibana.k8s.elastic.co/name': name }),
  agent: (name: string) => ({ 'agent.k8s.elastic.co/name': name }),
};

/** One namespace per lab; the resources are named after the lab's components. */
export function eckNames(plan: LabPlan) {
  const namespace = `seclab-${plan.lab}`;
  const elasticsearch = 'elasticsearch';
  const kibana = 'kibana';
  const fleetServer = 'fleet-server';
  const svc = (service: string) => `${service}.${namespace}.svc`;
  return {
    namespace,
    elasticsearch,
    kibana,
    fleetServer,
    secrets: {
      elasticsearchHttpCertificate: 'elasticsearch-http-certificate',
      kibanaHttpCertificate: 'kibana-http-certificate',
      fleetServerHttpCertificate: 'fleet-server-http-certificate',
      transportCa: 'lab-ca-transport',
      fileRealm: 'lab-file-realm',
      roles: 'lab-roles',
      kibanaSecureSettings: 'kibana-secure-settings',
    },
    configMaps: { transportCa: 'lab-ca' },
    /** The HTTP Services ECK creates: <name>-es-http, <name>-kb-http, <name>-agent-http. */
    services: {
      elasticsearch: `${elasticsearch}-es-http`,
      kibana: `${kibana}-kb-http`,
      fleetServer: `${fleetServer}-agent-http`,
    },
    urls: {
      elasticsearch: `https://${svc(`${elasticsearch}-es-http`)}:9200`,
      fleetServer: `https://${svc(`${fleetServer}-agent-http`)}:8220`,
    },
    svc,
  };
}

export type EckNames = ReturnType<typeof eckNames>;
