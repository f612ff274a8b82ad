import { expect } from 'chai';
import { Pacer } from '../../notifications/pacer.js';
import {
  SlidingWindowLimiter,
  TEAMS_CONVERSATION_LIMITS,
  perSecond,
  type WindowRule,
} from '../../notifications/sliding-window.limiter.js';

/** The largest number of events found in any closed window of each rule's length. */
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

/** Sends as fast as the limiter allows on a fake clock; returns the send times. */
function drive(limiter: SlidingWindowLimiter, count: number, key = 'c'): number[] {
  let now = 0;
  const times: number[] = [];
  while (times.length < count) {
    const wait = limiter.waitMs(key, now);
    if (wait > 0) {
      now += wait;
      continue;
    }
    limiter.record(key, now);
    times.push(now);
  }
  return times;
}

describe('SlidingWindowLimiter', () => {
  it('allows a burst of 7 at once, then spaces messages so no window breaks Teams limits', () => {
    const limiter = new SlidingWindowLimiter(TEAMS_CONVERSATION_LIMITS);
    const times = drive(limiter, 200);
    expect(times.slice(0, 7)).to.deep.equal([0, 0, 0, 0, 0, 0, 0]);
    expect(times[7]).to.be.greaterThan(1000);
    for (const w of worstWindows(times, TEAMS_CONVERSATION_LIMITS)) {
      expect(w.worst, `${w.limit} per ${w.windowMs} ms`).to.be.at.most(w.limit);
    }
    // The 60 per 30 s rule binds: the 61st message waits until the first leaves the window.
    expect(times[60] - times[0]).to.be.greaterThan(30_000);
  });

  it('keeps the hourly limit of 1800 over a simulated hour and a half', () => {
    const limiter = new SlidingWindowLimiter(TEAMS_CONVERSATION_LIMITS);
    const times = drive(limiter, 2000);
    const hourly = worstWindows(times, TEAMS_CONVERSATION_LIMITS).find(
      (w) => w.windowMs === 3_600_000
    )!;
    expect(hourly.worst).to.equal(1800);
    expect(times[1800] - times[0]).to.be.greaterThan(3_600_000);
  });

  it('keeps each key separate', () => {
    const limiter = new SlidingWindowLimiter([{ limit: 1, windowMs: 1000 }]);
    limiter.record('a', 0);
    expect(limiter.waitMs('a', 0)).to.equal(1001);
    expect(limiter.waitMs('b', 0)).to.equal(0);
    expect(limiter.blockedKeys(500)).to.deep.equal(['a']);
    expect(limiter.blockedKeys(1001)).to.deep.equal([]);
  });

  it('honours a Retry-After block until it passes', () => {
    const limiter = new SlidingWindowLimiter(TEAMS_CONVERSATION_LIMITS);
    limiter.blockUntil('a', 5000);
    expect(limiter.waitMs('a', 1000)).to.equal(4000);
    expect(limiter.waitMs('a', 5000)).to.equal(0);
  });

  it('turns a per-second rate into rules, fractional rates included', () => {
    expect(perSecond(20)).to.deep.equal([{ limit: 20, windowMs: 1000 }]);
    expect(perSecond(0.5)).to.deep.equal([{ limit: 1, windowMs: 2000 }]);
  });
});

describe('Pacer', () => {
  it('sends to one conversation one at a time, counting from when each send completed', () => {
    const pacer = new Pacer({
      tenantMessagesPerSecond: 100,
      conversationRules: [{ limit: 1, windowMs: 1000 }],
    });
    const first = pacer.tryStart('c', 't', 0);
    expect(first.ok).to.equal(true);
    expect(pacer.tryStart('c', 't', 10).ok).to.equal(false);
    expect(pacer.blocked(10).conversations).to.deep.equal(['c']);
    if (first.ok) first.done(300);
    const next = pacer.tryStart('c', 't', 1000);
    expect(next).to.deep.include({ ok: false, waitMs: 301 });
    expect(pacer.tryStart('c', 't', 1301).ok).to.equal(true);
  });

  it('holds a tenant to its configured rate across its conversations', () => {
    const pacer = new Pacer({ tenantMessagesPerSecond: 2 });
    expect(pacer.tryStart('a', 't', 0).ok).to.equal(true);
    expect(pacer.tryStart('b', 't', 0).ok).to.equal(true);
    const third = pacer.tryStart('c', 't', 0);
    expect(third.ok).to.equal(false);
    expect(pacer.blocked(0).tenants).to.deep.equal(['t']);
    expect(pacer.tryStart('d', 'other', 0).ok).to.equal(true);
  });

  it('counts a tenant send from when it completed, so slow requests never overfill a window at Teams', () => {
    const pacer = new Pacer({ tenantMessagesPerSecond: 2 });
    const a = pacer.tryStart('a', 't', 0);
    const b = pacer.tryStart('b', 't', 0);
    if (!a.ok || !b.ok) throw new Error('the first two must start');
    // Both arrived at Teams somewhere within their 300 ms on the way.
    a.done(300);
    b.done(300);
    expect(pacer.tryStart('c', 't', 1000)).to.deep.include({ ok: false, waitMs: 301 });
    expect(pacer.nextOpening(1000)).to.equal(1301);
    expect(pacer.tryStart('c', 't', 1301).ok).to.equal(true);
  });
});
