import { readdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { currentWindowsUser, grantsBeyondOwner, parseIcaclsListings, privateFolderIcaclsArgs, runIcacls, type IcaclsRunner } from '../../files/windows-acl.ts';
import type { Observed } from '../verification-context.ts';

/** What the Windows side of secrets.host-files needs from the host; tests pass recorded icacls outputs. */
export interface WindowsHostFiles {
  icacls: IcaclsRunner;
  windowsUser: () => string;
}

export const NATIVE_WINDOWS_HOST_FILES: WindowsHostFiles = { icacls: runIcacls, windowsUser: () => currentWindowsUser() };

/** The same objects the POSIX side judges: every folder, and the files that hold keys and secrets. */
function sensitivePaths(root: string): { folders: string[]; files: string[] } {
  const folders = [root];
  const files: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) folders.push(path);
    else if (/\.key$|secrets\.json$|lab\.json$/.test(entry.name)) files.push(path);
  }
  return { folders, files };
}

/** Quoted for cmd and PowerShell alike (PowerShell reads a bare `(OI)` as an expression). */
const shown = (args: string[]) => ['icacls', ...args.map((arg) => (/^\/[a-z:]+$/i.test(arg) ? arg : `"${arg}"`))].join(' ');

/**
 * Windows has no modes to read: one `icacls <lab folder> /T /C` lists the ACL of everything inside,
 * and each folder, key and secrets file must grant no one but the user, SYSTEM and Administrators.
 */
export async function privateLabFolderOnWindows(root: string, host: WindowsHostFiles = NATIVE_WINDOWS_HOST_FILES): Promise<Observed> {
  const { folders, files } = sensitivePaths(root);
  const user = host.windowsUser();
  const fix = `${shown(privateFolderIcaclsArgs(root, user))}, then ${shown([join(root, '*'), '/reset', '/T', '/C'])} so everything inside inherits only that.`;
  let output: string;
  try {
    output = await host.icacls([root, '/T', '/C']);
  } catch (error) {
    return { status: 'fail', evidence: [`the ACL of ${root} could not be read: ${(error as Error).message}`], fix };
  }
  const listings = new Map(parseIcaclsListings(output, [...folders, ...files]).map((listing) => [listing.path, listing.entries]));
  const problems: string[] = [];
  for (const path of [...folders, ...files]) {
    const relative = path.slice(root.length) || sep;
    const entries = listings.get(path);
    const label = folders.includes(path) ? `folder ${relative}` : relative;
    if (!entries?.length) problems.push(`${label}: icacls listed no ACL`);
    else for (const grant of grantsBeyondOwner(entries, user)) problems.push(`${label}: ${grant}`);
  }
  const evidence = [`${root}: ${folders.length} folders and ${files.length} key and secret files checked with icacls; allowed: ${user}, SYSTEM, Administrators`];
  return problems.length ? { status: 'fail', evidence: [problems.slice(0, 6).join('; '), ...evidence], fix } : { status: 'pass', evidence };
}
