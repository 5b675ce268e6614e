import { describe, expect, it } from 'vitest';
import { accessDenied, indexActionAllowed, resolveIndexExpressions } from './authorization.js';
import { authenticateBasic, type Subject } from './authentication.js';
import { emptyMetadata } from '../cluster/cluster-state.js';
import { hashSecret } from './passwords.js';

function userWithRoles(roles: string[], rolesDefined: Record<string, unknown> = {}): Subject {
  const metadata = emptyMetadata();
  Object.assign(metadata.roles, rolesDefined);
  metadata.users.u = { username: 'u', passwordHash: hashSecret('password'), roles, full_name: null, email: null, metadata: {}, enabled: true };
  return authenticateBasic('u', 'password', { authorization: undefined, uri: '/', metadata, bootstrapPassword: undefined, fileServiceTokens: new Map(), now: 0 })!;
}

describe('403 messages (AuthorizationDenialMessages)', () => {
  it('sorts roles and mentions roles that were not found', () => {
    const subject = userWithRoles(['viewer', 'ghost', 'editor']);
    expect(accessDenied(subject, 'indices:admin/create', 'index', ['idx']).reason).toBe(
      'action [indices:admin/create] is unauthorized for user [u] with effective roles [editor,viewer] (assigned roles [ghost] were not found) on indices [idx], this action is granted by the index privileges [create_index,manage,all]',
    );
  });
});

describe('index privileges', () => {
  const writer = userWithRoles(['w'], { w: { cluster: [], indices: [{ names: ['logs-*'], privileges: ['create_doc'] }], applications: [], run_as: [], metadata: {} } });

  it('create_doc allows only create-type index requests', () => {
    expect(indexActionAllowed(writer, 'logs-a', 'indices:data/write/index', { opType: 'create' })).toBe(true);
    expect(indexActionAllowed(writer, 'logs-a', 'indices:data/write/index', { opType: 'index' })).toBe(false);
  });

  it('superuser reads but cannot write restricted indices', () => {
    const superuser = userWithRoles(['superuser']);
    expect(indexActionAllowed(superuser, '.security-7', 'indices:data/read/search')).toBe(true);
    expect(indexActionAllowed(superuser, '.security-7', 'indices:data/write/index')).toBe(false);
  });

  it('wildcards drop unauthorized and hidden indices; concrete names are refused', () => {
    const reader = userWithRoles(['r'], { r: { cluster: [], indices: [{ names: ['pub*'], privileges: ['read'] }], applications: [], run_as: [], metadata: {} } });
    expect(resolveIndexExpressions(reader, 'indices:data/read/search', ['*'], ['public', 'private', '.kibana']).authorized).toEqual(['public']);
    expect(() => resolveIndexExpressions(reader, 'indices:data/read/search', ['private'], ['private'])).toThrow(/on indices \[private\]/);
  });
});
