/**
 * What this process last wrote per key (a conversation id), so a turn that would write the same
 * thing again can skip the database. Bounded (least recently used entries go first) and
 * time-limited: an entry older than `maxAgeMs` counts as unknown, so a record changed by someone
 * else (another process, the delivery worker marking a reference gone after a 403) is
 * rewritten at the latest `maxAgeMs` after that, on the next turn.
 */
export class RecentWrites {
  private readonly entries = new Map<string, { fingerprint: string; at: number }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly maxAgeMs = 5 * 60_000,
    private readonly now: () => number = Date.now
  ) {}

  /** True when `fingerprint` is what was written for `key` less than `maxAgeMs` ago. */
  isUnchanged(key: string, fingerprint: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    if (entry.fingerprint !== fingerprint || this.now() - entry.at >= this.maxAgeMs) return false;
    this.entries.set(key, entry);
    return true;
  }

  remember(key: string, fingerprint: string): void {
    this.entries.delete(key);
    this.entries.set(key, { fingerprint, at: this.now() });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
