import type { NodeConfig } from './config/node-config.js';
import type { ServerLogger } from './logging.js';
import type { ClusterMetadata, DiscoveryNode, PublishedState, RestResult } from './cluster/cluster-state.js';
import type { ClusterCommand } from './cluster/commands.js';
import type { SslMaterial } from './tls/tls-material.js';
import type { AuditTrail } from './audit.js';

/** What REST handlers may use of the running node; passed in, so handlers stay testable. */
export interface NodeServices {
  config: NodeConfig;
  logger: ServerLogger;
  localNode: DiscoveryNode;
  /** The last state this node applied (undefined before it ever joined a cluster). */
  appliedState(): PublishedState | undefined;
  metadata(): ClusterMetadata;
  masterNode(): DiscoveryNode | undefined;
  /** Runs a write on the elected master (forwarded over transport from followers). */
  submit(command: ClusterCommand, timeoutMs: number): Promise<RestResult>;
  waitFor(predicate: () => boolean, timeoutMs: number): Promise<boolean>;
  ssl: { http?: SslMaterial; transport?: SslMaterial };
  /** Transient cluster setting, else persistent, else the node's own setting. */
  effectiveSetting(name: string): unknown;
  fileServiceTokens(): Map<string, string>;
  audit: AuditTrail;
  now(): number;
  startedAt: number;
}
