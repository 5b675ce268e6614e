import { matchesPattern } from '../security/privileges.js';

/**
 * `?filter_path=a.b,c.*.d` response filtering (ES XContent filtering): dotted paths, `*` within a name,
 * `**` for any depth, `-` prefix to exclude. Arrays are filtered element by element.
 */
export function applyFilterPath(body: unknown, filterPath: string): unknown {
  const expressions = filterPath
    .split(',')
    .map((path) => path.trim())
    .filter(Boolean);
  const includes = expressions.filter((path) => !path.startsWith('-')).map((path) => path.split('.'));
  const excludes = expressions.filter((path) => path.startsWith('-')).map((path) => path.slice(1).split('.'));
  let result = includes.length > 0 ? include(body, includes) : body;
  if (result === undefined) return {};
  for (const exclude of excludes) result = removePath(result, exclude);
  return result;
}

function include(value: unknown, paths: string[][]): unknown {
  if (paths.some((path) => path.length === 0)) return value;
  if (Array.isArray(value)) {
    const kept = value.map((entry) => include(entry, paths)).filter((entry) => entry !== undefined);
    return kept.length > 0 ? kept : undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const next: string[][] = [];
    for (const path of paths) {
      const [head, ...rest] = path as [string, ...string[]];
      if (head === '**') {
        next.push(path, rest);
        if (rest.length > 0 && matchesPattern(rest[0]!, key)) next.push(rest.slice(1));
      } else if (matchesPattern(head, key)) next.push(rest);
    }
    if (next.length === 0) continue;
    const kept = include(child, next);
    if (kept !== undefined) out[key] = kept;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function removePath(value: unknown, path: string[]): unknown {
  if (Array.isArray(value)) return value.map((entry) => removePath(entry, path));
  if (!value || typeof value !== 'object' || path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (!matchesPattern(head, key)) out[key] = child;
    else if (rest.length > 0) out[key] = removePath(child, rest);
  }
  return out;
}
