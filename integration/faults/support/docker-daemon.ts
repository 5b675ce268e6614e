import { closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';

/**
 * The dockerd that `npm test` started (scripts/test-prerequisites.sh writes its pid here). Only
 * that one may be stopped and started again: an engine the machine's owner runs is never touched.
 */
export const DOCKERD_PID_FILE = join(process.env.TMPDIR ?? tmpdir(), 'seclab-dockerd.pid');

export interface OwnedDockerd {
  pid: number;
  argv: string[];
}

export function ownedDockerd(): OwnedDockerd | undefined {
  if (!existsSync(DOCKERD_PID_FILE)) return undefined;
  const pid = Number(readFileSync(DOCKERD_PID_FILE, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1) return undefined;
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return argv[0]?.endsWith('dockerd') ? { pid, argv } : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function stopDockerd(daemon: OwnedDockerd): Promise<void> {
  process.kill(daemon.pid, 'SIGTERM');
  for (let waited = 0; alive(daemon.pid); waited += 200) {
    if (waited > 90_000) throw new Error(`dockerd (pid ${daemon.pid}) did not stop within 90 s`);
    await sleep(200);
  }
}

/** Starts dockerd again with the same arguments and log, records its new pid, and waits for its API. */
export async function startDockerd(daemon: OwnedDockerd): Promise<OwnedDockerd> {
  const log = openSync(join(process.env.TMPDIR ?? tmpdir(), 'seclab-dockerd.log'), 'a');
  const child = spawn(daemon.argv[0], daemon.argv.slice(1), { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  closeSync(log);
  const started = { pid: child.pid ?? 0, argv: daemon.argv };
  writeFileSync(DOCKERD_PID_FILE, `${started.pid}\n`);
  const docker = new Docker();
  for (let waited = 0; ; waited += 250) {
    try {
      await docker.ping();
      return started;
    } catch {
      if (waited > 90_000) throw new Error('dockerd did not answer within 90 s of starting again');
      await sleep(250);
    }
  }
}
