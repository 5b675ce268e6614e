import type { Route, RouteContext } from '../http/router';
import { HttpError, readJsonBody, sendBoom, sendJson } from '../http/respond';
import type { FleetService } from '../fleet/fleet-service';
import type { EnrollmentKeyService } from '../fleet/enrollment-keys';
import { listAgents, summarizeStatuses } from '../fleet/agents';
import { parseSimpleKuery } from '../fleet/kuery';
import type { Client } from '@elastic/elasticsearch';
import { queryObject, validateRequest, type RequestSchemas } from '../http/validate-request';
import { FLEET_REQUEST_SCHEMAS } from '../fleet/request-schemas';

export interface FleetRouteDeps {
  fleet: FleetService;
  enrollmentKeys: EnrollmentKeyService;
  internalClient: Client;
  encryptedSavedObjectsKeySet: boolean;
  now: () => Date;
}

/**
 * Who may call the Fleet APIs. Real Kibana checks the `fleet`/`fleetv2` feature privileges through
 * Elasticsearch `_has_privileges`; the emulator's rule is the one those privileges reduce to for built-in
 * roles: the caller must hold the `superuser` role (as reported by `_authenticate`). Others get 403.
 */
function assertFleetPrivileges(ctx: RouteContext): void {
  if (!ctx.user?.roles?.includes('superuser')) throw new HttpError(403, 'Forbidden');
}

/** The validated request (Kibana's `request.query` / `request.body`); an empty payload is hapi's `null`. */
interface ValidatedContext extends RouteContext {
  query: Record<string, unknown>;
  body: Record<string, unknown>;
}

function page<T>(items: T[]): { items: T[]; total: number; page: number; perPage: number } {
  return { items, total: items.length, page: 1, perPage: Math.max(20, items.length) };
}

/**
 * A Fleet route: authorization (core's `security.authz`, before the handler), then the route's request
 * validation (400 in Kibana's words, before the handler), then the handler.
 */
function fleetRoute(method: Route['method'], path: string, schemas: RequestSchemas, handler: (ctx: ValidatedContext) => Promise<void>): Route {
  return {
    method,
    path,
    auth: 'required',
    handler: async (ctx) => {
      assertFleetPrivileges(ctx);
      const payload = schemas.body ? ((await readJsonBody(ctx.req)) ?? null) : undefined;
      const { query, body } = validateRequest(schemas, { query: queryObject(ctx.url), body: payload });
      await handler({ ...ctx, query, body: (body ?? {}) as Record<string, unknown> });
    },
  };
}

