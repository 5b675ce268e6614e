import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthenticatedUser } from '../authentication';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** Set when the request carried valid credentials (required routes always have it). */
  user?: AuthenticatedUser;
  authorization?: string;
  /** Extra `Set-Cookie` values the pipeline adds (session refresh). */
  cookies: string[];
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** `/api/fleet/outputs/{id}` style; `{name}` segments become params. */
  path: string;
  /** Kibana's `options.authRequired`: true | 'optional' | false. */
  auth: 'required' | 'optional' | 'none';
  handler(ctx: RouteContext): Promise<void> | void;
}

interface CompiledRoute extends Route {
  pattern: RegExp;
  names: string[];
}

export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(...routes: Route[]): void {
    for (const route of routes) {
      const names: string[] = [];
      const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
      this.routes.push({ ...route, pattern: new RegExp(`^${source}/?$`), names });
    }
  }

  match(method: string, pathname: string): { route: CompiledRoute; params: Record<string, string> } | undefined {
    const lookup = method === 'HEAD' ? 'GET' : method;
    for (const route of this.routes) {
      if (route.method !== lookup) continue;
      const m = route.pattern.exec(pathname);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1] ?? '')));
      return { route, params };
    }
    return undefined;
  }

  hasPath(pathname: string): boolean {
    return this.routes.some((r) => r.pattern.test(pathname));
  }
}

export function isApiPath(pathname: string): boolean {
  return pathname.startsWith('/api/') || pathname.startsWith('/internal/');
}
