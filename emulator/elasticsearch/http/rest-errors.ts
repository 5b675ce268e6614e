import type { RestResult } from '../cluster/cluster-state.js';

/** ES's error envelope: {"error":{"root_cause":[{type,reason,...}],type,reason,...},"status":N}. */
export class ElasticsearchError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly reason: string | null,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string | string[]> = {},
  ) {
    super(reason ?? type);
  }

  toBody(): Record<string, unknown> {
    const cause = { type: this.type, reason: this.reason, ...this.extra };
    return { error: { root_cause: [cause], ...cause }, status: this.status };
  }

  toResult(): RestResult {
    return { status: this.status, body: this.toBody() };
  }
}

export function indexNotFound(index: string): ElasticsearchError {
  return new ElasticsearchError(404, 'index_not_found_exception', `no such index [${index}]`, {
    'resource.type': 'index_or_alias',
    'resource.id': index,
    index_uuid: '_na_',
    index,
  });
}

export function badRequest(reason: string, type = 'illegal_argument_exception'): ElasticsearchError {
  return new ElasticsearchError(400, type, reason);
}

export function validationFailed(...problems: string[]): ElasticsearchError {
  return new ElasticsearchError(400, 'action_request_validation_exception', `Validation Failed: ${problems.map((problem, index) => `${index + 1}: ${problem};`).join('')}`);
}

export function parsingError(reason: string): ElasticsearchError {
  return new ElasticsearchError(400, 'parse_exception', reason);
}

export function masterNotDiscovered(): ElasticsearchError {
  return new ElasticsearchError(503, 'master_not_discovered_exception', null);
}
