import { isSecretReference, type ContainerPlan, type LabPlan } from '../../../../common/lab-plan.ts';
import { ROLE_LABEL } from '../../orchestrator/one-shot-helpers.ts';
import { EXPORT_PATHS } from './compose-layout.ts';
import { agentEntrypoint } from './setup-scripts.ts';

/** The services that set the lab up, as seclab's one-shot helpers are: labelled with the lab and a role, no component. */
export const SETUP_ROLE = 'compose-setup';

/** Which setup scripts the export has (volume owners and the revocation only where the lab needs them). */
export interface SetupScripts {
  volumeOwners: boolean;
  revokeEnrollment: boolean;
}

type Service = Record<string, unknown>;

/** Compose reads `$` as the start of a variable: every literal one is written `$$`. */
function escapeInterpolation<T>(value: T): T {
  if (typeof value === 'string') return value.replace(/\$/g, '$$$$') as T;
  if (Array.isArray(value)) return value.map(escapeInterpolation) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, escapeInterpolation(inner)])) as T;
  return value;
}

const seconds = (value: number) => `${value}s`;

const setupLabels = (plan: LabPlan) => ({ ...plan.network.labels, [ROLE_LABEL]: SETUP_ROLE });

const bind = (hostPath: string, containerPath: string) => `./${hostPath}:${containerPath}:ro`;

const volumeMounts = (container: ContainerPlan) => container.mounts.map((mount) => `${mount.source}:${mount.target}${mount.readOnly ? ':ro' : ''}`);

const volumesAt = (plan: LabPlan, kinds: Array<ContainerPlan['kind']>, purposes: string[]) =>
  plan.containers
    .filter((container) => kinds.includes(container.kind))
    .flatMap((container) => container.mounts.filter((mount) => purposes.some((purpose) => mount.target.endsWith(`/${purpose}`))))
    .map((mount) => `${mount.source}:${EXPORT_PATHS.volumeInContainer(mount.source)}`);

/** A one-shot of a lab image as its user, no capability, no network unless it shares a component's. */
function setupService(plan: LabPlan, image: string, scriptPath: string, extra: Service): Service {
  return {
    image,
    user: '1000:0',
    entrypoint: ['/bin/bash', scriptPath],
    labels: setupLabels(plan),
    cap_drop: ['ALL'],
    restart: 'no',
    ...extra,
  };
}

/** The component's environment as `seclab up` sets it, less what is a secret (the enrollment token is read from a file). */
function environmentOf(container: ContainerPlan): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(container.env)) {
    if (isSecretReference(value)) continue;
    env[key] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return env;
}

function componentService(plan: LabPlan, container: ContainerPlan, dependsOn: Record<string, { condition: string }>): Service {
  const ulimits = Object.fromEntries(container.ulimits.map((limit) => [limit.name, { soft: limit.soft, hard: limit.hard }]));
  return {
    image: container.image,
    container_name: container.name,
    hostname: container.hostname,
    user: container.user,
    environment: environmentOf(container),
    labels: container.labels,
    networks: { lab: { ipv4_address: container.ip, aliases: [container.hostname] } },
    ...(container.ports.length ? { ports: container.ports.map((port) => `${port.hostIp}:${port.hostPort}:${port.containerPort}`) } : {}),
    mem_limit: container.memoryBytes,
    ...(container.ulimits.length ? { ulimits } : {}),
    volumes: volumeMounts(container),
    cap_drop: container.capDrop,
    healthcheck: {
      test: container.healthcheck.test,
      interval: seconds(container.healthcheck.intervalSeconds),
      timeout: seconds(container.healthcheck.timeoutSeconds),
      retries: container.healthcheck.retries,
      start_period: seconds(container.healthcheck.startPeriodSeconds),
    },
    restart: 'no',
    ...(container.kind === 'agent' ? { entrypoint: agentEntrypoint(container), init: true } : {}),
    depends_on: dependsOn,
  };
}

const completed = { condition: 'service_completed_successfully' };
const healthy = { condition: 'service_healthy' };

/**
 * The lab as a Compose project: the same containers, names, labels, addresses, ports, volumes,
 * users, capabilities, limits and healthchecks as `seclab up` makes, so `seclab status` verifies
 * it like any lab; and the setup `seclab up` does through the API, as one-shot services in order.
 */
