import type { CheckResult } from '../../../common/checks.ts';
import type { LabStatus } from '../../../common/lab-status.ts';
import type { CoreEnvironment } from '../environment.ts';
import { observeLab } from '../orchestrator/observe-lab.ts';
import { verifyLab } from './verify-lab.ts';

export interface LabWatcherOptions {
  /** Re-probe this often even without Docker events: role or cluster-setting changes make none. */
  intervalMs?: number;
  debounceMs?: number;
  onChange: (status: LabStatus) => void;
}

const fingerprintOf = (status: LabStatus) => JSON.stringify([status.state, status.components.map((c) => `${c.component}:${c.state}`), (status.checks ?? []).map((c) => `${c.id}:${c.status}`)]);

/**
 * Watches one lab: on any Docker event of its containers (start, die, destroy, …) and on a
 * slow timer it observes the lab and runs every check again, and pushes the status when a
 * component's state or a check's status changed — so the app never polls.
 */
export class LabWatcher {
  private last?: string;
  private timer?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private events?: NodeJS.ReadableStream;
  private running = false;
  private stopped = false;

  constructor(
    private readonly environment: CoreEnvironment,
    readonly lab: string,
    private readonly options: LabWatcherOptions,
  ) {}

  async start(initial?: CheckResult[]): Promise<void> {
    if (initial) {
      const status = await observeLab(this.environment.engine(), this.environment.home, this.lab).catch(() => undefined);
      if (status) this.last = fingerprintOf({ ...status, checks: initial });
    }
    this.events = await this.environment.engine().events({ label: [`seclab.lab=${this.lab}`], type: ['container'] });
    this.events.on('data', () => this.schedule());
    this.events.on('error', () => undefined);
    this.timer = setInterval(() => this.schedule(), this.options.intervalMs ?? 30_000);
    this.timer.unref();
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.probe(), this.options.debounceMs ?? 1000);
  }

  private async probe(): Promise<void> {
    if (this.running || this.stopped) return this.schedule();
    this.running = true;
    try {
      const status = await observeLab(this.environment.engine(), this.environment.home, this.lab);
      const checks = status.state === 'absent' ? [] : await verifyLab(this.environment, this.lab);
      const next = { ...status, checks };
      const fingerprint = fingerprintOf(next);
      if (fingerprint !== this.last && !this.stopped) {
        this.last = fingerprint;
        this.options.onChange(next);
      }
    } catch {
      // The lab went away or the engine is busy: the next event or tick tries again.
    } finally {
      this.running = false;
    }
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.debounce);
    (this.events as unknown as { destroy?: () => void })?.destroy?.();
  }
}
