import { homedir } from 'node:os';
import { join } from 'node:path';
import { labNameSchema } from '../../../common/lab-spec.ts';
import { SeclabError } from '../../../common/errors.ts';

/** SECLAB_HOME, default ~/.seclab; each lab has labs/<name>/ below it. */
export function seclabHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.SECLAB_HOME && env.SECLAB_HOME.trim() !== '' ? env.SECLAB_HOME : join(homedir(), '.seclab');
}

export interface LabPaths {
  root: string;
  record: string;
  secrets: string;
  certs: string;
  lock: string;
}

export function labPaths(home: string, lab: string): LabPaths {
  // The last guard before a name becomes a path (a Docker label can carry any text, and `down --all` reads labels).
  if (!labNameSchema.safeParse(lab).success) throw new SeclabError('INVALID_LAB_NAME', `"${lab}" is not a lab name seclab makes, so it has no folder: nothing was read or removed`);
  const root = join(home, 'labs', lab);
  return {
    root,
    record: join(root, 'lab.json'),
    secrets: join(root, 'secrets.json'),
    certs: join(root, 'certs'),
    lock: join(root, '.lock'),
  };
}
