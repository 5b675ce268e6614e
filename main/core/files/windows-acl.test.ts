import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { currentWindowsUser, grantsBeyondOwner, parseIcaclsListings, parseIcaclsOutput, privateFolderIcaclsArgs } from './windows-acl.ts';

/** Recorded `icacls <path>` outputs (CRLF, as icacls writes them); see windows-acl.ts for their shape. */
const recorded = (name: string) => readFileSync(new URL(`./__fixtures__/icacls-${name}.txt`, import.meta.url), 'utf8');

const ALICE = 'DESKTOP-7Q3K2LM\\alice';
const LAB = 'C:\\Users\\alice\\.seclab\\labs\\default';

describe('icacls output', () => {
  it('a private lab folder: the user, SYSTEM and Administrators, inherited by what is inside', () => {
    const entries = parseIcaclsOutput(recorded('private'), LAB);
    expect(entries).toEqual([
      { principal: ALICE, flags: ['OI', 'CI'], rights: ['F'], deny: false },
      { principal: 'NT AUTHORITY\\SYSTEM', flags: ['OI', 'CI'], rights: ['F'], deny: false },
      { principal: 'BUILTIN\\Administrators', flags: ['OI', 'CI'], rights: ['F'], deny: false },
    ]);
    expect(grantsBeyondOwner(entries, ALICE)).toEqual([]);
  });

  it('a folder made under C:\\ inherits read for BUILTIN\\Users and modify for Authenticated Users', () => {
    const entries = parseIcaclsOutput(recorded('inherits-users'), 'C:\\seclab\\labs\\default');
    expect(entries).toHaveLength(5);
    expect(grantsBeyondOwner(entries, ALICE)).toEqual([
      'BUILTIN\\Users has (RX), inherited',
      'NT AUTHORITY\\Authenticated Users has (M), inherited',
      'NT AUTHORITY\\Authenticated Users has (M) on what is created inside, inherited',
    ]);
  });

  it('Everyone with full control is named; a deny entry for Everyone grants nothing', () => {
    const entries = parseIcaclsOutput(recorded('everyone'), 'D:\\labs\\default');
    expect(entries.at(-1)).toEqual({ principal: 'Everyone', flags: [], rights: ['W'], deny: true });
    expect(grantsBeyondOwner(entries, ALICE)).toEqual(['Everyone has (F)']);
  });

  it('spaces in the path and in the user name do not move the split', () => {
    const path = 'C:\\Users\\Jane Doe\\Secure Cluster Lab\\labs\\my lab';
    const entries = parseIcaclsOutput(recorded('path-with-spaces'), path);
    expect(entries.map((entry) => entry.principal)).toEqual(['DESKTOP-7Q3K2LM\\Jane Doe', 'NT AUTHORITY\\SYSTEM', 'BUILTIN\\Administrators']);
    expect(grantsBeyondOwner(entries, 'DESKTOP-7Q3K2LM\\Jane Doe')).toEqual([]);
    expect(grantsBeyondOwner(entries, 'DESKTOP-7Q3K2LM\\Jane')).toEqual(['DESKTOP-7Q3K2LM\\Jane Doe has (F)']);
  });

  it('German Windows: NT-AUTORITÄT\\SYSTEM and VORDEFINIERT\\Administratoren pass, VORDEFINIERT\\Benutzer is named; the translated summary is no entry', () => {
    const entries = parseIcaclsOutput(recorded('german'), 'C:\\Users\\anna\\.seclab\\labs\\default');
    expect(entries).toHaveLength(4);
    expect(grantsBeyondOwner(entries, 'DESKTOP-4F2A9B1\\anna')).toEqual(['VORDEFINIERT\\Benutzer has (RX)']);
    // icacls writes in the console code page: a garbled domain still names SYSTEM.
    const garbled = recorded('german').replace('NT-AUTORITÄT', 'NT-AUTORIT\uFFFD');
    expect(grantsBeyondOwner(parseIcaclsOutput(garbled, 'C:\\Users\\anna\\.seclab\\labs\\default'), 'DESKTOP-4F2A9B1\\anna')).toEqual(['VORDEFINIERT\\Benutzer has (RX)']);
  });

  it('SIDs icacls cannot name: S-1-5-18 and S-1-5-32-544 pass, a deleted account (S-1-5-21-…) is named', () => {
    const entries = parseIcaclsOutput(recorded('sids'), LAB);
    expect(entries.map((entry) => entry.principal)).toContain('S-1-5-18');
    expect(grantsBeyondOwner(entries, ALICE)).toEqual(['S-1-5-21-3623811015-3361044348-30300820-1013 has (F)']);
    // The *SID form of icacls's own arguments is the same principal.
    expect(grantsBeyondOwner([{ principal: '*S-1-5-32-544', flags: [], rights: ['F'], deny: false }], ALICE)).toEqual([]);
  });

  it('another account of the same name in another domain is not the user', () => {
    const entries = parseIcaclsOutput(recorded('private').replace('DESKTOP-7Q3K2LM\\alice', 'CORP\\alice'), LAB);
    expect(grantsBeyondOwner(entries, ALICE)).toEqual(['CORP\\alice has (F)']);
    // Without USERDOMAIN only the account name is known, and that is what is compared.
    expect(grantsBeyondOwner(entries, 'alice')).toEqual([]);
  });

  it('an integrity label restricts and grants nothing', () => {
    expect(grantsBeyondOwner([{ principal: 'Mandatory Label\\High Mandatory Level', flags: ['OI', 'NP', 'IO'], rights: ['NW'], deny: false }], ALICE)).toEqual([]);
  });

  it('icacls /T: one listing per object, split at the paths the caller listed', () => {
    const paths = ['', '\\certs', '\\certs\\ca', '\\certs\\ca\\ca.key', '\\secrets.json'].map((relative) => LAB + relative);
    const listings = parseIcaclsListings(recorded('tree'), paths);
    expect(listings.map((listing) => listing.path)).toEqual(paths);
    expect(listings.map((listing) => grantsBeyondOwner(listing.entries, ALICE))).toEqual([[], [], [], ['BUILTIN\\Users has (R)'], []]);
  });

  it('an output without the path yields no entries rather than a guess', () => {
    expect(parseIcaclsOutput(recorded('private'), 'C:\\elsewhere')).toEqual([]);
    expect(parseIcaclsOutput('C:\\Users\\alice\\.seclab\\labs\\default: Access is denied.\r\nSuccessfully processed 0 files; Failed processing 1 files\r\n', LAB)).toEqual([]);
  });
});

