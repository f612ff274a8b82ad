import {
  SlidingWindowLimiter,
  TEAMS_CONVERSATION_LIMITS,
  perSecond,
  type WindowRule,
} from './sliding-window.limiter.js';

/** A slot to send one message: call `done` when the request has completed (ok or not). */
export type PaceResult =
  { readonly ok: true; done(at: number): void } | { readonly ok: false; readonly waitMs: number };

/**
 * Keeps one process below Teams' per-conversation limits and our per-tenant rate.
 * Sends to one conversation run one at a time and are recorded when they complete, so the
 * spacing holds at the service's side whatever the network latency (the next request starts
 * after the previous one arrived).
 */
export class Pacer {
  private readonly conversations: SlidingWindowLimiter;
  private readonly tenants: SlidingWindowLimiter;
  private readonly busy = new Set<string>();

  constructor(opts: {
    tenantMessagesPerSecond: number;
    conversationRules?: readonly WindowRule[];
  }) {
    this.conversations = new SlidingWindowLimiter(
      opts.conversationRules ?? TEAMS_CONVERSATION_LIMITS
    );
    this.tenants = new SlidingWindowLimiter(perSecond(opts.tenantMessagesPerSecond));
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
        this.busy.delete(conversationKey);
      },
    };
  }

  /** Honours a Retry-After for one conversation. */
  throttled(conversationKey: string, until: number): void {
    this.conversations.blockUntil(conversationKey, until);
  }

  /** Conversations and tenants that cannot send at `now` (skipped when claiming work). */
  blocked(now: number): { conversations: string[]; tenants: string[] } {
    return {
      conversations: [...new Set([...this.busy, ...this.conversations.blockedKeys(now)])],
      tenants: this.tenants.blockedKeys(now),
    };
  }
}
