import type { CheckResult } from './checks.ts';
import type { ComponentKind } from './lab-plan.ts';
import type { LabSpec } from './lab-spec.ts';
import type { WorkshopNotice } from './workshop.ts';

export type LabState = 'absent' | 'creating' | 'running' | 'degraded' | 'stopped' | 'failed';

export interface ComponentStatus {
  component: string;
  kind: ComponentKind;
  container: string;
  image: string;
  /** Docker's container state: created, running, exited, … or `missing`. */
  state: string;
  health: 'healthy' | 'starting' | 'unhealthy' | 'unknown';
  ip?: string;
  ports: Array<{ hostIp: string; hostPort: number; containerPort: number }>;
  memoryBytes?: number;
  user?: string;
}

export interface LabStatus {
  lab: string;
  state: LabState;
  emulated: boolean;
  version: string;
  spec: LabSpec;
  network?: { name: string; subnet: string };
  endpoints: { elasticsearch: string; kibana?: string; fleetServer?: string };
  components: ComponentStatus[];
  /** Present once verification ran. */
  checks?: CheckResult[];
  /** Present while a workshop lesson or challenge has a layer off on purpose: say so in words. */
  workshop?: WorkshopNotice;
  /** Set when this status first restored a lesson whose process was killed mid-break: what was restored. */
  workshopRecovered?: string;
  /** Its bring-up (or a reset's) ended without finishing and no process works on it: what `up` will do about it. */
  interrupted?: string;
}

export interface LabSummary {
  lab: string;
  state: LabState;
  emulated: boolean;
  version: string;
  components: number;
  running: number;
  /**
   * Its containers carry the lab's label but this seclab home has no record of it (it was made
   * from another SECLAB_HOME, or its folder was deleted): no spec, certificates or secrets here,
   * so it can be listed and removed (`seclab down --lab`), not opened.
   */
  unrecorded?: boolean;
}

export interface LabAccess {
  lab: string;
  emulated: boolean;
  /** Where each service answers from this machine: through its SSH tunnel's local port when `reach` is 'ssh-tunnel'. */
  endpoints: { elasticsearch: string; kibana?: string; fleetServer?: string };
  caFingerprintSha256: string;
  users: Array<{ username: string; roles: string[]; description: string; builtIn: boolean }>;
  /** How the ports the lab publishes on its engine host's 127.0.0.1 are reached from here; absent: this machine's own (a local engine). */
  reach?: LabReach;
}

export type LabEndpointName = keyof LabAccess['endpoints'];

/**
 * A remote engine's lab ports: through SSH tunnels the app opened (ssh:// engine), each listening on
 * this machine's 127.0.0.1; or, for a tcp:// engine, not reachable until the person forwards them (`command`).
 */
export type LabReach =
  | { kind: 'local' }
  | { kind: 'ssh-tunnel'; host: string; tunnels: Array<{ endpoint: LabEndpointName; localPort: number; remotePort: number }> }
  | { kind: 'remote-without-tunnel'; host: string; command: string; why: string };

export type PreflightStatus = 'pass' | 'warn' | 'fail';

export interface PreflightCheck {
  id: 'docker' | 'memory' | 'max-map-count' | 'memlock' | 'ports' | 'disk' | 'lab-exists' | 'images';
  title: string;
  status: PreflightStatus;
  detail: string;
  fix?: string;
}