describe('making a folder private', () => {
  it('removes inherited entries and grants the user, SYSTEM and Administrators (by SID) full control inherited inside', () => {
    expect(privateFolderIcaclsArgs('C:\\Users\\Jane Doe\\.seclab', 'DESKTOP-7Q3K2LM\\Jane Doe')).toEqual([
      'C:\\Users\\Jane Doe\\.seclab',
      '/inheritance:r',
      '/grant:r',
      'DESKTOP-7Q3K2LM\\Jane Doe:(OI)(CI)F',
      '*S-1-5-18:(OI)(CI)F',
      '*S-1-5-32-544:(OI)(CI)F',
    ]);
  });

  it('the ACL those arguments produce is judged private', () => {
    const [, , , ...grants] = privateFolderIcaclsArgs(LAB, ALICE);
    const entries = grants.map((grant) => ({ principal: grant.split(':')[0], flags: ['OI', 'CI'], rights: ['F'], deny: false }));
    expect(grantsBeyondOwner(entries, ALICE)).toEqual([]);
  });

  it('names the user with the domain Windows sets', () => {
    expect(currentWindowsUser({ USERDOMAIN: 'DESKTOP-7Q3K2LM' }, 'alice')).toBe('DESKTOP-7Q3K2LM\\alice');
    expect(currentWindowsUser({}, 'alice')).toBe('alice');
  });
});