export function fleetRoutes(deps: FleetRouteDeps): Route[] {
  const { fleet, enrollmentKeys } = deps;
  const S = FLEET_REQUEST_SCHEMAS;
  return [
    // routes/setup: POST /api/fleet/setup and GET /agents/setup declare no request schema.
    fleetRoute('POST', '/api/fleet/setup', {}, async ({ res }) => sendJson(res, 200, await fleet.setup())),
    fleetRoute('GET', '/api/fleet/agents/setup', {}, async ({ res }) => {
      const agents = await listAgents(deps.internalClient, { showInactive: false, filters: {}, nowMs: deps.now().getTime() });
      const fleetServerPolicies = new Set((await fleet.listAgentPolicies()).filter((p) => p.has_fleet_server).map((p) => p.id));
      const hasFleetServer = agents.some((a) => fleetServerPolicies.has(a.policy_id) && a.status === 'online');
      sendJson(res, 200, {
        isReady: hasFleetServer,
        missing_requirements: hasFleetServer ? [] : ['fleet_server'],
        missing_optional_features: deps.encryptedSavedObjectsKeySet ? [] : ['encrypted_saved_object_encryption_key_required'],
      });
    }),
    fleetRoute('GET', '/api/fleet/agent_policies', S.listAgentPolicies, async ({ res }) => sendJson(res, 200, page(await fleet.listAgentPolicies()))),
    fleetRoute('GET', '/api/fleet/agent_policies/{id}', S.getAgentPolicy, async ({ res, params }) => {
      const policy = await fleet.getAgentPolicy(params.id as string);
      if (!policy) return sendBoom(res, 404, `Agent policy ${params.id} not found`);
      sendJson(res, 200, { item: policy });
    }),
    fleetRoute('POST', '/api/fleet/agent_policies', S.createAgentPolicy, async (ctx) => {
      const policy = await fleet.createAgentPolicy(ctx.body, ctx.user?.username ?? 'unknown', ctx.query.sys_monitoring === true);
      // Fleet creates a default enrollment token with every new policy.
      await enrollmentKeys.create(policy.id);
      sendJson(ctx.res, 200, { item: policy });
    }),
    fleetRoute('GET', '/api/fleet/fleet_server_hosts', {}, async ({ res }) => sendJson(res, 200, page(await fleet.listFleetServerHosts()))),
    fleetRoute('POST', '/api/fleet/fleet_server_hosts', S.createFleetServerHost, async (ctx) => sendJson(ctx.res, 200, { item: await fleet.createFleetServerHost(ctx.body) })),
    fleetRoute('GET', '/api/fleet/outputs', {}, async ({ res }) => sendJson(res, 200, page(await fleet.listOutputs()))),
    fleetRoute('GET', '/api/fleet/outputs/{id}', {}, async ({ res, params }) => {
      const output = await fleet.getOutput(params.id as string);
      if (!output) return sendBoom(res, 404, `Output ${params.id} not found`);
      sendJson(res, 200, { item: output });
    }),
    fleetRoute('POST', '/api/fleet/outputs', S.createOutput, async (ctx) => sendJson(ctx.res, 200, { item: await fleet.saveOutput(undefined, ctx.body) })),
    fleetRoute('PUT', '/api/fleet/outputs/{id}', S.updateOutput, async (ctx) => {
      const id = ctx.params.id as string;
      const existing = await fleet.getOutput(id);
      if (!existing) return sendBoom(ctx.res, 404, `Output ${id} not found`);
      sendJson(ctx.res, 200, { item: await fleet.saveOutput(id, ctx.body, existing) });
    }),
    fleetRoute('GET', '/api/fleet/enrollment_api_keys', S.listEnrollmentKeys, async ({ res, query }) => {
      sendJson(res, 200, page(await enrollmentKeys.list(parseSimpleKuery(query.kuery as string | undefined))));
    }),
    fleetRoute('POST', '/api/fleet/enrollment_api_keys', S.createEnrollmentKey, async (ctx) => {
      const policyId = ctx.body.policy_id as string;
      if (!(await fleet.getAgentPolicy(policyId))) throw new HttpError(400, `Agent policy "${policyId}" not found`);
      const item = await enrollmentKeys.create(policyId, typeof ctx.body.name === 'string' ? ctx.body.name : undefined);
      sendJson(ctx.res, 200, { item, action: 'created' });
    }),
    fleetRoute('DELETE', '/api/fleet/enrollment_api_keys/{id}', S.deleteEnrollmentKey, async (ctx) => {
      const id = ctx.params.id as string;
      if (!(await enrollmentKeys.revoke(id))) return sendBoom(ctx.res, 404, `Enrollment api key ${id} not found`);
      sendJson(ctx.res, 200, { action: 'deleted' });
    }),
    fleetRoute('GET', '/api/fleet/agents', S.listAgents, async ({ res, query }) => {
      const agents = await listAgents(deps.internalClient, {
        showInactive: query.showInactive === true,
        filters: parseSimpleKuery(query.kuery as string | undefined),
        nowMs: deps.now().getTime(),
      });
      const body: Record<string, unknown> = page(agents);
      if (query.getStatusSummary === true) {
        const summary: Record<string, number> = {};
        for (const agent of agents) summary[agent.status] = (summary[agent.status] ?? 0) + 1;
        body.statusSummary = summary;
      }
      sendJson(res, 200, body);
    }),
    fleetRoute('GET', '/api/fleet/agent_status', S.agentStatus, async ({ res, query }) => {
      const policyId = query.policyId as string | undefined;
      const agents = await listAgents(deps.internalClient, {
        showInactive: true,
        filters: policyId ? { policy_id: policyId } : {},
        nowMs: deps.now().getTime(),
      });
      sendJson(res, 200, { results: summarizeStatuses(agents) });
    }),
  ];
}
