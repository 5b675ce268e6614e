import { formatValidationError, SchemaTypeError, Type, type ValidationContext } from '../config-schema';
import { unknownKeyMessageFor } from '../validate-settings';
import { KIBANA_VERSION } from '../version';
import { HttpError } from './respond';

/**
 * What a route declares about its request, as Kibana's router does (`validate: { query, body }`):
 * a part without a schema is not validated at all (RouteValidator returns `{}` for it).
 */
export interface RequestSchemas {
  query?: Type<Record<string, unknown>>;
  body?: Type<unknown>;
}

/**
 * A required value: kbn-config-schema types refuse `undefined` unless wrapped in `schema.maybe` or given a
 * default, with their own type's message (`expected value of type [string] but got [undefined]`). The
 * emulator's config-schema treats every key as optional (settings all have defaults), so the request
 * schemas mark the required ones with this.
 */
class RequiredType<T> extends Type<T> {
  constructor(private readonly inner: Type<T>) {
    super();
  }

  protected check(value: unknown, path: string[], context: ValidationContext): T {
    return this.inner.validate(value, path, context) as T;
  }

  override validate(value: unknown, path: string[], context: ValidationContext): T | undefined {
    if (value !== undefined) return this.inner.validate(value, path, context);
    // The inner type's own check decides the message for a missing value.
    return (this.inner as unknown as { check(v: unknown, p: string[], c: ValidationContext): T }).check(undefined, path, context);
  }
}

export function required<T>(type: Type<T>): Type<T> {
  return new RequiredType(type);
}

/**
 * Query strings as hapi parses them for Kibana (`qs`-like): one value → string, repeated key → array.
 */
export function queryObject(url: URL): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? values[0] : values;
  }
  return query;
}

const context: ValidationContext = { unknownKeyMessage: unknownKeyMessageFor(KIBANA_VERSION) };

/**
 * src/core/packages/http/router-server-internal/src/validator/validator.ts: each part is validated with
 * the namespace `request query` / `request body`; a failure is a RouteValidationError, answered 400
 * `{"statusCode":400,"error":"Bad Request","message":"[request body.x]: …"}`. Query before body, as there.
 */
export function validateRequest(schemas: RequestSchemas, parts: { query: Record<string, unknown>; body: unknown }): { query: Record<string, unknown>; body: unknown } {
  const run = <T>(type: Type<T> | undefined, value: unknown, namespace: string): T | undefined => {
    if (!type) return undefined;
    try {
      return type.validate(value, [], context);
    } catch (error) {
      if (error instanceof SchemaTypeError) throw new HttpError(400, formatValidationError(error, namespace));
      throw error;
    }
  };
  const query = run(schemas.query, parts.query, 'request query') ?? {};
  const body = run(schemas.body, parts.body, 'request body');
  return { query, body };
}
