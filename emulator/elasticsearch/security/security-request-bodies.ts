import { ElasticsearchError, parsingError } from '../http/rest-errors.js';
import { STORED_PASSWORD_HASH_ALGORITHMS, hasherOfHash } from './passwords.js';

/**
 * The request-body parsers of the security APIs the lab calls, as strict as Elasticsearch's own: each is a
 * hand-written XContent loop that throws ElasticsearchParseException (`parse_exception`, 400) on a field it
 * does not know. Parsing happens in the REST action, before the transport action's authorization.
 */

type Json = Record<string, unknown>;

/** The XContentParser token a JSON value starts with, as ES names it in messages. */
function tokenOf(value: unknown): string {
  if (value === null) return 'VALUE_NULL';
  if (Array.isArray(value)) return 'START_ARRAY';
  if (typeof value === 'object') return 'START_OBJECT';
  if (typeof value === 'string') return 'VALUE_STRING';
  if (typeof value === 'number') return 'VALUE_NUMBER';
  return 'VALUE_BOOLEAN';
}

/** org.elasticsearch.common.ValidationException: `validation_exception`, 400. */
function validationException(message: string): ElasticsearchError {
  return new ElasticsearchError(400, 'validation_exception', `Validation Failed: 1: ${message};`);
}

// Validation.Users.validatePassword (x-pack core security/support/Validation.java)
const MIN_PASSWORD_LENGTH = 6;

function validatePassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw validationException(`passwords must be at least [${MIN_PASSWORD_LENGTH}] characters long`);
}

function expectString(field: string, value: unknown, nullable = false): void {
  if (typeof value === 'string' || (nullable && value === null)) return;
  throw parsingError(`expected field [${field}] to be of type string, but found [${tokenOf(value)}] instead`);
}

/**
 * RoleDescriptor.parse as PUT /_security/role/{name} uses it (description allowed, restriction not):
 * top-level fields, then each `indices` entry (RoleDescriptor.parseIndexWithOptionalRemoteClusters).
 */
const ROLE_FIELDS = new Set(['cluster', 'indices', 'index', 'applications', 'application', 'global', 'run_as', 'metadata', 'transient_metadata', 'remote_indices', 'remote_cluster', 'description', 'type']);

const INDEX_FIELDS = new Set(['names', 'privileges', 'field_security', 'query', 'allow_restricted_indices']);

export function checkRoleBody(name: string, body: unknown): void {
  if (tokenOf(body) !== 'START_OBJECT') throw parsingError(`failed to parse role [${name}]. expected an object but found [${tokenOf(body)}] instead`);
  for (const [field, value] of Object.entries(body as Json)) {
    if (!ROLE_FIELDS.has(field) || (field === 'transient_metadata' && tokenOf(value) !== 'START_OBJECT')) {
      throw parsingError(`failed to parse role [${name}]. unexpected field [${field}]`);
    }
    if (field === 'metadata' && tokenOf(value) !== 'START_OBJECT') {
      throw parsingError(`expected field [${field}] to be of type object, but found [${tokenOf(value)}] instead`);
    }
    if (field === 'indices' || field === 'index') checkIndices(name, field, value);
  }
}

function checkIndices(role: string, field: string, value: unknown): void {
  const prefix = `failed to parse indices privileges for role [${role}].`;
  if (!Array.isArray(value)) throw parsingError(`${prefix} expected field [${field}] value to be an array, but found [${tokenOf(value)}] instead`);
  for (const entry of value) {
    if (tokenOf(entry) !== 'START_OBJECT') {
      throw parsingError(`${prefix} expected field [${field}] value to be an array of objects, but found an array element of type [${tokenOf(entry)}]`);
    }
    for (const [key, item] of Object.entries(entry as Json)) {
      // PUT role parses with allow2xFormat = false: the 2.x `fields` list has its own refusal.
      if (key === 'fields') {
        throw parsingError(`["fields": [...]] format has changed for field permissions in role [${role}], use ["field_security": {"grant":[...],"except":[...]}] instead`);
      }
      if (!INDEX_FIELDS.has(key)) throw parsingError(`${prefix} unexpected field [${key}]`);
      if (key === 'names') {
        if (Array.isArray(item) && item.length === 0) throw parsingError(`${prefix} [names] cannot be an empty array`);
        if (!Array.isArray(item) && typeof item !== 'string') {
          throw parsingError(`${prefix} expected field [names] value to be a string or an array of strings, but found [${tokenOf(item)}] instead`);
        }
      }
      if (key === 'allow_restricted_indices' && typeof item !== 'boolean') {
        throw parsingError(`${prefix} expected field [${key}] value to be a boolean, but found [${tokenOf(item)}] instead`);
      }
    }
    for (const requiredField of ['names', 'privileges']) {
      if (!(requiredField in (entry as Json))) throw parsingError(`${prefix} missing required [${requiredField}] field`);
    }
  }
}

/** PutUserRequestBuilder.source: the fields of PUT /_security/user/{username}. */
export function checkPutUserBody(username: string, body: Json): void {
  for (const [field, value] of Object.entries(body)) {
    switch (field) {
      case 'password':
        expectString(field, value);
        validatePassword(value as string);
        break;
      case 'password_hash':
        expectString(field, value);
        checkPasswordHash(value as string);
        break;
      case 'roles':
        break;
      case 'full_name':
      case 'email':
        expectString(field, value, true);
        break;
      case 'metadata':
        if (tokenOf(value) !== 'START_OBJECT') throw parsingError(`expected field [${field}] to be of type object, but found [${tokenOf(value)}] instead`);
        break;
      case 'enabled':
        if (typeof value !== 'boolean') throw parsingError(`expected field [${field}] to be of type boolean, but found [${tokenOf(value)}] instead`);
        break;
      case 'username':
        expectString(field, value);
        if (value !== username) throw new ElasticsearchError(400, 'illegal_argument_exception', `[username] in source does not match the username provided [${username}]`);
        break;
      default:
        throw parsingError(`failed to parse add user request. unexpected field [${field}]`);
    }
  }
}

/** ChangePasswordRequestBuilder.source: `password` or `password_hash`, nothing else. */
export function checkChangePasswordBody(body: Json): void {
  for (const [field, value] of Object.entries(body)) {
    if (field !== 'password' && field !== 'password_hash') throw parsingError(`failed to parse change password request. unexpected field [${field}]`);
    expectString(field, value);
    if (field === 'password') validatePassword(value as string);
    else checkPasswordHash(value as string);
  }
}

/**
 * PutUserRequestBuilder.passwordHash / ChangePasswordRequestBuilder.passwordHash (ES 9): a hash of any stored-password
 * hasher (bcrypt*, pbkdf2*) is taken whatever xpack.security.authc.password_hashing.algorithm says; anything else —
 * clear text, {SHA}, {MD5}, {SSHA256} — is refused while the body is parsed, before authorization.
 */
export function checkPasswordHash(hash: string): void {
  if (STORED_PASSWORD_HASH_ALGORITHMS.includes(hasherOfHash(hash))) return;
  throw new ElasticsearchError(
    400,
    'illegal_argument_exception',
    `The provided password hash is not a hash or it could not be resolved to a supported hash algorithm. The supported password hash algorithms are [${STORED_PASSWORD_HASH_ALGORITHMS.join(', ')}]`,
  );
}
