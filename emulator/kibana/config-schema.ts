/**
 * The part of @kbn/config-schema that Kibana's settings use, with its coercions and its messages
 * (elastic/kibana src/platform/packages/shared/kbn-config-schema/src: internals/index.ts for the
 * coercions, types/*.ts handleError for the messages, errors/validation_error.ts for the
 * `[namespace.path]: message` format, duration/index.ts and byte_size_value/index.ts for parsing).
 * There is no npm release of that package, and the emulator's point is its exact wording, so the few
 * types are written here.
 */

export class SchemaTypeError extends Error {
  constructor(
    message: string,
    readonly path: string[],
  ) {
    super(message);
  }
}

/** A union that failed: one child error per alternative (types/union_type.ts). */
export class SchemaTypesError extends SchemaTypeError {
  constructor(
    message: string,
    path: string[],
    readonly errors: SchemaTypeError[],
  ) {
    super(message, path);
  }
}

/** errors/validation_error.ts: `[<namespace>.<path>]: <message>`, union children indented below. */
export function formatValidationError(error: SchemaTypeError, namespace?: string, level = 0): string {
  const path = namespace === undefined ? error.path : [namespace, ...error.path];
  let message = error.message;
  if (error instanceof SchemaTypesError) {
    const children = error.errors.map((child) => formatValidationError(child, namespace, level + 1));
    message = `${message}\n${children.map((child) => `${' '.repeat(level)}- ${child}`).join('\n')}`;
  }
  return path.length === 0 ? message : `[${path.join('.')}]: ${message}`;
}

export interface ValidationContext {
  /** The object type's message for a key it has no definition for (it changed in Kibana 9.5). */
  unknownKeyMessage(key: string): string;
}

