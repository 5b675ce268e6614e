import { randomUUID } from 'node:crypto';
import type { Client } from '@elastic/elasticsearch';
import { ENROLLMENT_API_KEYS_INDEX } from './indices';
import { statusCodeOf } from '../es-client';

export interface EnrollmentApiKey {
  id: string;
  api_key_id: string;
  /** base64(`<api key id>:<api key>`), what agents pass as FLEET_ENROLLMENT_TOKEN. */
  api_key: string;
  name: string;
  active: boolean;
  policy_id: string;
  created_at: string;
  hidden?: boolean;
}

/**
 * Enrollment tokens, as Fleet creates them (x-pack/plugins/fleet/server/services/api_keys/enrollment_api_key.ts):
 * a real Elasticsearch API key created by Kibana's internal user, with Fleet metadata, recorded in
 * `.fleet-enrollment-api-keys` where Fleet Server looks it up.
 */
export class EnrollmentKeyService {
  constructor(
    private readonly client: Client,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(policyId: string, requestedName?: string): Promise<EnrollmentApiKey> {
    const id = randomUUID();
    const name = requestedName ? `${requestedName} (${id})` : `Default (${id})`;
    const created = await this.client.security.createApiKey({
      name,
      metadata: { managed_by: 'fleet', managed: true, type: 'enroll', policy_id: policyId },
      // Enrollment keys carry no Elasticsearch privileges; they only identify the policy to Fleet Server.
      role_descriptors: { fleet_apikey_enroll: { cluster: [], indices: [] } },
    });
    const key: EnrollmentApiKey = {
      id,
      api_key_id: created.id,
      api_key: Buffer.from(`${created.id}:${created.api_key}`).toString('base64'),
      name,
      active: true,
      policy_id: policyId,
      created_at: this.now().toISOString(),
    };
    await this.client.index({ index: ENROLLMENT_API_KEYS_INDEX, id, document: key, refresh: 'wait_for' });
    return key;
  }

  /**
   * DELETE /api/fleet/enrollment_api_keys/{id} without forceDelete: the API key is invalidated in
   * Elasticsearch and the record kept, marked inactive (fleet/server/services/api_keys/enrollment_api_key.ts).
   */
  async revoke(id: string): Promise<boolean> {
    let key: EnrollmentApiKey;
    try {
      key = (await this.client.get<EnrollmentApiKey>({ index: ENROLLMENT_API_KEYS_INDEX, id }))._source as EnrollmentApiKey;
    } catch (error) {
      if (statusCodeOf(error) === 404) return false;
      throw error;
    }
    await this.client.security.invalidateApiKey({ ids: [key.api_key_id] });
    await this.client.update({ index: ENROLLMENT_API_KEYS_INDEX, id, doc: { active: false }, refresh: 'wait_for' });
    return true;
  }

  async list(filters: Record<string, string>): Promise<EnrollmentApiKey[]> {
    const must: Array<Record<string, unknown>> = [];
    for (const field of ['policy_id', 'active', 'name', 'api_key_id'] as const) {
      if (filters[field] !== undefined) must.push({ term: { [field]: field === 'active' ? filters[field] === 'true' : filters[field] } });
    }
    try {
      const result = await this.client.search<EnrollmentApiKey>({
        index: ENROLLMENT_API_KEYS_INDEX,
        size: 1000,
        query: must.length ? { bool: { must } } : { match_all: {} },
      });
      return result.hits.hits.map((hit) => ({ ...(hit._source as EnrollmentApiKey), id: String(hit._id) }));
    } catch (error) {
      if (statusCodeOf(error) === 404) return [];
      throw error;
    }
  }
}
