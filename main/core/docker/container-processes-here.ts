import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { posix } from 'node:path';

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
  /**
   * A file as the container sees it, read through its main process's root (/proc/<pid>/root): what
   * `cat` in the container would print, without an exec. Undefined when this machine may not look
   * (another user's process) or the path holds a symbolic link: such a link would be followed from
   * this machine's root, not the container's, so the caller asks the engine instead.
   */
  file(path: string): string | undefined;
  /**
   * What changes whenever the file's bytes do (device, inode, size, modification and change times in
   * nanoseconds; a write always moves the change time), read as `file` reads it; undefined likewise.
   */
  fileStamp(path: string): string | undefined;
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
    file: (path) => openedThroughRoot(`${proc}/${mainPid}/root`, path, (fd) => readFileSync(fd, 'utf8')),
    fileStamp: (path) =>
      openedThroughRoot(`${proc}/${mainPid}/root`, path, (fd) => {
        const stat = fstatSync(fd, { bigint: true });
        return [stat.dev, stat.ino, stat.size, stat.mtimeNs, stat.ctimeNs].join(':');
      }),
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

function openedThroughRoot<T>(root: string, path: string, use: (fd: number) => T): T | undefined {
  if (!posix.isAbsolute(path) || posix.normalize(path) !== path) return undefined;
  try {
    let walked = root;
    for (const part of path.split('/').filter(Boolean)) {
      walked = `${walked}/${part}`;
      if (lstatSync(walked).isSymbolicLink()) return undefined;
    }
    // O_NOFOLLOW: a link put in place since the walk is refused, not followed.
    const fd = openSync(walked, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      return use(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}