export function composeDocument(plan: LabPlan, scripts: SetupScripts): Record<string, unknown> {
  const nodes = plan.containers.filter((c) => c.kind === 'elasticsearch');
  const kibana = plan.containers.find((c) => c.kind === 'kibana');
  const fleetServer = plan.containers.find((c) => c.kind === 'fleet-server');
  const agents = plan.containers.filter((c) => c.kind === 'agent');
  const setupImage = nodes[0].image;
  const services: Record<string, Service> = {};

  if (scripts.volumeOwners) {
    const owned = plan.containers.flatMap((container) => container.mounts.filter((mount) => mount.owner)).map((mount) => `${mount.source}:${EXPORT_PATHS.volumeInContainer(mount.source)}`);
    services['volume-owners'] = setupService(plan, setupImage, `${EXPORT_PATHS.setupInContainer}/volume-owners.sh`, {
      user: '0:0',
      cap_add: ['CHOWN', 'FOWNER'],
      network_mode: 'none',
      volumes: [bind(EXPORT_PATHS.setupDir, EXPORT_PATHS.setupInContainer), ...owned],
    });
  }
  for (const container of plan.containers) {
    services[`${container.component}-files`] = setupService(plan, container.image, `${EXPORT_PATHS.componentInContainer}/place-files.sh`, {
      user: container.user,
      network_mode: 'none',
      volumes: [...volumeMounts(container), bind(EXPORT_PATHS.componentDir(container.component), EXPORT_PATHS.componentInContainer)],
      ...(scripts.volumeOwners ? { depends_on: { 'volume-owners': completed } } : {}),
    });
  }
  const filesOf = (container: ContainerPlan) => ({ [`${container.component}-files`]: completed });

  for (const node of nodes) services[node.component] = componentService(plan, node, filesOf(node));
  services['security-setup'] = setupService(plan, setupImage, `${EXPORT_PATHS.setupInContainer}/security-setup.sh`, {
    network_mode: `service:${nodes[0].component}`,
    volumes: [
      bind(EXPORT_PATHS.setupDir, EXPORT_PATHS.setupInContainer),
      bind(EXPORT_PATHS.secretsDir, EXPORT_PATHS.secretsInContainer),
      bind('components', '/seclab/components'),
      ...volumesAt(plan, ['elasticsearch'], ['config']),
      ...volumesAt(plan, ['fleet-server'], ['certs']),
    ],
    depends_on: Object.fromEntries(nodes.map((node) => [node.component, healthy])),
  });

  if (kibana) {
    services[kibana.component] = componentService(plan, kibana, { ...filesOf(kibana), 'security-setup': completed });
    if (fleetServer) {
      services['fleet-setup'] = setupService(plan, setupImage, `${EXPORT_PATHS.setupInContainer}/fleet-setup.sh`, {
        network_mode: `service:${kibana.component}`,
        volumes: [bind(EXPORT_PATHS.setupDir, EXPORT_PATHS.setupInContainer), bind(EXPORT_PATHS.secretsDir, EXPORT_PATHS.secretsInContainer), ...volumesAt(plan, ['agent'], ['certs'])],
        depends_on: { [kibana.component]: healthy },
      });
      services[fleetServer.component] = componentService(plan, fleetServer, { ...filesOf(fleetServer), 'fleet-setup': completed });
      for (const agent of agents) services[agent.component] = componentService(plan, agent, { ...filesOf(agent), [fleetServer.component]: healthy });
      if (scripts.revokeEnrollment) {
        services['revoke-enrollment'] = setupService(plan, setupImage, `${EXPORT_PATHS.setupInContainer}/revoke-enrollment.sh`, {
          network_mode: `service:${kibana.component}`,
          volumes: [bind(EXPORT_PATHS.setupDir, EXPORT_PATHS.setupInContainer), bind(EXPORT_PATHS.secretsDir, EXPORT_PATHS.secretsInContainer), ...volumesAt(plan, ['agent'], ['certs'])],
          depends_on: Object.fromEntries(agents.map((agent) => [agent.component, healthy])),
        });
      }
    }
  }

  return escapeInterpolation({
    // 2.4: the last format Debian's docker-compose 1.29 reads with depends_on conditions; Compose v2 reads it too.
    version: '2.4',
    services,
    networks: {
      lab: {
        name: plan.network.name,
        driver: 'bridge',
        labels: plan.network.labels,
        ipam: { config: [{ subnet: plan.network.subnet, gateway: plan.network.gateway }] },
      },
    },
    volumes: Object.fromEntries(plan.volumes.map((volume) => [volume.name, { name: volume.name, labels: volume.labels }])),
  });
}
