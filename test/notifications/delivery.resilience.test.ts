import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { NotificationOutbox } from '../../notifications/notification-outbox.port.js';
import { MongoLeaderLease } from '../../models/notifications/lease.repository.js';
import { acceleratedClock } from '../../notifications/clock.js';
import { DELIVERY_LEASE } from '../../notifications/delivery-leadership.js';
import {
  TEAMS_CONVERSATION_LIMITS,
  type WindowRule,
} from '../../notifications/sliding-window.limiter.js';
import type { ConnectorCall } from '../helpers/fake-connector.js';
import { eventually, startDeliveryHarness, type TestUser } from './helpers/delivery-harness.js';

const tenant = (n: number) => `${String(n).repeat(8)}-1111-4111-8111-111111111111`.slice(0, 36);
const users = (count: number, tenants = 1): TestUser[] =>
  Array.from({ length: count }, (_, i) => ({
    tenantId: tenant((i % tenants) + 1),
    aadObjectId: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
  }));

/** Everything after `kill()` hangs forever, as if the process had died mid-call. */
function killable<T extends object>(target: T): { proxy: T; kill(): void } {
  let killed = false;
  const proxy = new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (killed) return new Promise(() => undefined);
        const result = value.apply(obj, args);
        // A call that was in flight when the process died never returns either.
        return result instanceof Promise
          ? result.then((r) => (killed ? new Promise(() => undefined) : r))
          : result;
      };
    },
  });
  return { proxy, kill: () => (killed = true) };
}

/** Wraps an outbox to remember which items this worker recorded as sent. */
function recordingSent(outbox: NotificationOutbox, ids: Set<string>): NotificationOutbox {
  return new Proxy(outbox, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (prop !== 'markSent') return typeof value === 'function' ? value.bind(obj) : value;
      return async (id: string, ...rest: unknown[]) => {
        const ok = await (value as (...a: unknown[]) => Promise<boolean>).call(obj, id, ...rest);
        if (ok) ids.add(id);
        return ok;
      };
    },
  });
}

/** The most events found in any closed window of each rule's length. */
function worstWindows(times: number[], rules: readonly WindowRule[]) {
  const sorted = [...times].sort((a, b) => a - b);
  return rules.map((rule) => {
    let worst = 0;
    let start = 0;
    for (let end = 0; end < sorted.length; end++) {
      while (sorted[end] - sorted[start] > rule.windowMs) start++;
      worst = Math.max(worst, end - start + 1);
    }
    return { ...rule, worst };
  });
}

/** Every chat got `each` messages, and no window of any Teams limit held more than allowed. */
function expectWithinTeamsLimits(
  posts: ConnectorCall[],
  clock: { toClockTime(realMs: number): number },
  chats: number,
  each: number
): void {
  const byConversation = new Map<string, number[]>();
  for (const call of posts) {
    const list = byConversation.get(call.conversationId!) ?? [];
    list.push(clock.toClockTime(call.at.getTime()));
    byConversation.set(call.conversationId!, list);
  }
  expect(byConversation.size).to.equal(chats);
  for (const [conversationId, times] of byConversation) {
    expect(times, conversationId).to.have.length(each);
    for (const w of worstWindows(times, TEAMS_CONVERSATION_LIMITS)) {
      expect(w.worst, `${conversationId}: ${w.limit} per ${w.windowMs} ms`).to.be.at.most(w.limit);
    }
  }
}

