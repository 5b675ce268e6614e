import type { ChallengeBoard } from '../../../common/workshop.ts';
import type { LabContext } from '../orchestrator/up-lab.ts';
import { verifyLab } from '../verification/verify-lab.ts';
import { readWorkshopJournal } from './workshop-journal.ts';
import { openChallengeChecks, recordChallengeFixes, type ChallengeOptions } from './challenge-engine.ts';

export interface ChallengeWatcherOptions extends ChallengeOptions {
  /** How often the open layers' checks run again: a role change or a chmod makes no Docker event. */
  intervalMs?: number;
  /** The board after the verifier saw one or more layers fixed, with every check now. */
  onSolved: (board: ChallengeBoard) => void;
  /** The challenge is over (all solved, stopped, or its journal gone): the watcher has stopped itself. */
  onEnded?: () => void;
}

/**
 * A challenge's score board that notices a fix by itself, as Juice Shop's does: while a challenge
 * runs it re-verifies only the checks of the layers still broken (on a timer, and whenever the lab
 * watcher saw something change), records each one the verifier now sees fixed — time to fix and
 * hints used come from the journal — and pushes the new board.
 */
export class ChallengeWatcher {
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly context: LabContext,
    readonly lab: string,
    private readonly options: ChallengeWatcherOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.poke(), this.options.intervalMs ?? 5000);
    this.timer.unref();
    this.poke();
  }

  /** Re-verify now (the lab watcher saw a change); a run already under way runs once more after. */
  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      do {
        this.again = false;
        await this.verifyOpenLayers();
      } while (this.again && !this.stopped);
    } finally {
      this.running = false;
    }
  }

  private async verifyOpenLayers(): Promise<void> {
    const open = openChallengeChecks(this.context, this.lab, this.options);
    if (!open) {
      // `breaking` is a challenge still being started; anything else means there is none to watch.
      if (!this.challengeStarting()) this.end();
      return;
    }
    if (!open.length) return this.end();
    try {
      const checks = await verifyLab(this.context.environment, this.lab, open);
      const passed = checks.filter((c) => c.status === 'pass' || c.status === 'info' || c.status === 'warn').map((c) => c.id);
      if (!passed.length || this.stopped) return;
      // Something is fixed: score against every check, so the pushed board carries the whole layer view.
      const all = await verifyLab(this.context.environment, this.lab);
      const { board, solvedNow } = recordChallengeFixes(this.context, this.lab, all, this.options);
      if (solvedNow && !this.stopped) this.options.onSolved(board);
      if (!board.active) this.end();
    } catch {
      // The lab is being changed (a repair, a stop) or the engine is busy: the next tick tries again.
    }
  }

  private challengeStarting(): boolean {
    const journal = readWorkshopJournal(this.context.environment.home, this.lab);
    return journal?.kind === 'challenge' && journal.phase === 'breaking';
  }

  private end(): void {
    if (this.stopped) return;
    this.stop();
    this.options.onEnded?.();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }
}
