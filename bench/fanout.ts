/**
 * `fanout`: the outbox delivering N notifications to C personal chats of one tenant through the
 * real delivery worker, the embedded database and the CloudAdapter, to a fake Bot Connector that
 * enforces Teams' limits itself and answers 429 past them. Time runs on a speed-up clock (the
 * worker's and the connector's), so the limits are Teams' own, only time passes faster.
 */
import { acceleratedClock } from '../notifications/clock.js';
import {
  TEAMS_CONVERSATION_LIMITS,
  type WindowRule,
} from '../notifications/sliding-window.limiter.js';
import { eventually, startDeliveryHarness, type TestUser } from '../testkit/delivery-harness.js';
import type { NotificationOutbox } from '../notifications/notification-outbox.port.js';
import type mongoose from 'mongoose';
import { MongoNotificationOutbox } from '../models/notifications/notification.repository.js';
import { load, quantile, round, type Bench, type BenchResult } from './lib.js';

/** The tenant rate the bot is configured with by default (TENANT_MESSAGES_PER_SECOND). */
const TENANT_PER_SECOND = 20;
const SPEED_UP = 4;
const TENANT_ID = 'fa000000-0000-4000-8000-000000000001';

/** Sliding windows per key, counted at the connector in clock time. */
class Windows {
  private readonly events = new Map<string, number[]>();
  constructor(private readonly rules: readonly WindowRule[]) {}
  /** Records the event and returns true if no rule's window is full; false (not recorded) otherwise. */
  take(key: string, now: number): boolean {
    const list = this.events.get(key) ?? [];
    const horizon = Math.max(...this.rules.map((r) => r.windowMs));
    while (list.length > 0 && list[0] <= now - horizon) list.shift();
    for (const rule of this.rules) {
      let inWindow = 0;
      for (let i = list.length - 1; i >= 0 && list[i] > now - rule.windowMs; i--) inWindow++;
      if (inWindow >= rule.limit) return false;
    }
    list.push(now);
    this.events.set(key, list);
    return true;
  }
}