describe('Outbox delivery under crashes, concurrency and load', function () {
  this.timeout(60_000);
  let h: Awaited<ReturnType<typeof startDeliveryHarness>>;
  afterEach(async () => {
    await h?.stop();
  });

  it('a worker killed in the middle of a burst: a new worker delivers the rest and repeats none recorded as sent', async () => {
    h = await startDeliveryHarness();
    const people = users(10);
    for (const p of people) await h.addUser(p);
    for (const p of people) {
      for (let i = 0; i < 10; i++) {
        await h.service.notify({
          key: `burst:${i}`,
          to: { kind: 'user', user: p },
          content: () => ({ text: `${p.aadObjectId}#${i}` }),
        });
      }
    }
    h.connector.slow(20, { times: Infinity });
    const recordedByFirst = new Set<string>();
    const outbox = killable(recordingSent(h.db.outbox, recordedByFirst));
    const sender = killable(h.directory); // directory reads hang too once dead
    h.worker({ outbox: outbox.proxy, directory: sender.proxy, leaseMs: 1_000, owner: 'doomed' });
    await eventually(() => h.posts().length >= 30, 15_000, '30 delivered');
    outbox.kill();
    sender.kill();
    const postsAtKill = h.posts().length;
    expect(postsAtKill).to.be.lessThan(100);

    h.worker({ leaseMs: 1_000, owner: 'successor' });
    await eventually(
      async () => (await h.db.outbox.countsByState()).sent === 100,
      30_000,
      'all 100 sent',
      250
    );

    const docs = await h.db.conn.collection('notifications').find().toArray();
    const delivered = h.deliveredCounts();
    expect(recordedByFirst.size).to.be.greaterThan(0);
    for (const doc of docs) {
      const times = delivered.get(doc.text) ?? 0;
      expect(times, doc.text).to.be.at.least(1);
      if (recordedByFirst.has(String(doc._id)))
        expect(times, `${doc.text} was recorded sent before the crash`).to.equal(1);
    }
    // Repeats can only be sends that were in flight at the crash (at most one per slot).
    const repeats = [...delivered.values()].reduce((n, c) => n + c - 1, 0);
    expect(repeats).to.be.at.most(8);
  });

  it('a bot process killed with SIGKILL mid-burst: the restarted one delivers the rest and repeats none recorded as sent', async function () {
    this.timeout(90_000);
    h = await startDeliveryHarness();
    const people = users(10);
    for (const p of people) await h.addUser(p);
    for (const p of people) {
      for (let i = 0; i < 10; i++) {
        await h.service.notify({
          key: `sigkill:${i}`,
          to: { kind: 'user', user: p },
          content: () => ({ text: `${p.aadObjectId}#${i}` }),
        });
      }
    }
    h.connector.slow(20, { times: Infinity });
    const here = path.dirname(fileURLToPath(import.meta.url));
    const child = fork(path.join(here, 'helpers', 'worker-process.ts'), [h.db.uri], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      await eventually(() => h.posts().length >= 30, 60_000, 'the child delivered 30', 10);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const recordedByChild = new Set(
      (await h.db.conn.collection('notifications').find({ state: 'sent' }).toArray()).map((d) =>
        String(d._id)
      )
    );
    expect(recordedByChild.size).to.be.greaterThan(0).and.lessThan(100);

    h.worker({ leaseMs: 1_000, owner: 'restarted' });
    await eventually(
      async () => (await h.db.outbox.countsByState()).sent === 100,
      30_000,
      'all 100 sent',
      250
    );
    const delivered = h.deliveredCounts();
    for (const doc of await h.db.conn.collection('notifications').find().toArray()) {
      const times = delivered.get(doc.text) ?? 0;
      expect(times, doc.text).to.be.at.least(1);
      if (recordedByChild.has(String(doc._id)))
        expect(times, `${doc.text} was recorded sent before the kill`).to.equal(1);
    }
  });

  it('two bot processes on one database: one delivers, the other takes over when it stops, none sent twice', async () => {
    h = await startDeliveryHarness();
    const people = users(20);
    for (const p of people) await h.addUser(p);
    for (const p of people) {
      for (let i = 0; i < 10; i++) {
        await h.service.notify({
          key: `pair:${i}`,
          to: { kind: 'user', user: p },
          content: () => ({ text: `${p.aadObjectId}#${i}` }),
        });
      }
    }
    h.connector.slow(5, { times: Infinity });
    const byA = new Set<string>();
    const byB = new Set<string>();
    const a = h.worker({ outbox: recordingSent(h.db.outbox, byA), owner: 'a' });
    const b = h.worker({ outbox: recordingSent(h.db.outbox, byB), owner: 'b' });
    await eventually(() => h.posts().length >= 60, 30_000, '60 delivered');
    // Teams' limits are per bot: one process counts and sends, the other only stands by.
    const [leader, standby, byLeader, byStandby] =
      byA.size > 0 ? [a, b, byA, byB] : [b, a, byB, byA];
    expect(byStandby.size, 'sent by the standby process').to.equal(0);
    expect(leader.delivering).to.equal(true);
    expect(standby.delivering).to.equal(false);

    await leader.stop();
    // A clean shutdown gives the lease up at once, rather than letting it run out.
    const lease = await h.db.conn.collection('leases').findOne({});
    const standbyOwner = leader === a ? 'b' : 'a';
    expect(lease === null || lease.owner === standbyOwner, 'lease handed over').to.equal(true);
    await eventually(() => byStandby.size > 0, 5_000, 'the standby took over');
    await eventually(
      async () => (await h.db.outbox.countsByState()).sent === 200,
      20_000,
      'all 200 recorded'
    );
    await new Promise((r) => setTimeout(r, 200));
    const delivered = h.deliveredCounts();
    expect(delivered.size).to.equal(200);
    expect([...delivered.values()].every((n) => n === 1)).to.equal(true);
    expect(byLeader.size + byStandby.size).to.equal(200);
  });

  it('a leader whose sweep outlasts its lease keeps the lease and delivers meanwhile', async () => {
    h = await startDeliveryHarness();
    const [p] = users(1);
    await h.addUser(p);
    const w = h.worker({ owner: 'slow-sweeper' });
    let sweepDone = false;
    // Registered before the loop's first await ends: the first thing the new leader does.
    w.addSweep('slow', async () => {
      await new Promise((r) => setTimeout(r, 1_500));
      sweepDone = true;
    });
    await eventually(() => w.delivering, 3_000, 'leader');
    const gainedAt = Date.now();
    // Past the 1 s lease, in the middle of the sweep: the sweep runs beside the loop, which
    // renews the lease (awaited in the loop, the lease ran out and another process took it).
    await new Promise((r) => setTimeout(r, Math.max(0, gainedAt + 1_150 - Date.now())));
    const other = new MongoLeaderLease(h.db.conn, DELIVERY_LEASE);
    expect(await other.acquire('other', new Date(), 60_000)).to.equal(false);
    await h.service.notify({
      key: 'during-the-sweep',
      to: { kind: 'user', user: p },
      content: () => ({ text: 'during the sweep' }),
    });
    await eventually(() => h.posts().length === 1, 3_000, 'sent while the sweep runs');
    expect(sweepDone, 'the sweep still running').to.equal(false);
    expect(w.delivering).to.equal(true);
  });

  it('two bot processes keep every conversation within Teams limits, across a hand-over too', async () => {
    const clock = acceleratedClock(2);
    h = await startDeliveryHarness({ clock });
    const people = users(10);
    for (const p of people) await h.addUser(p);
    for (const p of people) {
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          h.service.notify({
            key: `handover:${i}`,
            to: { kind: 'user', user: p },
            content: () => ({ text: `${p.aadObjectId}#${i}` }),
          })
        )
      );
    }
    const first = h.worker({ owner: 'first', concurrency: 16 });
    h.worker({ owner: 'second', concurrency: 16 });
    // Mid-burst: every chat has just had its 7-8 messages; the new leader must count them.
    await eventually(() => h.posts().length >= 100, 20_000, '100 delivered');
    const leader = first.delivering ? first : h.workers().find((w) => w !== first)!;
    await leader.stop();
    await eventually(() => h.posts().length >= 300, 30_000, '300 delivered');

    expectWithinTeamsLimits(h.posts(), clock, 10, 30);
  });

  it('a process taking over counts the sends of the last 30 s and of the last hour, and those in flight, from the database', async () => {
    h = await startDeliveryHarness();
    const [busy, hourly, control, orphaned] = users(4);
    for (const p of [busy, hourly, control, orphaned]) await h.addUser(p);
    const now = Date.now();
    const sent = (p: TestUser, n: number, at: (i: number) => number) =>
      Array.from({ length: n }, (_, i) => ({
        key: `earlier:${i}`,
        kind: 'message',
        recipientKey: `${p.tenantId}:${p.aadObjectId}`,
        to: { tenantId: p.tenantId, aadObjectId: p.aadObjectId },
        language: 'en',
        text: `earlier ${i}`,
        state: 'sent',
        attempts: 1,
        dueAt: new Date(at(i)),
        sentAt: new Date(at(i)),
        createdAt: new Date(at(i)),
      }));
    // 60 in the last 30 s (the oldest 27 s ago): the next may go in about 3 s, not before.
    // 1800 in the last hour (the oldest 3.5 s short of an hour ago, none in the last 2 min).
    // 8 claimed just now by a process that died mid-send, its leases still running: they may
    // have reached the chat, so the next waits 2 s (8 per 2 s), not for the leases.
    const inFlight = sent(orphaned, 8, () => now).map(({ sentAt: _, ...d }) => ({
      ...d,
      state: 'leased',
      owner: 'crashed',
      claimedAt: new Date(now),
      leaseUntil: new Date(now + 60_000),
    }));
    await h.db.conn
      .collection('notifications')
      .insertMany([
        ...sent(busy, 60, (i) => now - 27_000 + i * 100),
        ...sent(hourly, 1800, (i) => now - 3_596_500 + i * 1_930),
        ...inFlight,
      ]);
    for (const p of [busy, hourly, control, orphaned]) {
      await h.service.notify({
        key: 'now',
        to: { kind: 'user', user: p },
        content: () => ({ text: `${p.aadObjectId} now` }),
      });
    }
    h.worker();
    const postedAt = async (p: TestUser) => {
      await eventually(
        () => h.posts().some((c) => c.body.text === `${p.aadObjectId} now`),
        10_000,
        `the message to ${p.aadObjectId}`
      );
      return h
        .posts()
        .find((c) => c.body.text === `${p.aadObjectId} now`)!
        .at.getTime();
    };
    // Sent at once (well before the limits above allow the others), so the worker was not slow.
    expect((await postedAt(control)) - now, 'an unhindered chat').to.be.lessThan(2_500);
    expect(await postedAt(busy), '60 per 30 s').to.be.at.least(now + 3_000);
    expect(await postedAt(hourly), '1800 per hour').to.be.at.least(now + 3_500);
    expect(await postedAt(orphaned), '8 per 2 s, counting sends in flight').to.be.at.least(
      now + 2_000
    );
  });

  it('spreads 1,000 notifications to 50 conversations so that no conversation ever exceeds Teams limits', async () => {
    // Twice real time: the pacing still binds (a burst of 20 per chat), the test takes seconds.
    const clock = acceleratedClock(2);
    h = await startDeliveryHarness({ clock });
    const people = users(50, 5);
    for (const p of people) await h.addUser(p);
    // Each person's 20 arrive together: unpaced, they would reach one chat in a fraction of a second.
    for (const p of people) {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          h.service.notify({
            key: `load:${i}`,
            to: { kind: 'user', user: p },
            content: () => ({ text: `${p.aadObjectId}#${i}` }),
          })
        )
      );
    }
    h.worker({ concurrency: 16 });
    // Watching the connector, not the database, so the test does not slow the worker down.
    await eventually(() => h.posts().length >= 1000, 45_000, '1000 delivered');
    await eventually(
      async () => (await h.db.outbox.countsByState()).sent === 1000,
      5_000,
      'all 1000 recorded'
    );

    expectWithinTeamsLimits(h.posts(), clock, 50, 20);
    expect(h.connector.calls.every((c) => c.status < 300)).to.equal(true);
  });

  it('keeps a tenant within its configured messages per second across its conversations', async () => {
    h = await startDeliveryHarness();
    const people = users(10);
    for (const p of people) await h.addUser(p);
    for (const p of people) {
      for (let i = 0; i < 3; i++) {
        await h.service.notify({
          key: `tenant:${i}`,
          to: { kind: 'user', user: p },
          content: () => ({ text: `${p.aadObjectId}#${i}` }),
        });
      }
    }
    h.worker({ tenantMessagesPerSecond: 10, concurrency: 16 });
    await eventually(
      async () => (await h.db.outbox.countsByState()).sent === 30,
      15_000,
      'all 30 sent'
    );
    const times = h.posts().map((c) => c.at.getTime());
    const [perSecond] = worstWindows(times, [{ limit: 10, windowMs: 999 }]);
    expect(perSecond.worst).to.be.at.most(10);
    expect(Math.max(...times) - Math.min(...times)).to.be.at.least(1900);
  });
});
