/**
 * Notices that the process that started this one has ended. A parent killed with SIGKILL (npx, a
 * shell, an IDE's task runner) sends its child no signal: the child is re-parented to init or a
 * subreaper, so its parent pid changes. Polling the pid works whatever stdin is: a detached start may
 * have none, so stdin's end is no sign of the parent's.
 */
export interface ParentWatchOptions {
  /** The parent's pid when this process started: read it first thing, so a parent that ends during startup counts. */
  parentPid: number;
  onParentGone: (parentPid: number) => void;
  intervalMs?: number;
  /** The parent pid now; `process.ppid` asks the kernel on every read. */
  currentParentPid?: () => number;
}

export interface ParentWatch {
  stop(): void;
}

export function watchParent(options: ParentWatchOptions): ParentWatch {
  const currentParentPid = options.currentParentPid ?? (() => process.ppid);
  const timer = setInterval(() => {
    if (currentParentPid() === options.parentPid) return;
    clearInterval(timer);
    options.onParentGone(options.parentPid);
  }, options.intervalMs ?? 1_000);
  // The watch alone never keeps the process alive.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