export const fanoutBench: Bench = {
  id: 'fanout',
  title: 'Proactive fan-out against a connector enforcing Teams limits',
  async run(options): Promise<BenchResult> {
    const total = options.notifications ?? 10_000;
    const chats = options.conversations ?? 2_000;
    const log = options.log ?? (() => undefined);
    const clock = acceleratedClock(SPEED_UP);
    const h = await startDeliveryHarness({ clock });
    try {
      const people: TestUser[] = Array.from({ length: chats }, (_, i) => ({
        tenantId: TENANT_ID,
        aadObjectId: `fa000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
      }));
      log(`fanout: ${chats} users installed, ${total} notifications queued`);
      await load(chats, 10, async (i) => {
        await h.addUser(people[i]);
        return true;
      });
      const queued = await load(total, 10, async (i) => {
        await h.service.notify({
          key: `fanout:${i}`,
          to: { kind: 'user', user: people[i % chats] },
          content: () => ({ text: `n${i}` }),
        });
        return true;
      });
      if (queued.errors > 0) throw new Error(`${queued.errors} notifications failed to queue`);

      const perConversation = new Windows(TEAMS_CONVERSATION_LIMITS);
      const perTenant = new Windows([{ limit: TENANT_PER_SECOND, windowMs: 1_000 }]);
      let requests = 0;
      let throttled = 0;
      h.connector.setGate(({ method, path, conversationId }) => {
        if (method !== 'POST' || !conversationId || !/\/activities(\/[^/]+)?$/.test(path))
          return undefined;
        requests++;
        const now = clock.now();
        // The tenant first: a call refused for its conversation must not use the tenant's budget.
        const convOk = perConversation.take(conversationId, now);
        if (convOk && perTenant.take(TENANT_ID, now)) return undefined;
        throttled++;
        return { status: 429, retryAfterSeconds: 1 };
      });

      log(`fanout: delivering at ${SPEED_UP}x speed`);
      const started = clock.now();
      h.worker({ tenantMessagesPerSecond: TENANT_PER_SECOND, concurrency: 16 });
      const budgetMs = Math.max(60_000, ((total / TENANT_PER_SECOND) * 1000 * 3) / SPEED_UP);
      await eventually(() => h.posts().length >= total, budgetMs, `${total} delivered`, 100);
      const clockMs = clock.now() - started;
      // Anything still on its way (a duplicate) arrives within a moment.
      await new Promise((r) => setTimeout(r, 300));

      await Promise.all(h.workers().map((w) => w.stop()));
      // At the issue's size, whatever the run's (a tiny run checks the report's shape).
      const claim = await emptyClaimCost(
        h.db.conn,
        h.db.outbox,
        Math.min(PACED_BACKLOG, total),
        log
      );

      const counts = h.deliveredCounts();
      const duplicates = [...counts.values()].filter((n) => n > 1).length;
      const missing = total - [...counts.keys()].filter((t) => /^n\d+$/.test(t)).length;
      const conversations = new Set(h.posts().map((c) => c.conversationId)).size;
      // Each chat gets ceil(N/C) messages: per-chat windows bound that; the tenant rate bounds all.
      const each = Math.ceil(total / chats);
      const perChatBoundMs = lowerBoundMs(each, TEAMS_CONVERSATION_LIMITS);
      const tenantBoundMs = ((total - TENANT_PER_SECOND) / TENANT_PER_SECOND) * 1000;
      const boundMs = Math.max(perChatBoundMs, tenantBoundMs, 0);
      const ratio = clockMs / boundMs;
      const rate429 = requests === 0 ? 0 : throttled / requests;
      return {
        figures: [
          {
            name: 'total time (clock)',
            value: round(clockMs / 1000),
            unit: 's',
            baseline: {
              name: 'lower bound from the limits',
              value: round(boundMs / 1000),
              unit: 's',
            },
          },
          {
            name: 'time / lower bound',
            value: round(ratio, 3),
            unit: 'x',
            target: '≤ 1.15x',
            met: ratio <= 1.15,
          },
          {
            name: '429 answers / requests',
            value: round(rate429 * 100, 2),
            unit: '%',
            target: '< 1%',
            met: rate429 < 0.01,
          },
          {
            name: 'delivered twice',
            value: duplicates,
            unit: 'notifications',
            target: '0',
            met: duplicates === 0,
          },
          {
            name: 'not delivered',
            value: missing,
            unit: 'notifications',
            target: '0',
            met: missing === 0,
          },
          {
            name: 'conversations reached',
            value: conversations,
            unit: 'chats',
            target: `${chats}`,
            met: conversations === chats,
          },
          { name: 'requests to the connector', value: requests, unit: 'requests' },
          {
            name: `empty claim, ${Math.min(PACED_BACKLOG, total)} queued to a paced chat`,
            value: round(claim.pacedMs, 3),
            unit: 'ms',
            baseline: {
              name: 'empty claim, nothing queued',
              value: round(claim.emptyMs, 3),
              unit: 'ms',
            },
          },
          {
            name: 'empty claim with the paced backlog / without',
            value: round(claim.pacedMs / claim.emptyMs, 2),
            unit: 'x',
            target: '≤ 1.5x',
            met: claim.pacedMs / claim.emptyMs <= 1.5,
          },
        ],
        notes: [
          `${total} notifications to ${chats} personal chats of one tenant, queued before the worker starts (not timed). ` +
            `Speed-up clock: ${SPEED_UP}x (the worker's clock and the connector's limits both run on it; the limits themselves are not scaled). ` +
            `The connector enforces ${TEAMS_CONVERSATION_LIMITS.map((r) => `${r.limit}/${r.windowMs / 1000} s`).join(', ')} per conversation ` +
            `and ${TENANT_PER_SECOND}/s for the tenant (the bot's default TENANT_MESSAGES_PER_SECOND), answering 429 with Retry-After: 1 past them.`,
          `Lower bound: max(the tenant rate: (N − ${TENANT_PER_SECOND}) / ${TENANT_PER_SECOND} per s, one chat's ${each} messages within its windows) = ${round(boundMs / 1000)} s of clock time; ` +
            `The run took ${round(clockMs / 1000 / SPEED_UP)} s real, ${round(total / (clockMs / 1000 / SPEED_UP))} sends/s real; ` +
            `the bound needs ${TENANT_PER_SECOND * SPEED_UP} sends/s real at this speed-up, so a time above it is the worker's own cost per send (claim, send, record) on this machine, or the pacing's margins.`,
          `Empty claim: after the run, with the worker stopped, claims as the worker makes them (the pacer's blocked chats skipped) on the delivered outbox and on an outbox (same server) ` +
            `holding ${Math.min(PACED_BACKLOG, total)} notifications queued to one chat the pacer holds back for an hour (the outbox told, as the worker tells it); ` +
            `${ROUNDS} alternating rounds of ${CLAIMS} after a warm-up, median round's real time per claim. A claim used to read past every item of a paced chat (3.6 ms at 960 queued).`,
        ],
      };
    } finally {
      await h.stop();
    }
  },
};

const PACED_BACKLOG = 1_000;
const CLAIMS = 100;
const ROUNDS = 5;

/**
 * What a claim that finds nothing costs, without and with a large backlog queued to a chat the
 * pacer holds back: the claim should read only recipients ready now, so the two are alike.
 * Two outboxes on the same server (the delivered one and one holding the backlog), claimed in
 * alternating rounds after a warm-up, the median round of each compared: the machine's noise
 * falls on both alike.
 */
async function emptyClaimCost(
  conn: mongoose.Connection,
  delivered: NotificationOutbox,
  backlog: number,
  log: (line: string) => void
): Promise<{ emptyMs: number; pacedMs: number }> {
  const paced = 'fa000000-0000-4000-8000-0000000aced0';
  const skip = { skipAadObjectIds: [paced], skipTenantIds: [] };
  // Recipients whose last item went out are said ready until a claim looks: let claims clear
  // them first, as the worker would have, so the baseline is a claim that finds nothing.
  for (let i = 0; i < 10_000; i++) {
    const next = await delivered.nextReadyAt(skip);
    if (!next || next.getTime() > Date.now()) break;
    await delivered.claimNext({ owner: 'bench', now: new Date(), leaseMs: 60_000, ...skip });
  }
  const withBacklog = new MongoNotificationOutbox(conn.useDb('fanout-paced-backlog'));
  await withBacklog.init();
  log(`fanout: queueing ${backlog} notifications to one paced chat`);
  const now = Date.now();
  await withBacklog.enqueue(
    Array.from({ length: backlog }, (_, i) => ({
      key: `paced:${i}`,
      kind: 'message' as const,
      recipientKey: `${TENANT_ID}:${paced}`,
      to: { tenantId: TENANT_ID, aadObjectId: paced },
      language: 'en' as const,
      content: { text: `paced ${i}` },
      dueAt: new Date(now),
    }))
  );
  await withBacklog.pace(paced, new Date(now + 3_600_000));
  const claimRound = async (outbox: NotificationOutbox) => {
    const started = performance.now();
    for (let i = 0; i < CLAIMS; i++) {
      const item = await outbox.claimNext({
        owner: 'bench',
        now: new Date(),
        leaseMs: 60_000,
        ...skip,
      });
      if (item) throw new Error(`a claim found ${item.key}: nothing should be ready`);
    }
    return (performance.now() - started) / CLAIMS;
  };
  await claimRound(delivered);
  await claimRound(withBacklog);
  const empty: number[] = [];
  const withPaced: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    empty.push(await claimRound(delivered));
    withPaced.push(await claimRound(withBacklog));
  }
  return { emptyMs: quantile(empty, 0.5), pacedMs: quantile(withPaced, 0.5) };
}

/** The least time `n` events can take under `rules`, sending each as soon as every window allows. */
function lowerBoundMs(n: number, rules: readonly WindowRule[]): number {
  const times: number[] = [];
  let t = 0;
  for (let i = 0; i < n; i++) {
    for (const rule of rules) {
      if (times.length >= rule.limit)
        t = Math.max(t, times[times.length - rule.limit] + rule.windowMs + 1);
    }
    times.push(t);
  }
  return times.length ? times[times.length - 1] : 0;
}
