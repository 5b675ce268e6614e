import type { ClusterMetadata, RestResult } from './cluster-state.js';
import { ElasticsearchError } from '../http/rest-errors.js';

/**
 * Settings the emulator lets PUT /_cluster/settings change (they are dynamic in ES too: IPFilter's
 * filter settings, audit event filters, allocation settings that labs commonly set).
 */
const DYNAMIC_SETTING_PATTERNS = [
  /^xpack\.security\.(http|transport)\.filter\.(allow|deny|enabled)$/,
  /^transport\.profiles\.[^.]+\.xpack\.security\.filter\.(allow|deny)$/,
  /^xpack\.security\.audit\.logfile\.events\.(include|exclude|emit_request_body)$/,
  /^cluster\.routing\.allocation\./,
  /^cluster\.max_shards_per_node$/,
  /^action\.auto_create_index$/,
  /^action\.destructive_requires_name$/,
  /^logger\./,
  /^indices\.recovery\.max_bytes_per_sec$/,
];

const STATIC_SETTING_PREFIXES = ['xpack.', 'cluster.', 'node.', 'network.', 'http.', 'transport.', 'discovery.', 'path.', 'bootstrap.'];

function validate(scope: 'persistent' | 'transient', name: string): void {
  if (DYNAMIC_SETTING_PATTERNS.some((pattern) => pattern.test(name))) return;
  if (STATIC_SETTING_PREFIXES.some((prefix) => name.startsWith(prefix)) && name.split('.').length > 1) {
    throw new ElasticsearchError(400, 'illegal_argument_exception', `${scope} setting [${name}], not dynamically updateable`);
  }
  throw new ElasticsearchError(400, 'illegal_argument_exception', `${scope} setting [${name}], not recognized`);
}

export function nestSettings(flat: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(flat)) {
    const parts = name.split('.');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]!] = value;
  }
  return root;
}

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(String);
  if (value === null) return null;
  return String(value);
}

export function applySettingsUpdate(metadata: ClusterMetadata, persistent: Record<string, unknown>, transient: Record<string, unknown>): RestResult {
  const scopes = [['persistent', flattenSettingsKeepingNulls(persistent), metadata.persistentSettings] as const, ['transient', flattenSettingsKeepingNulls(transient), metadata.transientSettings] as const];
  for (const [scope, updates] of scopes) for (const name of Object.keys(updates)) validate(scope, name);
  const applied: Record<string, Record<string, unknown>> = { persistent: {}, transient: {} };
  for (const [scope, updates, target] of scopes) {
    for (const [name, value] of Object.entries(updates)) {
      if (value === null) delete target[name];
      else {
        target[name] = normalise(value);
        applied[scope]![name] = target[name];
      }
    }
  }
  return { status: 200, body: { acknowledged: true, persistent: nestSettings(applied.persistent!), transient: nestSettings(applied.transient!) } };
}

function flattenSettingsKeepingNulls(tree: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tree ?? {})) {
    if (value === null) out[key] = null;
    else if (typeof value === 'object' && !Array.isArray(value)) {
      for (const [child, childValue] of Object.entries(flattenSettingsKeepingNulls(value as Record<string, unknown>))) out[`${key}.${child}`] = childValue;
    } else out[key] = value;
  }
  return out;
}
