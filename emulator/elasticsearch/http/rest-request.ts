import type { IncomingHttpHeaders } from 'node:http';
import type { RestResult } from '../cluster/cluster-state.js';
import type { NodeServices } from '../node-services.js';
import type { Subject } from '../security/authentication.js';
import { ElasticsearchError, parsingError } from './rest-errors.js';

export interface RestRequest {
  method: string;
  /** The raw request URI, path plus query string, as ES quotes it in messages. */
  uri: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  remoteAddress: string;
  remotePort: number;
}

export interface RouteContext {
  request: RestRequest;
  params: Record<string, string>;
  subject: Subject;
  node: NodeServices;
}

export type RouteHandler = (context: RouteContext) => Promise<RestResult> | RestResult;

export interface Route {
  methods: string[];
  pattern: string;
  handler: RouteHandler;
}

export function jsonBody<T = Record<string, unknown>>(request: RestRequest, required = false): T | undefined {
  const text = request.body.toString('utf8').trim();
  if (!text) {
    if (required) throw new ElasticsearchError(400, 'parse_exception', 'request body is required');
    return undefined;
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw parsingError(`Failed to parse content to map: ${(error as Error).message}`);
  }
}

export function queryFlag(request: RestRequest, name: string): boolean {
  const value = request.query.get(name);
  return value !== null && value !== 'false';
}

/** ES duration strings (30s, 1m, 500ms) → milliseconds. */
export function parseDuration(value: string | null, fallbackMs: number): number {
  if (!value) return fallbackMs;
  const match = /^(-?\d+)(nanos|micros|ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) throw new ElasticsearchError(400, 'illegal_argument_exception', `failed to parse setting [timeout] with value [${value}] as a time value: unit is missing or unrecognized`);
  const amount = Number(match[1]);
  const unit = match[2] ?? 'ms';
  const factor: Record<string, number> = { nanos: 1e-6, micros: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 };
  return amount * factor[unit]!;
}

export function ok(body: unknown, status = 200, headers?: Record<string, string>): RestResult {
  return { status, body, headers };
}

export function routeKey(route: Route): string {
  return `${route.methods.join(',')} ${route.pattern}`;
}
