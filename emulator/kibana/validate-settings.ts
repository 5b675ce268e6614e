import type { FlatSettings } from '../shared/settings-file';
import { formatValidationError, isPlainObject, SchemaTypeError } from './config-schema';
import { IGNORED_UNKNOWN_PATHS, KIBANA_SETTINGS_SCHEMA } from './settings-schema';

/**
 * Kibana refuses its configuration before starting (src/core/packages/root/server-internal/src/
 * ensure_valid_configuration.ts): a schema violation is a CriticalError with exit code 78, and keys
 * under no registered config path are "Unknown configuration key(s)" with exit code 64.
 */
export class ConfigValidationError extends Error {
  constructor(
    message: string,
    readonly processExitCode: number,
  ) {
    super(message);
  }
}

const INVALID_CONFIG_EXIT_CODE = 78;
const UNKNOWN_KEYS_EXIT_CODE = 64;

export type ValidatedSettings = Record<string, Record<string, unknown>>;

/**
 * kbn-config-schema's object type said "definition for this key is missing" for an unknown key until
 * elastic/kibana#258633 (opened 2026-03-19) changed it; the emulator takes that as the 9.5 change.
 */
export function unknownKeyMessageFor(version: string): (key: string) => string {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const newWording = major > 9 || (major === 9 && minor >= 5);
  return (key) => (newWording ? `Additional properties are not allowed ('${key}' was unexpected)` : 'definition for this key is missing');
}

/** Dotted keys become nested objects, as Kibana's raw config service builds them. */
function nest(flat: FlatSettings): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(flat)) {
    const segments = key.split('.');
    let node = root;
    for (const segment of segments.slice(0, -1)) {
      if (!isPlainObject(node[segment])) node[segment] = {};
      node = node[segment] as Record<string, unknown>;
    }
    node[segments[segments.length - 1] as string] = value;
  }
  return root;
}

function valueAt(tree: Record<string, unknown>, path: string): unknown {
  let node: unknown = tree;
  for (const segment of path.split('.')) node = isPlainObject(node) ? node[segment] : undefined;
  return node;
}

export function validateKibanaSettings(flat: FlatSettings, version: string): ValidatedSettings {
  const raw = nest(flat);
  const context = { unknownKeyMessage: unknownKeyMessageFor(version) };
  const validated: ValidatedSettings = {};
  for (const [path, type] of KIBANA_SETTINGS_SCHEMA) {
    try {
      validated[path] = type.validate(valueAt(raw, path), [], context) ?? {};
    } catch (error) {
      if (!(error instanceof SchemaTypeError)) throw error;
      throw new ConfigValidationError(formatValidationError(error, `config validation of [${path}]`), INVALID_CONFIG_EXIT_CODE);
    }
  }
  const known = KIBANA_SETTINGS_SCHEMA.map(([path]) => path);
  const unknown = Object.keys(flat).filter((key) => !known.some((path) => key === path || key.startsWith(`${path}.`)) && !IGNORED_UNKNOWN_PATHS.some((prefix) => key.startsWith(prefix)));
  if (unknown.length > 0) {
    throw new ConfigValidationError(`Unknown configuration key(s): ${unknown.map((key) => `"${key}"`).join(', ')}. Check for spelling errors and ensure that expected plugins are installed.`, UNKNOWN_KEYS_EXIT_CODE);
  }
  return validated;
}
