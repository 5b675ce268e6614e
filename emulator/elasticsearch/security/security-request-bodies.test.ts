import { describe, expect, it } from 'vitest';
import { checkChangePasswordBody, checkPutUserBody, checkRoleBody } from './security-request-bodies';
import { ElasticsearchError } from '../http/rest-errors';

function refusal(run: () => void): { status: number; type: string; reason: string | null } | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!(error instanceof ElasticsearchError)) throw error;
    return { status: error.status, type: error.type, reason: error.reason };
  }
}

const parse = (reason: string) => ({ status: 400, type: 'parse_exception', reason });

describe('security request bodies: the lab’s own requests pass', () => {
  it('accepts the bodies configureLabSecurity sends (role with description, user with full_name, kibana_system password)', () => {
    const role = { cluster: [], indices: [{ names: ['lab-*'], privileges: ['read', 'view_index_metadata'] }], description: 'reads lab-* indices, nothing else' };
    expect(refusal(() => checkRoleBody('lab_analyst', role))).toBeUndefined();
    expect(refusal(() => checkPutUserBody('analyst', { password: 'x'.repeat(24), roles: ['lab_analyst'], full_name: 'read lab-*, nothing else' }))).toBeUndefined();
    expect(refusal(() => checkChangePasswordBody({ password: 'y'.repeat(24) }))).toBeUndefined();
  });
});

describe('security request bodies: what Elasticsearch refuses', () => {
  it('put role: unknown top-level field, non-object body, metadata that is not an object', () => {
    expect(refusal(() => checkRoleBody('r', { cluster: [], indexes: [] }))).toEqual(parse('failed to parse role [r]. unexpected field [indexes]'));
    expect(refusal(() => checkRoleBody('r', { restriction: { workflows: [] } }))).toEqual(parse('failed to parse role [r]. unexpected field [restriction]'));
    expect(refusal(() => checkRoleBody('r', []))).toEqual(parse('failed to parse role [r]. expected an object but found [START_ARRAY] instead'));
    expect(refusal(() => checkRoleBody('r', { metadata: 'x' }))).toEqual(parse('expected field [metadata] to be of type object, but found [VALUE_STRING] instead'));
  });

  it('put role: indices entries — unknown field, missing names or privileges, empty names', () => {
    const prefix = 'failed to parse indices privileges for role [r].';
    expect(refusal(() => checkRoleBody('r', { indices: [{ names: ['a'], privileges: ['read'], index: 'a' }] }))).toEqual(parse(`${prefix} unexpected field [index]`));
    expect(refusal(() => checkRoleBody('r', { indices: [{ privileges: ['read'] }] }))).toEqual(parse(`${prefix} missing required [names] field`));
    expect(refusal(() => checkRoleBody('r', { indices: [{ names: 'a' }] }))).toEqual(parse(`${prefix} missing required [privileges] field`));
    expect(refusal(() => checkRoleBody('r', { indices: [{ names: [], privileges: ['read'] }] }))).toEqual(parse(`${prefix} [names] cannot be an empty array`));
    expect(refusal(() => checkRoleBody('r', { indices: [{ names: ['a'], privileges: ['read'], fields: ['f'] }] }))).toEqual(
      parse('["fields": [...]] format has changed for field permissions in role [r], use ["field_security": {"grant":[...],"except":[...]}] instead'),
    );
    expect(refusal(() => checkRoleBody('r', { indices: { names: ['a'] } }))).toEqual(parse(`${prefix} expected field [indices] value to be an array, but found [START_OBJECT] instead`));
  });

  it('put user: unknown field, a short password, wrong types, a username that differs', () => {
    expect(refusal(() => checkPutUserBody('u', { password: 'secret-pw', role: ['x'] }))).toEqual(parse('failed to parse add user request. unexpected field [role]'));
    expect(refusal(() => checkPutUserBody('u', { password: 'abc' }))).toEqual({
      status: 400,
      type: 'validation_exception',
      reason: 'Validation Failed: 1: passwords must be at least [6] characters long;',
    });
    expect(refusal(() => checkPutUserBody('u', { enabled: 'true' }))).toEqual(parse('expected field [enabled] to be of type boolean, but found [VALUE_STRING] instead'));
    expect(refusal(() => checkPutUserBody('u', { full_name: 7 }))).toEqual(parse('expected field [full_name] to be of type string, but found [VALUE_NUMBER] instead'));
    expect(refusal(() => checkPutUserBody('u', { username: 'v' }))).toEqual({ status: 400, type: 'illegal_argument_exception', reason: '[username] in source does not match the username provided [u]' });
  });

  it('change password: only password or password_hash, at least 6 characters', () => {
    expect(refusal(() => checkChangePasswordBody({ password: 'secret-pw', username: 'kibana_system' }))).toEqual(parse('failed to parse change password request. unexpected field [username]'));
    expect(refusal(() => checkChangePasswordBody({ password: '12345' }))).toEqual({
      status: 400,
      type: 'validation_exception',
      reason: 'Validation Failed: 1: passwords must be at least [6] characters long;',
    });
  });
});
