import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AgentLogger } from '../logger';
import type { UnitState } from '../control-socket';
import { FleetApiError, type FleetAgentsService } from './agents-service';
import { AGENT_BUILD_TIME, AGENT_COMMIT, AGENT_VERSION } from '../version';

export interface FleetServerTls {
  cert: string;
  key: string;
  passphrase?: string;
  clientAuth: 'none' | 'optional' | 'required';
  clientCa?: string;
  /** Set when the certificate was generated (no FLEET_SERVER_CERT): the agent trusts it as its own CA. */
  generatedCaPem?: string;
}

function send(res: ServerResponse, statusCode: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(statusCode, {
    'content-type': 'application/json; charset=utf-8',
    'elastic-api-version': '2023-06-01',
    'x-request-id': randomUUID().replace(/-/g, '').slice(0, 20),
    'x-content-type-options': 'nosniff',
  });
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new FleetApiError(400, 'BadRequest', `Bad request: unable to decode enroll request: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Fleet Server's agent-facing API on :8220 (internal/pkg/api): `/api/status` (no auth; 200 only when
 * HEALTHY or DEGRADED, handleStatus.go; version only for a caller with a valid API key), enroll, check-in, acks.
 */
export function createFleetServerHttpServer(deps: {
  /** Fleet Server's overall state: its Elasticsearch connection, then its policy self monitor. */
  state(): UnitState;
  elasticsearchReachable(): boolean;
  agents: FleetAgentsService;
  tls?: FleetServerTls;
  logger: AgentLogger;
  isApiKeyValid(header: string | undefined): Promise<boolean>;
}): Server {
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fleet-server.local');
    const method = req.method ?? 'GET';
    if (url.pathname === '/api/status' && (method === 'GET' || method === 'HEAD')) {
      const state = deps.state();
      const healthy = state === 'HEALTHY' || state === 'DEGRADED';
      const body: Record<string, unknown> = { name: 'fleet-server', status: state };
      if (await deps.isApiKeyValid(req.headers.authorization)) {
        body.version = { number: AGENT_VERSION, build_hash: AGENT_COMMIT, build_time: AGENT_BUILD_TIME };
      }
      return send(res, healthy ? 200 : 503, body);
    }
    const checkin = /^\/api\/fleet\/agents\/([^/]+)\/(checkin|acks)$/.exec(url.pathname);
    const isEnroll = url.pathname === '/api/fleet/agents/enroll';
    if (method !== 'POST' || (!checkin && !isEnroll)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('404 page not found\n');
      return;
    }
    if (!deps.elasticsearchReachable()) {
      return send(res, 503, { statusCode: 503, error: 'ServiceUnavailable', message: 'Fleet server unable to communicate with Elasticsearch' });
    }
    const body = await readBody(req);
    if (isEnroll) {
      const result = await deps.agents.enroll(req.headers.authorization, req.headers['user-agent'], body);
      deps.logger.info('Elastic Agent successfully enrolled', { 'fleet.agent.id': (result.item as { id: string }).id });
      return send(res, 200, result);
    }
    const [, agentId, action] = checkin as RegExpExecArray;
    if (action === 'acks') {
      await deps.agents.checkin(agentId as string, req.headers.authorization, req.headers['user-agent'], {});
      return send(res, 200, { action: 'acks', errors: false, items: [] });
    }
    return send(res, 200, await deps.agents.checkin(agentId as string, req.headers.authorization, req.headers['user-agent'], body));
  };
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handler(req, res).catch((error: unknown) => {
      if (error instanceof FleetApiError) {
        deps.logger.info('HTTP request error', { 'http.response.status_code': error.statusCode, 'error.message': error.message });
        return send(res, error.statusCode, { statusCode: error.statusCode, error: error.errorName, message: error.message });
      }
      const message = error instanceof Error ? error.message : String(error);
      deps.logger.error('HTTP request error', { 'error.message': message });
      send(res, 503, { statusCode: 503, error: message, message: 'elasticsearch error' });
    });
  };
  if (!deps.tls) return createHttpServer(listener);
  return createHttpsServer(
    {
      cert: deps.tls.cert,
      key: deps.tls.key,
      passphrase: deps.tls.passphrase,
      ca: deps.tls.clientCa ? readFileSync(deps.tls.clientCa) : undefined,
      requestCert: deps.tls.clientAuth !== 'none',
      rejectUnauthorized: deps.tls.clientAuth === 'required',
      minVersion: 'TLSv1.2',
    },
    listener,
  );
}
