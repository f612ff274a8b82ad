/**
 * A named, expiring lease that at most one holder has at a time: how several bot processes on
 * one database agree which of them does a job that must not run twice at once (delivering the
 * outbox, whose pacing only holds if one process counts every send).
 */
export interface LeaderLease {
  /**
   * Takes the lease for `owner`, or extends it if `owner` holds it, until `now + ttlMs`.
   * True when `owner` holds it afterwards; false while another holder's lease is unexpired.
   */
  acquire(owner: string, now: Date, ttlMs: number): Promise<boolean>;
  /** Gives the lease up at once (a clean shutdown), if `owner` holds it. */
  release(owner: string): Promise<void>;
}
