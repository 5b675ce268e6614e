import type { ContainerPlan, LabPlan, PlannedValue } from '../../../common/lab-plan.ts';
import type { BreakId } from '../../../common/workshop.ts';
import { SeclabError } from '../../../common/errors.ts';

/**
 * The workshop's breaks as changes to a plan: each turns exactly one layer off, in a way the
 * real products accept (so the lab keeps running and the verifier sees the layer go red).
 * Pure: the orchestrator applies the changed plan like any other.
 */

function containerOf(plan: LabPlan, pick: (containers: ContainerPlan[]) => ContainerPlan | undefined, breakId: BreakId, what: string): ContainerPlan {
  const container = pick(plan.containers);
  if (!container) throw new SeclabError('BREAK_NOT_APPLICABLE', `the ${breakId} break needs ${what}, and lab "${plan.lab}" has none`, { lab: plan.lab });
  return container;
}

const nodes = (containers: ContainerPlan[]) => containers.filter((c) => c.kind === 'elasticsearch');
const firstNode = (containers: ContainerPlan[]) => nodes(containers)[0];
/** A node other than es01 where there is one: es01 carries the published port, Fleet Server's connection and the probes. */
const secondNode = (containers: ContainerPlan[]) => nodes(containers)[1] ?? nodes(containers)[0];
const kibanaOf = (containers: ContainerPlan[]) => containers.find((c) => c.kind === 'kibana');

/** An Elasticsearch setting travels in env under its own dotted name (as the plan puts it there). */
function setElasticsearchSetting(container: ContainerPlan, setting: string, value: PlannedValue): void {
  container.env[setting] = value;
  container.settings[setting] = value;
}

/** Kibana settings travel as kibana-docker's upper-cased env names. */
function setKibanaSetting(container: ContainerPlan, setting: string, value: PlannedValue): void {
  container.env[setting.toUpperCase().replace(/\./g, '_')] = value;
  container.settings[setting] = value;
}

function requireTrial(plan: LabPlan, breakId: BreakId, feature: string): void {
  if (plan.license !== 'trial') {
    throw new SeclabError('BREAK_NOT_APPLICABLE', `the ${breakId} break needs ${feature}, which Elasticsearch enforces only under a trial or paid licence; lab "${plan.lab}" runs basic`, { lab: plan.lab });
  }
}

