import { homedir } from 'node:os';
import { join } from 'node:path';

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
  const root = join(home, 'labs', lab);
  return {
    root,
    record: join(root, 'lab.json'),
    secrets: join(root, 'secrets.json'),
    certs: join(root, 'certs'),
    lock: join(root, '.lock'),
  };
}
