import type { DiscoveryNode } from './cluster-state.js';

/** ES's role abbreviations as `_cat/nodes` and node descriptions show them (e.g. `dim`). */
const ROLE_LETTERS: Record<string, string> = {
  data: 'd',
  data_content: 's',
  data_hot: 'h',
  data_warm: 'w',
  data_cold: 'c',
  data_frozen: 'f',
  ingest: 'i',
  master: 'm',
  ml: 'l',
  remote_cluster_client: 'r',
  transform: 't',
  voting_only: 'v',
};

export function roleLetters(roles: string[]): string {
  return roles
    .map((role) => ROLE_LETTERS[role] ?? '')
    .sort()
    .join('');
}

/** `{name}{id}{ephemeralId}{hostName}{ip}{transportAddress}{roles}`, as DiscoveryNode.toString() prints it. */
export function describeNode(node: DiscoveryNode): string {
  return `{${node.name}}{${node.id}}{${node.ephemeralId}}{${node.name}}{${node.ip}}{${node.transportAddress}}{${roleLetters(node.roles)}}`;
}
