import {
  SlidingWindowLimiter,
  TEAMS_CONVERSATION_LIMITS,
  perSecond,
  type WindowRule,
} from './sliding-window.limiter.js';

/** A slot to send one message: call `done` when the request has completed (ok or not). */
/** A send already made (recorded in the outbox), counted again when another process takes over. */
export interface PastSend {
  readonly conversationKey: string;
  readonly tenantId?: string;
  readonly at: number;
}

export type PaceResult =
  { readonly ok: true; done(at: number): void } | { readonly ok: false; readonly waitMs: number };

/**
 * Keeps one process below Teams' per-conversation limits and our per-tenant rate.
 * Sends to one conversation run one at a time and are recorded when they complete, so the
 * spacing holds at the service's side whatever the network latency (the next request starts
 * after the previous one arrived).
 */
export class Pacer {
  private conversations: SlidingWindowLimiter;
  private tenants: SlidingWindowLimiter;
  private readonly busy = new Set<string>();
  private readonly conversationRules: readonly WindowRule[];
  private readonly tenantRules: readonly WindowRule[];

  constructor(opts: {
    tenantMessagesPerSecond: number;
    conversationRules?: readonly WindowRule[];
  }) {
    this.conversationRules = opts.conversationRules ?? TEAMS_CONVERSATION_LIMITS;
    this.tenantRules = perSecond(opts.tenantMessagesPerSecond);
    this.conversations = new SlidingWindowLimiter(this.conversationRules);
    this.tenants = new SlidingWindowLimiter(this.tenantRules);
  }

  /** How far back sends still count against a limit (the longest window). */
  get memoryMs(): number {
    return Math.max(...[...this.conversationRules, ...this.tenantRules].map((r) => r.windowMs));
  }

  /**
   * Counts from the sends given (oldest first) instead of what this process saw: a process that
   * takes over delivery starts from what the previous one sent, so a hand-over never lets a
   * conversation have a second burst.
   */
  restore(sends: readonly PastSend[]): void {
    this.conversations = new SlidingWindowLimiter(this.conversationRules);
    this.tenants = new SlidingWindowLimiter(this.tenantRules);
    for (const s of sends) {
      this.conversations.record(s.conversationKey, s.at);
      if (s.tenantId) this.tenants.record(s.tenantId, s.at);
    }
  }

  /** Takes a slot for (conversation, tenant) at `now`, or says how long to wait. */
  tryStart(conversationKey: string, tenantId: string, now: number): PaceResult {
    if (this.busy.has(conversationKey)) return { ok: false, waitMs: 20 };
    const waitMs = Math.max(
      this.conversations.waitMs(conversationKey, now),
      this.tenants.waitMs(tenantId, now)
    );
    if (waitMs > 0) return { ok: false, waitMs };
    this.busy.add(conversationKey);
    this.tenants.record(tenantId, now);
    let finished = false;
    return {
      ok: true,
      done: (at: number) => {
        if (finished) return;
        finished = true;
        this.conversations.record(conversationKey, at);
        // Counted from its start while in flight (sends to other chats run meanwhile), then from
        // when it ended: it reached Teams in between, so Teams never sees a window overfull
        // however long each request took on the way.
        this.tenants.move(tenantId, now, at);
        this.busy.delete(conversationKey);
      },
    };
  }

  /** Honours a Retry-After for one conversation. */
  throttled(conversationKey: string, until: number): void {
    this.conversations.blockUntil(conversationKey, until);
  }

  /** Milliseconds until the conversation may send again (its windows, a Retry-After); 0: now. */
  conversationWaitMs(conversationKey: string, now: number): number {
    return this.conversations.waitMs(conversationKey, now);
  }

  /**
   * When the first conversation or tenant held back at `now` may send again (undefined: none
   * is): what an idle worker sleeps until. A busy conversation opens when its send ends.
   */
  nextOpening(now: number): number | undefined {
    const times = [this.conversations.nextOpening(now), this.tenants.nextOpening(now)];
    const known = times.filter((t): t is number => t !== undefined);
    return known.length ? Math.min(...known) : undefined;
  }

  /** Conversations and tenants that cannot send at `now` (skipped when claiming work). */
  blocked(now: number): { conversations: string[]; tenants: string[] } {
    return {
      conversations: [...new Set([...this.busy, ...this.conversations.blockedKeys(now)])],
      tenants: this.tenants.blockedKeys(now),
    };
  }
}
