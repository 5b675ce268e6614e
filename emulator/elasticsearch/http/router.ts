import type { Route } from './rest-request.js';

export type RouteMatch = { kind: 'found'; route: Route; params: Record<string, string> } | { kind: 'wrong-method'; allowed: string[] } | { kind: 'none' };

function matchPattern(pattern: string, segments: string[]): Record<string, string> | undefined {
  const parts = pattern.split('/').filter(Boolean);
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index]!;
    const segment = segments[index]!;
    if (part.startsWith('{') && part.endsWith('}')) {
      // A path parameter never swallows an API keyword such as _search.
      if (segment.startsWith('_') && part !== '{id}' && part !== '{name}' && part !== '{username}') return undefined;
      params[part.slice(1, -1)] = segment;
    } else if (part !== segment) return undefined;
  }
  return params;
}

/** Literal segments beat parameters, as in ES's PathTrie. */
function specificity(pattern: string): number[] {
  return pattern
    .split('/')
    .filter(Boolean)
    .map((part) => (part.startsWith('{') ? 0 : 1));
}

function compareSpecificity(a: Route, b: Route): number {
  const left = specificity(a.pattern);
  const right = specificity(b.pattern);
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const diff = (right[index] ?? 0) - (left[index] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

export class Router {
  private readonly routes: Route[];

  constructor(routes: Route[]) {
    this.routes = [...routes].sort(compareSpecificity);
  }

  match(method: string, path: string): RouteMatch {
    let segments: string[];
    try {
      segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    } catch {
      return { kind: 'none' };
    }
    const effectiveMethod = method === 'HEAD' ? 'GET' : method;
    const allowed = new Set<string>();
    let bestPattern: string | undefined;
    for (const route of this.routes) {
      const params = matchPattern(route.pattern, segments);
      if (!params) continue;
      if (route.methods.includes(effectiveMethod)) return { kind: 'found', route, params };
      if (bestPattern === undefined || bestPattern === route.pattern) {
        bestPattern = route.pattern;
        route.methods.forEach((m) => allowed.add(m));
      }
    }
    return allowed.size > 0 ? { kind: 'wrong-method', allowed: [...allowed] } : { kind: 'none' };
  }
}
