import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from '../../logging/logger.js';

/** Deferred tasks this process keeps at most; past it a record's notices wait for the sweep. */
export const OWED_WORK_LIMIT = 10_000;
/** Records whose owed work runs at once (one record's tasks always run one after another). */
export const OWED_WORK_LANES = 4;

type Task = () => Promise<void>;
/** What a request deferred while it runs; `done` once it settled (its queue was started). */
interface Held {
  readonly queued: (() => void)[];
  done: boolean;
}

/**
 * The work a state change owes others (other copies of its cards, the other side's notices),
 * done in this process right after the request that made the change has been answered. The
 * record's owed-notice stamp is what makes this safe: a crash, a full queue or a shutdown
 * leaves it stamped and the sweep does it, once (the stamp is cleared conditionally).
 * One record's tasks run in the order they were deferred, so its notices keep their order.
 */
export class OwedWork {
  private readonly log: Logger;
  private readonly turns = new AsyncLocalStorage<Held>();
  /** Tasks per record key; a key is in `ready` or running while it has tasks. */
  private readonly lanes = new Map<string, Task[]>();
  private readonly ready: string[] = [];
  private running = 0;
  private size = 0;
  private paused = false;
  private closed = false;
  private waiters: (() => void)[] = [];

  constructor(
    logger: Logger,
    private readonly limit = OWED_WORK_LIMIT
  ) {
    this.log = logger.child({ module: 'owed-work' });
  }

  /**
   * Runs a request's handling; what it defers starts once `handle` has settled (its response
   * written), so the person who acted never waits for work done for others.
   */
  async holdDuring<T>(handle: () => Promise<T>): Promise<T> {
    const held: Held = { queued: [], done: false };
    try {
      return await this.turns.run(held, handle);
    } finally {
      held.done = true;
      for (const queue of held.queued) queue();
    }
  }

  /**
   * Queues `task` for the record `key`, after that record's earlier tasks. Returns false when
   * it was not queued (full, or shutting down): the record stays owed for the sweep.
   */
  defer(key: string, task: () => Promise<void>): boolean {
    if (this.closed || this.size >= this.limit) {
      this.log.warn({ recordRef: key, queued: this.size }, 'owed work left to the sweep');
      return false;
    }
    this.size++;
    const queue = () => this.enqueue(key, task);
    // A timer or loop a request started carries its context after the request is over.
    const held = this.turns.getStore();
    if (held && !held.done) held.queued.push(queue);
    else queue();
    return true;
  }

  /** Resolves once nothing is queued, held by a request or running (tests, shutdown). */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Starts no more tasks until `resume` (what a crash right after a change leaves: all owed). */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.pump();
  }

  /**
   * Stops taking work and waits up to `boundMs` for what is queued; whatever is left stays
   * owed (stamped) and the sweep of this or another process sends it.
   */
  async close(boundMs: number): Promise<void> {
    this.closed = true;
    if (this.paused) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, boundMs)));
    await Promise.race([this.idle(), bound]);
    clearTimeout(timer);
    if (this.size > 0) this.log.warn({ left: this.size }, 'owed work left to the sweep');
    this.paused = true;
  }

  private enqueue(key: string, task: Task): void {
    const lane = this.lanes.get(key);
    if (lane) {
      lane.push(task);
      return;
    }
    this.lanes.set(key, [task]);
    this.ready.push(key);
    this.pump();
  }

  private pump(): void {
    while (!this.paused && this.running < OWED_WORK_LANES && this.ready.length > 0) {
      const key = this.ready.shift()!;
      this.running++;
      // Outside the current request's turn: its own work and response come first.
      setImmediate(() => void this.run(key));
    }
  }

  private async run(key: string): Promise<void> {
    const lane = this.lanes.get(key)!;
    while (lane.length > 0 && !this.paused) {
      try {
        await lane[0]();
      } catch (err) {
        // Tasks log their own failures; this is a fault in one, kept from stopping the lane.
        this.log.error({ err, recordRef: key }, 'owed work failed; the sweep will retry');
      }
      lane.shift();
      this.size--;
    }
    this.running--;
    if (lane.length > 0) this.ready.unshift(key);
    else this.lanes.delete(key);
    if (this.size === 0) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    }
    this.pump();
  }
}
