/** DESIGN.md's security layers and their stable check ids: UI, CLI, lessons and tests use them. */

export const LAYERS = [
  { id: 'network', title: 'Network', seedSection: 'Network access' },
  { id: 'transport', title: 'Cluster communication — transport', seedSection: 'Cluster communication' },
  { id: 'http', title: 'Cluster communication — HTTP', seedSection: 'Cluster communication' },
  { id: 'auth', title: 'Users & roles', seedSection: 'User roles' },
  { id: 'kibana', title: 'Kibana', seedSection: 'Data, objects and settings security' },
  { id: 'secrets', title: 'Secrets & settings', seedSection: 'Data, objects and settings security' },
  { id: 'runtime', title: 'Runtime', seedSection: 'User roles' },
  { id: 'fleet', title: 'Fleet', seedSection: 'Cluster communication' },
  { id: 'audit', title: 'Audit', seedSection: 'Data, objects and settings security' },
  { id: 'cloud', title: 'Cloud-only controls', seedSection: 'Network access' },
] as const;

export type LayerId = (typeof LAYERS)[number]['id'];

export const CHECK_IDS = [
  'network.loopback-only',
  'network.dedicated',
  'network.ip-filter',
  'transport.tls',
  'transport.mutual-auth',
  'transport.cluster-formed',
  'http.tls',
  'http.cert-valid',
  'auth.required',
  'auth.strong-passwords',
  'auth.least-privilege',
  'auth.service-accounts',
  'kibana.https',
  'kibana.es-tls-verified',
  'kibana.encryption-keys',
  'kibana.session',
  'secrets.keystore',
  'secrets.host-files',
  'runtime.non-root',
  'runtime.limits',
  'fleet.server-tls',
  'fleet.agent-enrolled',
  'audit.logging',
  'cloud.private-link',
  'cloud.byok',
] as const;

export type CheckId = (typeof CHECK_IDS)[number];

export type CheckStatus = 'pass' | 'fail' | 'warn' | 'info' | 'pending' | 'error';

export interface CheckResult {
  id: CheckId;
  layer: LayerId;
  title: string;
  status: CheckStatus;
  /** What was tried and what came back, in words a person can read; monospace-friendly. */
  evidence: string[];
  /** What to change when it does not pass. */
  fix: string;
  /** The seed's section this check belongs to, and its one-sentence "why". */
  docs: { section: string; why: string };
  checkedAt: string;
  durationMs: number;
}

export const layerOf = (id: CheckId): LayerId => id.split('.')[0] as LayerId;