const BREAKS: Record<BreakId, (plan: LabPlan) => void> = {
  'network-exposure': (plan) => {
    const target = containerOf(plan, (cs) => kibanaOf(cs) ?? firstNode(cs), 'network-exposure', 'a container with a published port');
    target.ports = target.ports.map((port) => ({ ...port, hostIp: '0.0.0.0' }));
  },
  'ip-filter': (plan) => {
    requireTrial(plan, 'ip-filter', 'IP filtering');
    // A dynamic cluster setting (IPFilter.HTTP_FILTER_ENABLED_SETTING): no restart, the transport filter stays on.
    plan.workshopSteps!.push({ break: 'ip-filter', kind: 'cluster-settings', persistent: { 'xpack.security.http.filter.enabled': false } });
  },
  'transport-mutual-auth': (plan) => {
    // ES accepts none|optional|required for the transport context (SslClientAuthenticationMode).
    setElasticsearchSetting(containerOf(plan, secondNode, 'transport-mutual-auth', 'an Elasticsearch node'), 'xpack.security.transport.ssl.client_authentication', 'none');
  },
  'http-tls': (plan) => {
    // Security stays on; only the HTTP layer's TLS goes (ES accepts this: only transport TLS is a bootstrap check).
    setElasticsearchSetting(containerOf(plan, secondNode, 'http-tls', 'an Elasticsearch node'), 'xpack.security.http.ssl.enabled', 'false');
  },
  'anonymous-access': (plan) => {
    // Elasticsearch's anonymous realm (docs: anonymous-access; AnonymousUser.USERNAME_SETTING/ROLES_SETTING).
    const es01 = containerOf(plan, firstNode, 'anonymous-access', 'an Elasticsearch node');
    setElasticsearchSetting(es01, 'xpack.security.authc.anonymous.username', 'anonymous_visitor');
    setElasticsearchSetting(es01, 'xpack.security.authc.anonymous.roles', 'lab_analyst');
  },
  'least-privilege': (plan) => {
    const analyst = plan.roles.find((role) => role.name === 'lab_analyst');
    if (!analyst) throw new SeclabError('BREAK_NOT_APPLICABLE', `lab "${plan.lab}" has no lab_analyst role`, { lab: plan.lab });
    analyst.indices = analyst.indices.map((grant) => ({ ...grant, privileges: [...grant.privileges, 'write', 'delete_index'] }));
    analyst.description = `${analyst.description} — and, by mistake, write and delete_index`;
  },
  'service-accounts': (plan) => {
    // Kibana refuses `elastic` (kibana: security config "elasticsearch.username": "elastic" is forbidden), not
    // another superuser: lab_admin is accepted, and Kibana then holds superuser rights.
    const kibana = containerOf(plan, kibanaOf, 'service-accounts', 'Kibana');
    setKibanaSetting(kibana, 'elasticsearch.username', 'lab_admin');
    kibana.keystore = kibana.keystore.map((entry) => (entry.setting === 'elasticsearch.password' ? { ...entry, secret: 'lab-admin-password' } : entry));
    kibana.settings['elasticsearch.password'] = { secret: 'lab-admin-password' };
  },
  'secrets-in-env': (plan) => {
    // kibana-docker maps ELASTICSEARCH_PASSWORD to --elasticsearch.password: Kibana works, the password sits in `docker inspect`.
    const kibana = containerOf(plan, kibanaOf, 'secrets-in-env', 'Kibana');
    kibana.env.ELASTICSEARCH_PASSWORD = { secret: 'kibana-system-password' };
  },
  'kibana-encryption-keys': (plan) => {
    // Without the key Kibana generates a random one at each start (reporting: "Generating a random key for xpack.reporting.encryptionKey").
    const kibana = containerOf(plan, kibanaOf, 'kibana-encryption-keys', 'Kibana');
    kibana.keystore = kibana.keystore.filter((entry) => entry.setting !== 'xpack.reporting.encryptionKey');
    delete kibana.settings['xpack.reporting.encryptionKey'];
  },
  'runtime-root': (plan) => {
    const target = containerOf(plan, (cs) => cs.find((c) => c.kind === 'agent') ?? cs.find((c) => c.kind === 'fleet-server'), 'runtime-root', 'an Elastic Agent');
    // Elastic's agent image runs as root when told to (its Dockerfile only defaults to uid 1000).
    target.user = '0:0';
  },
  'audit-off': (plan) => {
    requireTrial(plan, 'audit-off', 'audit logging');
    // A static node setting: es01 is recreated with it, its data kept.
    setElasticsearchSetting(containerOf(plan, firstNode, 'audit-off', 'an Elasticsearch node'), 'xpack.security.audit.enabled', 'false');
  },
  'host-files': (plan) => {
    plan.workshopSteps!.push({ break: 'host-files', kind: 'host-folder-mode', mode: 0o755 });
  },
};

/** The plan with exactly these layers off; an empty list gives the plan unchanged. */
export function applyBreaks(plan: LabPlan, broken: readonly BreakId[]): LabPlan {
  if (!broken.length) return plan;
  const changed: LabPlan = structuredClone(plan);
  changed.workshopSteps = [];
  for (const id of [...new Set(broken)]) {
    const apply = BREAKS[id];
    if (!apply) throw new SeclabError('UNKNOWN_BREAK', `there is no break "${id}": choose one of ${Object.keys(BREAKS).join(', ')}`, { lab: plan.lab });
    apply(changed);
  }
  changed.broken = [...new Set(broken)];
  return changed;
}
