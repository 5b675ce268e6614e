/**
 * Everything `seclab up` creates, as plain data. The plan never holds a secret value:
 * secrets appear as references ({ secret: name }) that the orchestrator resolves from the
 * lab's secret store at the moment it writes them into a keystore or a secret file.
 */

export const LAB_LABEL = 'seclab.lab';
export const COMPONENT_LABEL = 'seclab.component';
export const KIND_LABEL = 'seclab.kind';
/** On containers: `official` or `emulated`, and the stack version, so any seclab home can list the lab from Docker alone. */
export const IMAGES_LABEL = 'seclab.images';
export const VERSION_LABEL = 'seclab.version';

export type SecretName =
  | 'elastic-password'
  | 'kibana-system-password'
  | 'kibana-security-encryption-key'
  | 'kibana-saved-objects-encryption-key'
  | 'kibana-reporting-encryption-key'
  | 'fleet-server-service-token'
  | 'agent-enrollment-token'
  | 'lab-admin-password'
  | 'analyst-password'
  | 'writer-password';

export interface SecretReference {
  secret: SecretName;
}

export type PlannedValue = string | number | boolean | string[] | SecretReference;

export type ComponentKind = 'elasticsearch' | 'kibana' | 'fleet-server' | 'agent';

export interface PortBinding {
  /** Always loopback, except while a workshop lesson shows what 0.0.0.0 exposes. */
  hostIp: '127.0.0.1' | '0.0.0.0';
  hostPort: number;
  containerPort: number;
}

export interface VolumeMount {
  type: 'volume';
  source: string;
  target: string;
  readOnly: boolean;
  /**
   * Set where the image has no folder at `target`: a fresh volume then starts root:root 0755, and
   * the image user could not write it. The orchestrator gives it this owner before the container starts.
   */
  owner?: { uid: number; gid: number; mode: number };
}

export interface PlannedFile {
  /** Absolute path inside the container. */
  path: string;
  /** Where the content comes from: a file of the lab's PKI, or a secret. */
  from: { certificate: string; part: 'ca' | 'certificate' | 'key' } | SecretReference | { text: string };
  mode: number;
}

/** Docker's HEALTHCHECK, as Elastic's Compose recipe gives each service one. */
export interface HealthcheckPlan {
  /** `CMD-SHELL` form: run by the image's /bin/sh in the container's working directory. */
  test: ['CMD-SHELL', string];
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  startPeriodSeconds: number;
}

export interface KeystoreEntry {
  setting: string;
  secret: SecretName;
}

export interface ContainerPlan {
  name: string;
  component: string;
  kind: ComponentKind;
  hostname: string;
  image: string;
  /** uid:gid, as Elastic's images run: 1000:0. */
  user: string;
  ip: string;
  ports: PortBinding[];
  memoryBytes: number;
  ulimits: Array<{ name: string; soft: number; hard: number }>;
  mounts: VolumeMount[];
  labels: Record<string, string>;
  env: Record<string, PlannedValue>;
  /** Effective product settings, whatever channel (env, yml, keystore) carries them. */
  settings: Record<string, PlannedValue>;
  keystore: KeystoreEntry[];
  files: PlannedFile[];
  /**
   * Files rewritten once the cluster has formed: settings that only bootstrap a cluster
   * (cluster.initial_master_nodes) must not stay for later restarts.
   */
  filesOnceFormed: PlannedFile[];
  /** Linux capabilities dropped from the container's bounding set; none is added back. */
  capDrop: string[];
  healthcheck: HealthcheckPlan;
  dependsOn: string[];
}

export interface NetworkPlan {
  name: string;
  subnet: string;
  gateway: string;
  labels: Record<string, string>;
}

export interface VolumePlan {
  name: string;
  component: string;
  purpose: 'config' | 'data' | 'state' | 'certs';
  labels: Record<string, string>;
}

export interface LabPlan {
  lab: string;
  version: string;
  images: 'official' | 'emulated';
  emulated: boolean;
  license: 'trial' | 'basic';
  network: NetworkPlan;
  volumes: VolumePlan[];
  containers: ContainerPlan[];
  /** Lab users created through Elasticsearch's security API once the cluster is up. */
  users: Array<{ username: string; roles: string[]; secret: SecretName; description: string }>;
  roles: Array<{ name: string; cluster: string[]; indices: Array<{ names: string[]; privileges: string[] }>; description: string }>;
  endpoints: { elasticsearch: string; kibana?: string; fleetServer?: string };
  /** Workshop only: the layers this plan turns off on purpose (planLab's `broken` option). */
  broken?: string[];
  /**
   * Workshop only: state that lives in Elasticsearch's API or on the host rather than in container
   * config, as named steps the orchestrator applies; the plan without them reverts them.
   */
  workshopSteps?: WorkshopStep[];
}

export type WorkshopStep = { break: string; kind: 'cluster-settings'; persistent: Record<string, string | boolean> } | { break: string; kind: 'host-folder-mode'; mode: number };

export const REDACTED = '<redacted>';

export function isTextContent(value: unknown): value is { text: string } {
  return typeof value === 'object' && value !== null && 'text' in value;
}

export function isSecretReference(value: unknown): value is SecretReference {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'secret' in value;
}
