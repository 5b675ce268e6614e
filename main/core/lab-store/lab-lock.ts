import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { SeclabError } from '../../../common/errors.ts';
import { ensurePrivateDirectory } from '../files/private-files.ts';
import { labPaths } from './lab-home.ts';
import { dirname } from 'node:path';

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live process working on the lab, if one is: a lock left by a dead one is no holder. */
export function labLockHolder(home: string, lab: string): { pid: number; operation: string } | undefined {
  try {
    const holder = JSON.parse(readFileSync(labPaths(home, lab).lock, 'utf8')) as { pid: number; operation: string };
    return processAlive(holder.pid) ? holder : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a live `seclab down` (or reset's teardown) is taking the lab apart now. */
export function labBeingTakenDown(home: string, lab: string): boolean {
  return labLockHolder(home, lab)?.operation === 'down';
}

/** One `up`/`down`/`reset` per lab at a time, across processes; a lock left by a dead process is taken over. */
export function acquireLabLock(home: string, lab: string, operation: string): () => void {
  const path = labPaths(home, lab).lock;
  // Made private when new, never chmod-ed when it exists: a workshop break opens the lab folder to 0755 on
  // purpose, and a lock taken to change the lab (a repair of another layer) must not close it, even for a moment
  // (a challenge's watcher that saw 0700 then called that layer fixed).
  if (!existsSync(dirname(path))) ensurePrivateDirectory(dirname(path));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, operation, since: new Date().toISOString() }));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: { pid: number; operation: string } | undefined;
      try {
        holder = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        holder = undefined;
      }
      if (holder && processAlive(holder.pid)) {
        throw new SeclabError('LAB_BUSY', `lab "${lab}" is busy: \`seclab ${holder.operation}\` (pid ${holder.pid}) is working on it; wait for it to finish`, { lab });
      }
      rmSync(path, { force: true });
    }
  }
  throw new SeclabError('LAB_BUSY', `could not lock lab "${lab}"`, { lab });
}
