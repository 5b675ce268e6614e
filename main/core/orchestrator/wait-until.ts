import { SeclabError, type ErrorContext } from '../../../common/errors.ts';

export interface WaitOptions {
  what: string;
  timeoutMs: number;
  /** The pause between probes; also between the successes of a `consecutive` streak unless `streakIntervalMs` says otherwise. */
  intervalMs?: number;
  /** The pause between the successes of a `consecutive` streak: how long the streak must hold, whatever the polling. */
  streakIntervalMs?: number;
  /**
   * The first pause while not yet ready, doubled after each miss up to `intervalMs`: a component
   * that is ready within a second is seen within tens of ms of it, not at the next fixed tick.
   */
  firstIntervalMs?: number;
  /** How many successes in a row count as ready (Fleet Server restarts once after its first "healthy"). */
  consecutive?: number;
  context?: ErrorContext;
  sleep?: (ms: number) => Promise<void>;
}

/** `fatal` ends the wait at once: with `error` when the probe knows what went wrong better than "not ready". */
export type Observation<T> = { ready: true; value: T } | { ready: false; detail: string; fatal?: boolean; error?: SeclabError };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it reports ready `consecutive` times in a row, or fails with the last thing it saw. */
export async function waitUntil<T>(probe: () => Promise<Observation<T>>, options: WaitOptions): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  const deadline = Date.now() + options.timeoutMs;
  const needed = options.consecutive ?? 1;
  const interval = options.intervalMs ?? 1000;
  let backoff = Math.min(options.firstIntervalMs ?? interval, interval);
  let streak = 0;
  let lastDetail = 'no answer yet';
  for (;;) {
    let observation: Observation<T>;
    try {
      observation = await probe();
    } catch (error) {
      observation = { ready: false, detail: (error as Error).message };
    }
    if (observation.ready) {
      streak += 1;
      if (streak >= needed) return observation.value;
    } else {
      streak = 0;
      lastDetail = observation.detail;
      if (observation.fatal) throw observation.error ?? new SeclabError('COMPONENT_FAILED', `${options.what}: ${lastDetail}`, options.context);
    }
    if (Date.now() >= deadline) {
      throw new SeclabError('READINESS_TIMEOUT', `${options.what} was not ready after ${Math.round(options.timeoutMs / 1000)}s; last seen: ${lastDetail}`, options.context);
    }
    // A streak is confirmed at its own interval, so `consecutive` spans as long as it always did.
    if (streak > 0) {
      await sleep(options.streakIntervalMs ?? interval);
    } else {
      await sleep(backoff);
      backoff = Math.min(backoff * 2, interval);
    }
  }
}
