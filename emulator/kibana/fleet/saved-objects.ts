import type { Client } from '@elastic/elasticsearch';
import { INGEST_SAVED_OBJECTS_INDEX } from './indices';
import { statusCodeOf } from '../es-client';

export interface SavedObject<T> {
  id: string;
  attributes: T;
}

/**
 * A minimal saved-objects repository over `.kibana_ingest`, written with Kibana's internal user
 * (kibana_system or the elastic/kibana service account), so Elasticsearch enforces its privileges.
 * Document layout as Kibana's: `_id = <type>:<id>`, `{ type, <type>: attributes, updated_at }`.
 */
export class SavedObjectsRepository {
  constructor(private readonly client: Client) {}

  async get<T>(type: string, id: string): Promise<SavedObject<T> | undefined> {
    try {
      const doc = await this.client.get<Record<string, unknown>>({ index: INGEST_SAVED_OBJECTS_INDEX, id: `${type}:${id}` });
      if (!doc.found || !doc._source) return undefined;
      return { id, attributes: doc._source[type] as T };
    } catch (error) {
      if (statusCodeOf(error) === 404) return undefined;
      throw error;
    }
  }

  async find<T>(type: string): Promise<Array<SavedObject<T>>> {
    try {
      const result = await this.client.search<Record<string, unknown>>({
        index: INGEST_SAVED_OBJECTS_INDEX,
        size: 1000,
        query: { term: { type } },
      });
      return result.hits.hits.filter((hit) => hit._source && hit._source.type === type).map((hit) => ({ id: String(hit._id).slice(type.length + 1), attributes: hit._source![type] as T }));
    } catch (error) {
      if (statusCodeOf(error) === 404) return [];
      throw error;
    }
  }

  async save<T>(type: string, id: string, attributes: T): Promise<SavedObject<T>> {
    await this.client.index({
      index: INGEST_SAVED_OBJECTS_INDEX,
      id: `${type}:${id}`,
      document: { type, [type]: attributes, updated_at: new Date().toISOString() },
      refresh: 'wait_for',
    });
    return { id, attributes };
  }
}
