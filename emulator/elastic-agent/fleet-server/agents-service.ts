import { randomUUID } from 'node:crypto';
import { errors } from '@elastic/elasticsearch';
import type { FleetServerEsClients } from './es-connection';
import { AGENT_VERSION } from '../version';

export const AGENTS_INDEX = '.fleet-agents';
export const ENROLLMENT_API_KEYS_INDEX = '.fleet-enrollment-api-keys';
export const FLEET_POLICIES_INDEX = '.fleet-policies';

/** Fleet Server's HTTP error (internal/pkg/api/error.go HTTPErrResp): `{"statusCode":…,"error":…,"message":…}`. */
export class FleetApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorName: string,
    message: string,
  ) {
    super(message);
  }
}

const NO_AUTH_HEADER = () => new FleetApiError(401, 'ErrNoAuthHeader', 'no authorization header');
const MALFORMED_HEADER = () => new FleetApiError(400, 'ErrMalformedHeader', 'malformed authorization header');
const UNAUTHORIZED = () => new FleetApiError(401, 'ErrUnauthorized', 'unauthorized');

/** `Authorization: ApiKey <base64(id:key)>` → the encoded key (internal/pkg/apikey/apikey.go ExtractAPIKey). */
export function extractApiKey(header: string | undefined): string {
  if (!header) throw NO_AUTH_HEADER();
  const [scheme, value] = header.split(' ');
  if (scheme?.toLowerCase() !== 'apikey' || !value) throw MALFORMED_HEADER();
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  if (!decoded.includes(':')) throw new FleetApiError(400, 'ErrMalformedToken', 'malformed token');
  return value;
}

/** Fleet Server only talks to agents (internal/pkg/api/handleEnroll.go validateUserAgent). */
export function assertAgentUserAgent(userAgent: string | undefined): void {
  if (!userAgent || !userAgent.toLowerCase().startsWith('elastic agent')) throw new FleetApiError(400, 'InvalidUserAgent', 'user-agent is invalid');
}

interface EnrollmentKeyRecord {
  api_key_id: string;
  policy_id: string;
  active: boolean;
  name?: string;
}

interface AgentRecord {
  active: boolean;
  policy_id: string;
  access_api_key_id?: string;
}

export interface EnrollRequest {
  type?: string;
  shared_id?: string;
  metadata?: { local?: Record<string, unknown>; user_provided?: Record<string, unknown>; tags?: string[] };
}

/**
 * Enrollment and check-in as Fleet Server does them against Elasticsearch: the enrollment key must
 * authenticate at Elasticsearch and match an active `.fleet-enrollment-api-keys` record; the agent gets its
 * own API key (created with the service token) and a `.fleet-agents` document; check-ins must come with that
 * key and move `last_checkin`.
 */
export class FleetAgentsService {
  constructor(
    private readonly clients: FleetServerEsClients,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async authenticateApiKey(encodedKey: string): Promise<string> {
    try {
      const me = (await this.clients.asApiKey(encodedKey).security.authenticate()) as unknown as { api_key?: { id: string } };
      if (!me.api_key?.id) throw UNAUTHORIZED();
      return me.api_key.id;
    } catch (error) {
      if (error instanceof errors.ResponseError && (error.meta.statusCode === 401 || error.meta.statusCode === 403)) throw UNAUTHORIZED();
      throw error;
    }
  }

  async enroll(authorization: string | undefined, userAgent: string | undefined, body: EnrollRequest): Promise<Record<string, unknown>> {
    assertAgentUserAgent(userAgent);
    const enrollmentKey = extractApiKey(authorization);
    const keyId = await this.authenticateApiKey(enrollmentKey);
    const type = body.type ?? '';
    if (type !== 'PERMANENT' && type !== 'EPHEMERAL') throw new FleetApiError(400, 'BadRequest', `Bad request: invalid enrollment type: ${type}`);

    const records = await this.clients.service.search<EnrollmentKeyRecord>({
      index: ENROLLMENT_API_KEYS_INDEX,
      size: 1,
      query: { bool: { must: [{ term: { api_key_id: keyId } }] } },
    });
    const record = records.hits.hits[0]?._source;
    if (!record) throw new FleetApiError(404, 'NotFound', 'not found');
    if (!record.active) throw new FleetApiError(401, 'ErrInactiveEnrollmentKey', 'enrollment key is inactive');

    const agentId = randomUUID();
    const accessKey = await this.clients.service.security.createApiKey({
      name: agentId,
      metadata: { agent_id: agentId, managed: true, managed_by: 'fleet', type: 'access' },
      role_descriptors: { 'fleet-apikey-access': { cluster: [], indices: [] } },
    });
    const enrolledAt = this.now().toISOString();
    const localMetadata = body.metadata?.local ?? {};
    const userProvided = body.metadata?.user_provided ?? {};
    const tags = body.metadata?.tags ?? [];
    const agentVersion = (localMetadata.elastic as { agent?: { version?: string } } | undefined)?.agent?.version ?? AGENT_VERSION;
    await this.clients.service.index({
      index: AGENTS_INDEX,
      id: agentId,
      document: {
        active: true,
        policy_id: record.policy_id,
        type,
        enrolled_at: enrolledAt,
        updated_at: enrolledAt,
        local_metadata: localMetadata,
        user_provided_metadata: userProvided,
        access_api_key_id: accessKey.id,
        enrollment_id: keyId,
        agent: { id: agentId, version: agentVersion },
        tags,
        action_seq_no: [-1],
      },
      refresh: 'wait_for',
    });
    return {
      action: 'created',
      item: {
        id: agentId,
        active: true,
        policy_id: record.policy_id,
        type,
        enrolled_at: enrolledAt,
        user_provided_metadata: userProvided,
        local_metadata: localMetadata,
        actions: [],
        access_api_key_id: accessKey.id,
        access_api_key: Buffer.from(`${accessKey.id}:${accessKey.api_key}`).toString('base64'),
        status: 'online',
        tags,
      },
    };
  }

  async checkin(agentId: string, authorization: string | undefined, userAgent: string | undefined, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    assertAgentUserAgent(userAgent);
    const keyId = await this.authenticateApiKey(extractApiKey(authorization));
    let agent: AgentRecord | undefined;
    try {
      agent = (await this.clients.service.get<AgentRecord>({ index: AGENTS_INDEX, id: agentId }))._source;
    } catch (error) {
      if (!(error instanceof errors.ResponseError && error.meta.statusCode === 404)) throw error;
    }
    if (!agent) throw new FleetApiError(404, 'AgentNotFound', 'agent could not be found');
    if (agent.access_api_key_id !== keyId) throw new FleetApiError(403, 'ErrAgentIdentity', 'Agent header contains wrong identifier');
    if (!agent.active) throw new FleetApiError(401, 'ErrAgentInactive', 'Agent inactive');
    const now = this.now().toISOString();
    await this.clients.service.update({
      index: AGENTS_INDEX,
      id: agentId,
      doc: {
        last_checkin: now,
        updated_at: now,
        last_checkin_status: typeof body.status === 'string' ? body.status.toLowerCase() : 'online',
        last_checkin_message: typeof body.message === 'string' ? body.message : '',
        ...(Array.isArray(body.components) ? { components: body.components } : {}),
        ...(body.local_metadata && typeof body.local_metadata === 'object' ? { local_metadata: body.local_metadata } : {}),
      },
      refresh: 'wait_for',
    });
    return { action: 'checkin', ack_token: '', actions: [] };
  }
}
