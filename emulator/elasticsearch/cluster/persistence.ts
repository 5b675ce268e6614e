import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterMetadata } from './cluster-state.js';
import { randomId } from '../security/passwords.js';

/** Files under path.data; written to a temporary file, fsynced and renamed so a crash never leaves half a state. */
function writeAtomically(path: string, content: string): void {
  const temporary = `${path}.tmp`;
  writeFileSync(temporary, content, { mode: 0o660 });
  const descriptor = openSync(temporary, 'r');
  try {
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
  renameSync(temporary, path);
}

export interface PersistedClusterState {
  term: number;
  metadata: ClusterMetadata;
}

export class NodeStorage {
  private readonly stateDir: string;

  constructor(pathData: string) {
    this.stateDir = join(pathData, '_state');
    mkdirSync(this.stateDir, { recursive: true });
  }

  /** The node id survives restarts, like ES's node metadata in path.data. */
  loadOrCreateNodeId(): string {
    const path = join(this.stateDir, 'node.json');
    if (existsSync(path)) return (JSON.parse(readFileSync(path, 'utf8')) as { nodeId: string }).nodeId;
    const nodeId = randomId(22);
    writeAtomically(path, JSON.stringify({ nodeId }));
    return nodeId;
  }

  loadClusterState(): PersistedClusterState | undefined {
    const path = join(this.stateDir, 'cluster-state.json');
    if (!existsSync(path)) return undefined;
    return JSON.parse(readFileSync(path, 'utf8')) as PersistedClusterState;
  }

  saveClusterState(state: PersistedClusterState): void {
    writeAtomically(join(this.stateDir, 'cluster-state.json'), JSON.stringify(state));
  }
}