/** What `type-detect` (used in every kbn-config-schema message) calls a value. */
export function typeDetect(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'Array';
  if (typeof value === 'object') return Object.prototype.toString.call(value).slice(8, -1);
  return typeof value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

interface TypeOptions<T> {
  defaultValue?: T;
  /** Runs after the type check; a returned string is the error (types/type.ts convertValidationFunction). */
  // Method syntax on purpose: it keeps Type<T> covariant, so Type<string> is a Type<unknown> in unions and props.
  validate?(value: T): string | void;
}

export abstract class Type<T> {
  constructor(protected readonly options: TypeOptions<T> = {}) {}

  /** Checks and coerces one present value; throws SchemaTypeError. */
  protected abstract check(value: unknown, path: string[], context: ValidationContext): T;

  validate(value: unknown, path: string[], context: ValidationContext): T | undefined {
    if (value === undefined) return this.options.defaultValue;
    const checked = this.check(value, path, context);
    const message = this.options.validate?.(checked);
    if (typeof message === 'string') throw new SchemaTypeError(message, path);
    return checked;
  }
}

const HOSTNAME = /^(?=.{1,255}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

class StringType extends Type<string> {
  constructor(private readonly stringOptions: TypeOptions<string> & { minLength?: number; hostname?: boolean; coerceFromNumber?: boolean } = {}) {
    super(stringOptions);
  }

  protected check(value: unknown, path: string[]): string {
    if (typeof value !== 'string') {
      if (this.stringOptions.coerceFromNumber && typeof value === 'number') return value.toString(10);
      throw new SchemaTypeError(`expected value of type [string] but got [${typeDetect(value)}]`, path);
    }
    if (this.stringOptions.hostname && !HOSTNAME.test(value)) {
      throw new SchemaTypeError('value must be a valid hostname (see RFC 1123).', path);
    }
    const min = this.stringOptions.minLength;
    if (min !== undefined && value.length < min) {
      throw new SchemaTypeError(`value has length [${value.length}] but it must have a minimum length of [${min}].`, path);
    }
    return value;
  }
}

class BooleanType extends Type<boolean> {
  protected check(value: unknown, path: string[]): boolean {
    // internals/index.ts: the strings 'true' and 'false' are coerced, case-insensitively.
    const normalized = typeof value === 'string' ? value.toLowerCase() : value;
    if (normalized === 'true' || normalized === true) return true;
    if (normalized === 'false' || normalized === false) return false;
    throw new SchemaTypeError(`expected value of type [boolean] but got [${typeDetect(value)}]`, path);
  }
}

class NumberType extends Type<number> {
  constructor(private readonly range: TypeOptions<number> & { min?: number; max?: number } = {}) {
    super(range);
  }

  protected check(value: unknown, path: string[]): number {
    const coerced = typeof value === 'string' ? Number(value) : value;
    if (typeof coerced !== 'number' || Number.isNaN(coerced)) {
      throw new SchemaTypeError(`expected value of type [number] but got [${typeDetect(value)}]`, path);
    }
    if (this.range.min !== undefined && coerced < this.range.min) {
      throw new SchemaTypeError(`Value must be equal to or greater than [${this.range.min}].`, path);
    }
    if (this.range.max !== undefined && coerced > this.range.max) {
      throw new SchemaTypeError(`Value must be equal to or lower than [${this.range.max}].`, path);
    }
    return coerced;
  }
}

const DURATION_UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  M: 30 * 86_400_000, // moment's month in milliseconds
  y: 365 * 86_400_000,
  Y: 365 * 86_400_000,
};

const DURATION_FORMAT = /^(0|[1-9][0-9]*)(ms|s|m|h|d|w|M|y|Y)(.*)$/;

function millisecondsToDuration(ms: number): number {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new Error('Value in milliseconds is expected to be a safe positive integer.');
  return ms;
}

/** duration/index.ts (multi-unit since 8.16: `1m30s`); the result is in milliseconds. */
export function parseDuration(value: string | number): number {
  if (typeof value === 'number') return millisecondsToDuration(value);
  const match = DURATION_FORMAT.exec(value);
  if (!match) {
    const number = Number(value);
    if (Number.isNaN(number)) {
      throw new Error(
        'Failed to parse value as time value. Value must be a duration in milliseconds, or follow the format ' +
          "<count>[ms|s|m|h|d|w|M|y] (e.g. '70ms', '5s', '3d', '1y', '1m30s'), where the duration is a safe positive integer.",
      );
    }
    return millisecondsToDuration(number);
  }
  const [, count, unit, rest] = match as unknown as [string, string, string, string];
  const ms = Number(count) * (DURATION_UNIT_MS[unit] ?? 1);
  return rest ? ms + parseDuration(rest) : ms;
}

class DurationType extends Type<number> {
  protected check(value: unknown, path: string[]): number {
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new SchemaTypeError(`expected value of type [moment.Duration] but got [${typeDetect(value)}]`, path);
    }
    try {
      return parseDuration(value);
    } catch (error) {
      throw new SchemaTypeError((error as Error).message, path);
    }
  }
}

const BYTE_UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** byte_size_value/index.ts; the result is in bytes. */
class ByteSizeType extends Type<number> {
  protected check(value: unknown, path: string[]): number {
    let bytes: number;
    if (typeof value === 'number') bytes = value;
    else if (typeof value === 'string') {
      const match = /([1-9][0-9]*)(b|kb|mb|gb)/i.exec(value);
      bytes = match ? Number(match[1]) * (BYTE_UNITS[(match[2] as string).toLowerCase()] ?? 1) : Number(value);
      if (Number.isNaN(bytes)) {
        throw new SchemaTypeError(
          "Failed to parse value as byte value. Value must be either number of bytes, or follow the format <count>[b|kb|mb|gb] (e.g., '1024kb', '200mb', '1gb'), where the number is a safe positive integer.",
          path,
        );
      }
    } else throw new SchemaTypeError(`expected value of type [ByteSize] but got [${typeDetect(value)}]`, path);
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new SchemaTypeError('Value in bytes is expected to be a safe positive integer.', path);
    return bytes;
  }
}

