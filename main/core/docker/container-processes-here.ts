import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * A container's processes read from this machine's /proc, when the engine runs them on this
 * machine's kernel: its cgroup names the container's ID, so the PID is that container's and no
 * other process's. `docker top` runs `ps` through the engine and an exec starts a process in the
 * container; on two cores each cost the engine 0.06–0.15 s of CPU, at every verification run.
 * Undefined when the processes are not visible here (an engine in a VM or on another host, another
 * PID namespace): the caller asks the engine instead.
 */
export interface ContainerProcessesHere {
  /** /proc/<pid>/limits of the container's main process. */
  mainProcessLimits(): string | undefined;
  /**
   * The container's processes with their effective uid, as `ps -o uid,pid,comm` shows them; undefined
   * when the container has a user namespace of its own (rootless Docker or Podman, userns-remap): its
   * uids as this machine sees them are not the ones the engine reports (root inside is an unprivileged
   * uid here), so the caller asks the engine.
   */
  processes(): ContainerProcess[] | undefined;
}

export interface ContainerProcess {
  pid: number;
  uid: string;
  comm: string;
}

const readText = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

const inContainer = (cgroup: string | undefined, containerId: string) => Boolean(cgroup && cgroup.includes(containerId));

export function containerProcessesHere(containerId: string, mainPid: number | undefined, proc = '/proc'): ContainerProcessesHere | undefined {
  if (process.platform !== 'linux' || !mainPid || containerId.length < 12) return undefined;
  if (!inContainer(readText(`${proc}/${mainPid}/cgroup`), containerId)) return undefined;
  return {
    mainProcessLimits: () => readText(`${proc}/${mainPid}/limits`),
    processes: () =>
      !sameUserNamespace(proc, mainPid)
        ? undefined
        : readdirSync(proc)
            .filter((entry) => /^\d+$/.test(entry) && inContainer(readText(`${proc}/${entry}/cgroup`), containerId))
            .map((pid) => processOf(proc, Number(pid)))
            // A process may end between the listing and the read: it is no longer one of them.
            .filter((found): found is ContainerProcess => found !== undefined),
  };
}

export function processOf(proc: string, pid: number): ContainerProcess | undefined {
  const status = readText(`${proc}/${pid}/status`);
  const uid = status && /^Uid:\s+\d+\s+(\d+)/m.exec(status)?.[1];
  const comm = status && /^Name:\s+(.*)$/m.exec(status)?.[1];
  return uid ? { pid, uid, comm: comm ?? '?' } : undefined;
}

function sameUserNamespace(proc: string, pid: number): boolean {
  try {
    return readlinkSync(`${proc}/${pid}/ns/user`) === readlinkSync(`${proc}/self/ns/user`);
  } catch {
    // Not ours to look at (another user's process): then the engine is asked.
    return false;
  }
}
