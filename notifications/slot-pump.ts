import type { Logger } from '../logging/logger.js';

/** What a SlotPump fills its slots with, and how. */
export interface SlotPumpSpec<T> {
  /** Items in flight at once in this process. */
  readonly slots: number;
  /** How long to wait before looking again when nothing woke the pump (other processes queue too). */
  readonly pollMs: number;
  /** Claims (leases) the next item, skipping the keys already in flight here; none: undefined. */
  claim(busy: readonly string[]): Promise<T | undefined>;
  /** The slot an item takes: two items of one key are never in flight together. */
  keyOf(item: T): string;
  /** Does the item's work; a fault is logged, the item left to its lease. */
  run(item: T): Promise<void>;
  readonly log: Logger;
  /** Names the work in log lines ('webhook delivery', 'bulk job'). */
  readonly what: string;
}

/**
 * The loop the webhook and bulk-job workers share (the Teams outbox has its own, paced one):
 * claims items while a slot is free, runs each beside the others, looks again as soon as one
 * finishes or `wake()` is called (work queued in this process), else every `pollMs`. A wake
 * during a claim round runs one more round after it rather than a second round at once.
 */
export class SlotPump<T> {
  private readonly inFlight = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private pumping = false;
  private again = false;

  constructor(private readonly spec: SlotPumpSpec<T>) {}

  /** True once stop() was called: work in flight checks it to end early. */
  get stopping(): boolean {
    return this.stopped;
  }

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Stops claiming and waits for the items in flight, at most `waitMs` when given. */
  async stop(waitMs?: number): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const running = Promise.allSettled([...this.inFlight.values()]);
    if (waitMs === undefined) {
      await running;
      return;
    }
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([
      running,
      new Promise((resolve) => {
        bound = setTimeout(resolve, waitMs);
        bound.unref();
      }),
    ]);
    clearTimeout(bound);
  }

  /** Looks for work now. */
  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.pump()
      .catch((err: unknown) => this.spec.log.error({ err }, `${this.spec.what} claim failed`))
      .finally(() => {
        this.pumping = false;
        if (this.again) {
          this.again = false;
          this.wake();
        } else this.schedule();
      });
  }

  private schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.wake(), this.spec.pollMs);
    this.timer.unref();
  }

  private async pump(): Promise<void> {
    while (!this.stopped && this.inFlight.size < this.spec.slots) {
      const item = await this.spec.claim([...this.inFlight.keys()]);
      if (item === undefined) return;
      const key = this.spec.keyOf(item);
      const run = this.spec
        .run(item)
        .catch((err: unknown) =>
          // Left leased: tried again when the lease runs out (by any process).
          this.spec.log.error({ err, key }, `${this.spec.what} failed`)
        )
        .finally(() => {
          this.inFlight.delete(key);
          this.wake();
        });
      this.inFlight.set(key, run);
    }
  }
}
