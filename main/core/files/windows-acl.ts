import { execFile, execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';

/**
 * Windows has no POSIX modes: a lab folder is private when its ACL grants only the user, SYSTEM and
 * the Administrators group. We read and set ACLs with icacls, which every Windows has
 * (learn.microsoft.com/windows-server/administration/windows-commands/icacls). No npm package parses
 * its output, and the output is plain lines:
 *
 *   C:\Users\alice\.seclab\labs\default NT AUTHORITY\SYSTEM:(OI)(CI)(F)
 *                                       BUILTIN\Administrators:(OI)(CI)(F)
 *                                       DESKTOP-7Q3K2LM\alice:(OI)(CI)(F)
 *
 *   Successfully processed 1 files; Failed processing 0 files
 *
 * The object's path starts its first line, every other entry is indented, a blank line ends the
 * object (with /T the next object follows), and a summary line closes the run. Principal names and
 * the summary are in the system's language; the structure is not. An account the system can no
 * longer name is shown as its SID (S-1-5-21-…).
 */

export interface AclEntry {
  /** As icacls shows it: `DOMAIN\name`, a bare name (`Everyone`) or a SID. */
  principal: string;
  /** Inheritance flags: I (inherited), OI, CI, IO (inherit only: not this object), NP. */
  flags: string[];
  /** Simple rights (F, M, RX, R, W, D, N) or specific ones (AD, WD, …). */
  rights: string[];
  deny: boolean;
}

export interface AclListing {
  path: string;
  entries: AclEntry[];
}

const INHERITANCE_FLAGS = new Set(['I', 'OI', 'CI', 'IO', 'NP']);
const ENTRY = /^(.+?):((?:\([^()]*\))+)\s*$/;

function parseEntry(text: string): AclEntry | undefined {
  const match = ENTRY.exec(text.trim());
  if (!match) return undefined;
  const groups = [...match[2].matchAll(/\(([^()]*)\)/g)].map((group) => group[1]);
  return {
    principal: match[1].trim(),
    flags: groups.filter((group) => INHERITANCE_FLAGS.has(group)),
    rights: groups.filter((group) => !INHERITANCE_FLAGS.has(group) && group !== 'DENY').flatMap((group) => group.split(',')),
    deny: groups.includes('DENY'),
  };
}

/**
 * The ACLs in the output of `icacls <path>` or `icacls <path> /T`. `paths` are the objects that may
 * appear (the caller listed them): both paths and principals may hold spaces, so a line is split
 * where a known path ends, never at a guessed space. Lines of objects not in `paths`, and the
 * summary, are not entries.
 */
export function parseIcaclsListings(output: string, paths: string[]): AclListing[] {
  const byLength = [...paths].sort((a, b) => b.length - a.length);
  const listings: AclListing[] = [];
  let current: AclListing | undefined;
  for (const line of output.split(/\r?\n/)) {
    if (!line.trim()) {
      current = undefined;
      continue;
    }
    if (!current) {
      const path = byLength.find((candidate) => line.toLowerCase().startsWith(`${candidate.toLowerCase()} `));
      if (!path) continue;
      current = { path, entries: [] };
      listings.push(current);
      const entry = parseEntry(line.slice(path.length + 1));
      if (entry) current.entries.push(entry);
      continue;
    }
    const entry = parseEntry(line);
    if (entry) current.entries.push(entry);
  }
  return listings;
}

/** The ACL of one object, from `icacls <path>`. */
export function parseIcaclsOutput(output: string, path: string): AclEntry[] {
  return parseIcaclsListings(output, [path])[0]?.entries ?? [];
}

/** Well-known SIDs: locale-free, unlike their names (docs: learn.microsoft.com/windows/win32/secauthz/well-known-sids). */
export const SYSTEM_SID = 'S-1-5-18';
export const ADMINISTRATORS_SID = 'S-1-5-32-544';

/**
 * Names icacls prints for SYSTEM and Administrators: English, and the translations of German and
 * French Windows (NT-AUTORITÄT\SYSTEM, VORDEFINIERT\Administratoren, AUTORITE NT\Système,
 * BUILTIN\Administrateurs). Compared by the part after the domain: icacls writes in the console's
 * code page, so a non-ASCII domain such as NT-AUTORITÄT may reach us garbled. A name missing here is
 * reported by name, never silently accepted.
 */
const WELL_KNOWN_ACCOUNTS = new Set(['system', 'système', 'administrators', 'administratoren', 'administrateurs', SYSTEM_SID.toLowerCase(), ADMINISTRATORS_SID.toLowerCase()]);

/** `DOMAIN\name` for the grant; os.userInfo() has the name only, Windows sets USERDOMAIN. */
export function currentWindowsUser(env: NodeJS.ProcessEnv = process.env, name = userInfo().username): string {
  return env.USERDOMAIN ? `${env.USERDOMAIN}\\${name}` : name;
}

function accountPart(principal: string): string {
  return principal.replace(/^\*/, '').split('\\').pop()!.toLowerCase();
}

function isAllowed(principal: string, user: string): boolean {
  const shown = principal.replace(/^\*/, '').toLowerCase();
  const wanted = user.toLowerCase();
  // With a domain, only that account; without one (no USERDOMAIN), the account of that name.
  if (shown === wanted || (!wanted.includes('\\') && accountPart(shown) === wanted)) return true;
  return WELL_KNOWN_ACCOUNTS.has(accountPart(shown));
}

function describeGrant(entry: AclEntry): string {
  const where = entry.flags.includes('IO') ? ' on what is created inside' : '';
  return `${entry.principal} has (${entry.rights.join(',')})${where}${entry.flags.includes('I') ? ', inherited' : ''}`;
}

/** Integrity labels (`Mandatory Label\High Mandatory Level:(NW)`) are listed too; they restrict, never grant. */
const LABEL_POLICIES = new Set(['NW', 'NR', 'NX']);
const grantsSomething = (entry: AclEntry) => !entry.deny && !entry.rights.every((right) => LABEL_POLICIES.has(right));

/**
 * What makes an ACL not private: each grant to someone other than the user, SYSTEM and
 * Administrators, in words ("BUILTIN\Users has (RX), inherited"). Deny entries grant nothing.
 */
export function grantsBeyondOwner(entries: AclEntry[], user: string): string[] {
  return entries.filter((entry) => grantsSomething(entry) && !isAllowed(entry.principal, user)).map(describeGrant);
}

/**
 * icacls arguments that make `path` private: inherited entries removed, full control for the user,
 * SYSTEM and Administrators, inherited by everything created inside. SYSTEM and Administrators are
 * given by SID (`*S-…`, as the docs prescribe for numeric SIDs) so the grant works in every language.
 */
export function privateFolderIcaclsArgs(path: string, user: string): string[] {
  return [path, '/inheritance:r', '/grant:r', `${user}:(OI)(CI)F`, `*${SYSTEM_SID}:(OI)(CI)F`, `*${ADMINISTRATORS_SID}:(OI)(CI)F`];
}

export type IcaclsRunner = (args: string[]) => Promise<string>;
export type IcaclsRunnerSync = (args: string[]) => string;

/** Never through a shell: a path is one argument, whatever it holds. */
export const runIcacls: IcaclsRunner = (args) =>
  new Promise((resolve, reject) => {
    execFile('icacls', args, { windowsHide: true, encoding: 'utf8', maxBuffer: 16 * 1024 ** 2 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`icacls ${args[0]} failed: ${(stderr || stdout || error.message).trim()}`));
      else resolve(stdout);
    });
  });

export const runIcaclsSync: IcaclsRunnerSync = (args) => execFileSync('icacls', args, { windowsHide: true, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