class UriType extends Type<string> {
  constructor(private readonly schemes: string[]) {
    super();
  }

  protected check(value: unknown, path: string[]): string {
    if (typeof value !== 'string') throw new SchemaTypeError(`expected value of type [string] but got [${typeDetect(value)}].`, path);
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new SchemaTypeError('value must be a valid URI (see RFC 3986).', path);
    }
    if (!this.schemes.includes(url.protocol.slice(0, -1))) throw new SchemaTypeError(`expected URI with scheme [${this.schemes.join('|')}].`, path);
    return value;
  }
}

class LiteralType<T extends string | number | boolean | null> extends Type<T> {
  constructor(private readonly expected: T) {
    super();
  }

  protected check(value: unknown, path: string[]): T {
    if (value === this.expected) return this.expected;
    const format = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
    throw new SchemaTypeError(`expected value to equal [${format(this.expected)}] but got [${format(value)}]`, path);
  }

  // A literal null is a value, not an absent setting.
  override validate(value: unknown, path: string[]): T | undefined {
    return value === undefined ? this.options.defaultValue : this.check(value, path);
  }
}

class UnionType<T> extends Type<T> {
  constructor(
    private readonly alternatives: Array<Type<unknown>>,
    options: TypeOptions<T> = {},
  ) {
    super(options);
  }

  protected check(value: unknown, path: string[], context: ValidationContext): T {
    const errors: SchemaTypeError[] = [];
    for (const [index, alternative] of this.alternatives.entries()) {
      try {
        return alternative.validate(value, path, context) as T;
      } catch (error) {
        if (!(error instanceof SchemaTypeError)) throw error;
        // union_type.ts: the alternative's index goes right after the union's own path.
        const childPath = [...error.path];
        childPath.splice(path.length, 0, String(index));
        errors.push(error instanceof SchemaTypesError ? new SchemaTypesError(error.message, childPath, error.errors) : new SchemaTypeError(error.message, childPath));
      }
    }
    throw new SchemaTypesError('types that failed validation:', path, errors);
  }
}

/** internals/index.ts: a string for an array is JSON-parsed; anything else is refused. */
class ArrayType<T> extends Type<T[]> {
  constructor(
    private readonly item: Type<T>,
    private readonly size: TypeOptions<T[]> & { minSize?: number; maxSize?: number } = {},
  ) {
    super(size);
  }

  protected check(value: unknown, path: string[], context: ValidationContext): T[] {
    let parsed = value;
    if (typeof value === 'string') {
      try {
        parsed = JSON.parse(value) as unknown;
      } catch {
        throw new SchemaTypeError('could not parse array value from json input', path);
      }
    }
    if (!Array.isArray(parsed)) throw new SchemaTypeError(`expected value of type [array] but got [${typeDetect(parsed)}]`, path);
    if (this.size.minSize !== undefined && parsed.length < this.size.minSize) {
      throw new SchemaTypeError(`array size is [${parsed.length}], but cannot be smaller than [${this.size.minSize}]`, path);
    }
    if (this.size.maxSize !== undefined && parsed.length > this.size.maxSize) {
      throw new SchemaTypeError(`array size is [${parsed.length}], but cannot be greater than [${this.size.maxSize}]`, path);
    }
    return parsed.map((item, index) => {
      if (item === undefined) throw new SchemaTypeError('sparse array are not allowed', path);
      return this.item.validate(item, [...path, String(index)], context) as T;
    });
  }
}

/** A string is JSON-parsed here too (internals/index.ts `object`/`record` coerce). */
function parseObject(value: unknown, path: string[], kind: 'object' | 'record'): Record<string, unknown> {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value) as unknown;
    } catch {
      throw new SchemaTypeError(`could not parse ${kind} value from json input`, path);
    }
  }
  if (!isPlainObject(parsed)) {
    throw new SchemaTypeError(kind === 'object' ? `expected a plain object value, but found [${typeDetect(parsed)}] instead.` : `expected value of type [object] but got [${typeDetect(parsed)}]`, path);
  }
  return parsed;
}

