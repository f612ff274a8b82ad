import type { LeaderLease } from './leader-lease.port.js';
import type { Logger } from '../logging/logger.js';

/** The leader lease every bot process on the database competes for. */
export const DELIVERY_LEASE = 'notification-delivery';

export interface DeliveryLeadershipOptions {
  readonly lease: LeaderLease;
  readonly owner: string;
  readonly ttlMs: number;
  /**
   * How often a process that does not deliver asks for the lease (however often it is woken:
   * every enqueue wakes the worker, and each ask is a write to the database).
   */
  readonly retryEveryMs: number;
  /** The current time (the worker's clock): a database call may take longer than the lease. */
  readonly now: () => number;
  readonly logger: Logger;
  /** Runs when this process becomes the leader, before it sends anything; a throw retries later. */
  readonly onGained: (now: number) => Promise<void>;
}

/**
 * Whether this process is the one delivering the outbox. Teams' limits are per bot, so the pacing
 * only holds if one process counts every send: the others keep enqueuing and wait for the lease.
 * The lease is renewed well before it expires, and this process stops calling itself leader a
 * margin (a fifth of the lease) before the expiry it was granted, judged by the clock when the
 * call to the database ended, so a renewal that fails or hangs (database outage) never leaves two
 * leaders unless the processes' clocks differ by more than that margin.
 */
export class DeliveryLeadership {
  private leading = false;
  private heldUntil = 0;
  private renewAt = 0;
  private nextAttemptAt = 0;

  constructor(private readonly o: DeliveryLeadershipOptions) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** True when this process may deliver at `now`; takes or renews the lease when due. */
  async check(now: number): Promise<boolean> {
    if (this.leading && now < this.renewAt) return true;
    if (!this.leading && now < this.nextAttemptAt) return false;
    let held: boolean;
    try {
      held = await this.o.lease.acquire(this.o.owner, new Date(now), this.o.ttlMs);
    } catch (err) {
      this.o.logger.warn({ err }, 'could not renew the delivery lease');
      // Judged now, not when the call began: an outage can make it hang past the whole lease.
      if (this.leading && this.o.now() < this.heldUntil) return true;
      this.lose(now);
      return false;
    }
    if (!held) {
      this.lose(now);
      return false;
    }
    if (!this.leading) {
      try {
        await this.o.onGained(now);
      } catch (err) {
        this.o.logger.warn({ err }, 'took the delivery lease but could not prepare; trying again');
        // Give it back, or this process would keep renewing a lease it does not deliver with.
        await this.giveBack();
        this.nextAttemptAt = now + this.o.retryEveryMs * 0.9;
        return false;
      }
      this.o.logger.info('this process now delivers the outbox');
    }
    this.leading = true;
    // The database holds it until now + ttlMs (`now` as sent with the call).
    this.heldUntil = now + this.o.ttlMs * 0.8;
    this.renewAt = now + this.o.ttlMs / 3;
    // A call (and preparation) that took most of the grant leaves none to deliver in.
    return this.o.now() < this.heldUntil;
  }

  /**
   * Hands the lease over at once (clean shutdown, after the sends in flight are recorded). Asked
   * of the database even when this process does not count itself leader: a grant whose answer
   * was lost is still this process's lease there.
   */
  async release(): Promise<void> {
    this.leading = false;
    await this.giveBack();
  }

  private async giveBack(): Promise<void> {
    await this.o.lease.release(this.o.owner).catch((err: unknown) => {
      this.o.logger.warn({ err }, 'could not release the delivery lease; it expires by itself');
    });
  }

  private lose(now: number): void {
    if (this.leading) this.o.logger.warn('another process took over delivering the outbox');
    this.leading = false;
    // Slightly under the interval, so a sleep of exactly that long never skips a turn.
    this.nextAttemptAt = now + this.o.retryEveryMs * 0.9;
  }
}
