/** At most `limit` events in any window of `windowMs`. */
export interface WindowRule {
  readonly limit: number;
  readonly windowMs: number;
}

/** Teams' published limits for a bot sending to one conversation. */
export const TEAMS_CONVERSATION_LIMITS: readonly WindowRule[] = Object.freeze([
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1_800, windowMs: 3_600_000 },
]);

/** One rule for a rate in events per second (fractional rates become one event per 1/rate s). */
export function perSecond(rate: number): WindowRule[] {
  return rate >= 1
    ? [{ limit: Math.floor(rate), windowMs: 1_000 }]
    : [{ limit: 1, windowMs: Math.ceil(1_000 / rate) }];
}

/**
 * Sliding-window limiter per key, in memory. Events are recorded with their time; the next event
 * is allowed when, for every rule, the `limit`-th most recent event is more than `windowMs`
 * (+ `marginMs`) old, so no closed window of `windowMs` ever holds more than `limit` events.
 */
export class SlidingWindowLimiter {
  private readonly events = new Map<string, number[]>();
  private readonly blockedUntil = new Map<string, number>();
  private readonly horizonMs: number;

  constructor(
    private readonly rules: readonly WindowRule[],
    private readonly marginMs = 1
  ) {
    this.horizonMs = Math.max(...rules.map((r) => r.windowMs)) + marginMs;
  }

  /** Milliseconds until an event for `key` is allowed (0: now). */
  waitMs(key: string, now: number): number {
    const list = this.prune(key, now);
    let earliest = this.blockedUntil.get(key) ?? now;
    for (const rule of this.rules) {
      if (list.length < rule.limit) continue;
      earliest = Math.max(earliest, list[list.length - rule.limit] + rule.windowMs + this.marginMs);
    }
    return Math.max(0, earliest - now);
  }

  /** Records an event for `key` at `at`. */
  record(key: string, at: number): void {
    const list = this.events.get(key) ?? [];
    let i = list.length;
    while (i > 0 && list[i - 1] > at) i--;
    list.splice(i, 0, at);
    this.events.set(key, list);
  }

  /** Moves an event recorded for `key` at `from` to `to` (a send counted from when it ended). */
  move(key: string, from: number, to: number): void {
    const list = this.events.get(key);
    const i = list ? list.indexOf(from) : -1;
    if (i >= 0) list!.splice(i, 1);
    this.record(key, to);
  }

  /** Allows nothing for `key` before `until` (a 429's Retry-After). */
  blockUntil(key: string, until: number): void {
    this.blockedUntil.set(key, Math.max(until, this.blockedUntil.get(key) ?? 0));
  }

  /** Keys that must wait at `now`. */
  blockedKeys(now: number): string[] {
    return [...new Set([...this.events.keys(), ...this.blockedUntil.keys()])].filter(
      (key) => this.waitMs(key, now) > 0
    );
  }

  /** When the first key that must wait at `now` may go again (undefined: none waits). */
  nextOpening(now: number): number | undefined {
    let next: number | undefined;
    for (const key of this.blockedKeys(now)) {
      const at = now + this.waitMs(key, now);
      if (next === undefined || at < next) next = at;
    }
    return next;
  }

  private prune(key: string, now: number): number[] {
    const until = this.blockedUntil.get(key);
    if (until !== undefined && until <= now) this.blockedUntil.delete(key);
    const list = this.events.get(key);
    if (!list) return [];
    const cutoff = now - this.horizonMs;
    let drop = 0;
    while (drop < list.length && list[drop] < cutoff) drop++;
    if (drop > 0) list.splice(0, drop);
    if (list.length === 0) this.events.delete(key);
    return list;
  }
}