export type Props = Record<string, Type<unknown>>;

/** schema.object: every key must have a definition (unknowns: 'forbid', the default). */
export class ObjectType extends Type<Record<string, unknown>> {
  constructor(
    readonly props: Props,
    options: TypeOptions<Record<string, unknown>> = {},
  ) {
    super(options);
  }

  // An absent object is validated as `{}`, so its keys' defaults apply (types/object_type.ts `.default()`).
  override validate(value: unknown, path: string[], context: ValidationContext): Record<string, unknown> | undefined {
    return super.validate(value === undefined ? {} : value, path, context);
  }

  protected check(value: unknown, path: string[], context: ValidationContext): Record<string, unknown> {
    const input = parseObject(value, path, 'object');
    const out: Record<string, unknown> = {};
    // Joi checks the defined keys first, then reports the first unknown one.
    for (const [key, declared] of Object.entries(this.props)) {
      const type = declared instanceof SiblingConditionalType ? (input[declared.sibling] === undefined ? declared.whenAbsent : declared.whenPresent) : declared;
      const validated = type.validate(input[key], [...path, key], context);
      if (validated !== undefined) out[key] = validated;
    }
    for (const key of Object.keys(input)) {
      if (!(key in this.props)) throw new SchemaTypeError(context.unknownKeyMessage(key), [...path, key]);
    }
    return out;
  }
}

class RecordType<V> extends Type<Record<string, V>> {
  constructor(private readonly valueType: Type<V>) {
    super();
  }

  protected check(value: unknown, path: string[], context: ValidationContext): Record<string, V> {
    const input = parseObject(value, path, 'record');
    const out: Record<string, V> = {};
    for (const [key, item] of Object.entries(input)) out[key] = this.valueType.validate(item, [...path, key], context) as V;
    return out;
  }
}

class AnyType extends Type<unknown> {
  protected check(value: unknown): unknown {
    return value;
  }
}

/** schema.conditional(schema.siblingRef(key), schema.never(), …): the sibling's presence picks the type. */
class SiblingConditionalType extends Type<unknown> {
  constructor(
    readonly sibling: string,
    readonly whenAbsent: Type<unknown>,
    readonly whenPresent: Type<unknown>,
  ) {
    super();
  }

  protected check(): unknown {
    throw new Error('resolved by the enclosing object');
  }
}

export const schema = {
  string: (options?: ConstructorParameters<typeof StringType>[0]) => new StringType(options),
  boolean: (options?: TypeOptions<boolean>) => new BooleanType(options),
  number: (options?: ConstructorParameters<typeof NumberType>[0]) => new NumberType(options),
  duration: (options?: TypeOptions<number>) => new DurationType(options),
  byteSize: () => new ByteSizeType(),
  uri: (schemes: string[]) => new UriType(schemes),
  literal: <T extends string | number | boolean | null>(value: T) => new LiteralType(value),
  oneOf: <T>(alternatives: Array<Type<unknown>>, options?: TypeOptions<T>) => new UnionType<T>(alternatives, options),
  arrayOf: <T>(item: Type<T>, options?: ConstructorParameters<typeof ArrayType<T>>[1]) => new ArrayType(item, options),
  object: (props: Props, options?: TypeOptions<Record<string, unknown>>) => new ObjectType(props, options),
  recordOf: <V>(valueType: Type<V>) => new RecordType(valueType),
  any: () => new AnyType(),
  siblingConditional: (sibling: string, whenAbsent: Type<unknown>, whenPresent: Type<unknown>) => new SiblingConditionalType(sibling, whenAbsent, whenPresent),
};
