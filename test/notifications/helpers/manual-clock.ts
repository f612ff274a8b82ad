import type { Clock } from '../../../notifications/clock.js';

/**
 * A clock that moves only when the test says: `sleep` waits until `advance` passes its end (or
 * its signal aborts), and each sleep asked for is kept, so a test sees how long a worker meant
 * to sleep without waiting for it.
 */
export class ManualClock implements Clock {
  private t: number;
  private readonly sleepers: { until: number; done: () => void }[] = [];
  /** Every sleep asked for: when it was asked and how long, oldest first. */
  readonly asked: { at: number; ms: number }[] = [];

  constructor(start = Date.now()) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.asked.push({ at: this.t, ms });
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper = { until: this.t + Math.max(0, ms), done: () => finish() };
      const finish = () => {
        const i = this.sleepers.indexOf(sleeper);
        if (i >= 0) this.sleepers.splice(i, 1);
        signal?.removeEventListener('abort', finish);
        resolve();
      };
      this.sleepers.push(sleeper);
      signal?.addEventListener('abort', finish, { once: true });
    });
  }

  /** Sleeps not yet over (their end times). */
  pending(): number[] {
    return this.sleepers.map((s) => s.until);
  }

  /** Moves time on and ends every sleep that is over by then. */
  advance(ms: number): void {
    this.t += ms;
    for (const s of [...this.sleepers]) if (s.until <= this.t) s.done();
  }
}
