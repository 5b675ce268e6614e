import { describe, expect, it } from 'vitest';
import { authenticateBasic } from './authentication.js';
import { emptyMetadata } from '../cluster/cluster-state.js';
import { hashSecret } from './passwords.js';

const inputs = (bootstrapPassword: string | undefined, metadata = emptyMetadata()) => ({ authorization: undefined, uri: '/', metadata, bootstrapPassword, fileServiceTokens: new Map(), now: 0 });

describe('elastic on a node (ReservedRealm)', () => {
  it("takes the node's own bootstrap.password only while the security index holds no password for elastic", () => {
    expect(authenticateBasic('elastic', 'boot-pw', inputs('boot-pw'))?.username).toBe('elastic');
    // A node without bootstrap.password (es02, es03 of the lab) refuses elastic until a password is stored.
    expect(authenticateBasic('elastic', 'boot-pw', inputs(undefined))).toBeUndefined();
    const metadata = emptyMetadata();
    metadata.reservedUsers.elastic = { enabled: true, passwordHash: hashSecret('stored-pw') };
    expect(authenticateBasic('elastic', 'stored-pw', inputs(undefined, metadata))?.username).toBe('elastic');
    expect(authenticateBasic('elastic', 'boot-pw', inputs('boot-pw', metadata))).toBeUndefined();
  });
});
