/** The typed progress stream of `up`, `down` and `reset`: the CLI renders it as a task list, the app as a timeline. */

export const UP_PHASES = ['preflight', 'images', 'network', 'certificates', 'elasticsearch', 'security-setup', 'kibana', 'fleet', 'agents', 'verification'] as const;

export type UpPhase = (typeof UP_PHASES)[number] | 'teardown' | 'rollback';

export type LabEvent =
  | { type: 'phase-started'; lab: string; phase: UpPhase; title: string; at: string }
  | { type: 'phase-finished'; lab: string; phase: UpPhase; outcome: 'done' | 'skipped' | 'failed'; detail?: string; at: string; elapsedMs: number }
  | { type: 'image-progress'; lab: string; image: string; status: string; currentBytes?: number; totalBytes?: number; layers?: Record<string, { current: number; total: number }> }
  | { type: 'component-state'; lab: string; component: string; state: 'creating' | 'starting' | 'waiting' | 'ready' | 'failed' | 'removed'; detail?: string }
  | { type: 'log-line'; lab: string; component: string; line: string };

/** The words every surface (CLI task list, app timeline) uses for the phases. */
export const PHASE_TITLES: Record<UpPhase, string> = {
  preflight: 'Preflight',
  network: 'Network',
  images: 'Images',
  certificates: 'Certificates',
  elasticsearch: 'Elasticsearch',
  'security-setup': 'Security setup',
  kibana: 'Kibana',
  fleet: 'Fleet Server',
  agents: 'Agents',
  verification: 'Verification',
  teardown: 'Teardown',
  rollback: 'Rollback',
};
