import { readFileSync, existsSync } from 'node:fs';
import { parse } from 'yaml';

export type FlatSettings = Record<string, unknown>;

/**
 * Elastic's yml files accept both nested maps and dotted keys (`xpack.security.enabled: true`
 * or `xpack: {security: {enabled: true}}`); both products flatten them to dotted keys.
 */
export function flattenSettings(tree: unknown, prefix = '', out: FlatSettings = {}): FlatSettings {
  if (tree === null || tree === undefined) return out;
  if (typeof tree !== 'object' || Array.isArray(tree)) {
    if (prefix) out[prefix] = tree;
    return out;
  }
  for (const [key, value] of Object.entries(tree as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) flattenSettings(value, path, out);
    else out[path] = value;
  }
  return out;
}

export function readYamlSettings(path: string): FlatSettings {
  if (!existsSync(path)) return {};
  const text = readFileSync(path, 'utf8');
  return flattenSettings(parse(text) ?? {});
}

export function settingAsBoolean(value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  const text = String(value).trim().toLowerCase();
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new Error(`Failed to parse value [${String(value)}] as only [true] or [false] are allowed.`);
}

/** Lists may be given as YAML arrays, or (in env vars) as comma-separated strings. */
export function settingAsList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value.map(String);
  const text = String(value).trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    return text
      .slice(1, -1)
      .split(',')
      .map((s) => s.trim().replace(/^["']|["']$/g, ''))
      .filter(Boolean);
  }
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
