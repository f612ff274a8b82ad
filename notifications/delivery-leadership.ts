import type { LeaderLease } from '../domain/leader-lease.js';
import type { Logger } from '../logging/logger.js';

/** The leader lease every bot process on the database competes for. */
export const DELIVERY_LEASE = 'notification-delivery';

export interface DeliveryLeadershipOptions {
  readonly lease: LeaderLease;
  readonly owner: string;
  readonly ttlMs: number;
  readonly logger: Logger;
  /** Runs when this process becomes the leader, before it sends anything; a throw retries later. */
  readonly onGained: (now: number) => Promise<void>;
}

/**
 * Whether this process is the one delivering the outbox. Teams' limits are per bot, so the pacing
 * only holds if one process counts every send: the others keep enqueuing and wait for the lease.
 * The lease is renewed well before it expires, and this process stops calling itself leader a
 * margin before the expiry it was granted, so a renewal that fails (database outage) never
 * leaves two leaders beyond clock skew.
 */
export class DeliveryLeadership {
  private leading = false;
  private heldUntil = 0;
  private renewAt = 0;

  constructor(private readonly o: DeliveryLeadershipOptions) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** True when this process may deliver at `now`; takes or renews the lease when due. */
  async check(now: number): Promise<boolean> {
    if (this.leading && now < this.renewAt) return true;
    let held: boolean;
    try {
      held = await this.o.lease.acquire(this.o.owner, new Date(now), this.o.ttlMs);
    } catch (err) {
      this.o.logger.warn({ err }, 'could not renew the delivery lease');
      if (this.leading && now < this.heldUntil) return true;
      this.lose();
      return false;
    }
    if (!held) {
      this.lose();
      return false;
    }
    if (!this.leading) {
      try {
        await this.o.onGained(now);
      } catch (err) {
        this.o.logger.warn({ err }, 'took the delivery lease but could not prepare; trying again');
        return false;
      }
      this.o.logger.info('this process now delivers the outbox');
    }
    this.leading = true;
    this.heldUntil = now + this.o.ttlMs * 0.8;
    this.renewAt = now + this.o.ttlMs / 3;
    return true;
  }

  /** Hands the lease over at once (clean shutdown, after the sends in flight are recorded). */
  async release(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    await this.o.lease.release(this.o.owner).catch((err: unknown) => {
      this.o.logger.warn({ err }, 'could not release the delivery lease; it expires by itself');
    });
  }

  private lose(): void {
    if (this.leading) this.o.logger.warn('another process took over delivering the outbox');
    this.leading = false;
  }
}
