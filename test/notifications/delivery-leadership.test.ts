import { expect } from 'chai';
import type { LeaderLease } from '../../notifications/leader-lease.port.js';
import { testLogger } from '../../logging/logger.js';
import { DeliveryLeadership } from '../../notifications/delivery-leadership.js';

/** An in-memory lease whose calls can be made to fail or to take (clock) time. */
class FakeLease implements LeaderLease {
  holder: { owner: string; until: number } | undefined;
  acquires = 0;
  releases = 0;
  /** Runs inside each acquire before it is decided: advance the clock, throw (outage). */
  during: (() => void) | undefined;

  async acquire(owner: string, now: Date, ttlMs: number): Promise<boolean> {
    this.acquires++;
    this.during?.();
    const t = now.getTime();
    if (this.holder && this.holder.owner !== owner && this.holder.until > t) return false;
    this.holder = { owner, until: t + ttlMs };
    return true;
  }

  async release(owner: string): Promise<void> {
    this.releases++;
    if (this.holder?.owner === owner) this.holder = undefined;
  }
}

describe('DeliveryLeadership', () => {
  const TTL = 1_000;
  let clock: number;
  let lease: FakeLease;
  let gained: number;
  let failGain: boolean;
  const leadership = (retryEveryMs = 100) =>
    new DeliveryLeadership({
      lease,
      owner: 'me',
      ttlMs: TTL,
      retryEveryMs,
      now: () => clock,
      logger: testLogger(),
      onGained: async () => {
        gained++;
        if (failGain) throw new Error('could not read the sends of the last hour');
      },
    });
  beforeEach(() => {
    clock = 0;
    lease = new FakeLease();
    gained = 0;
    failGain = false;
  });

  it('leads while it renews, and renews only when due', async () => {
    const l = leadership();
    expect(await l.check(0)).to.equal(true);
    expect(await l.check(100)).to.equal(true);
    expect(lease.acquires).to.equal(1);
    clock = 400;
    expect(await l.check(400)).to.equal(true);
    expect(lease.acquires).to.equal(2);
    expect(gained).to.equal(1);
  });

  it('keeps leading through a failed renewal only while the grant it had lasts, judged when the call ends', async () => {
    const l = leadership();
    expect(await l.check(0)).to.equal(true);
    // The database is down: the renewal hangs past the whole lease, then fails.
    lease.during = () => {
      clock = 5_000;
      throw new Error('server selection timed out');
    };
    clock = 400;
    expect(await l.check(400), 'after an outage longer than the lease').to.equal(false);
    expect(l.isLeader).to.equal(false);
  });

  it('keeps leading through a brief failed renewal within the grant', async () => {
    const l = leadership();
    expect(await l.check(0)).to.equal(true);
    lease.during = () => {
      throw new Error('blip');
    };
    clock = 400;
    expect(await l.check(400)).to.equal(true);
    clock = 900;
    expect(await l.check(900), 'past 80% of the grant').to.equal(false);
  });

  it('does not deliver on a grant that a slow call used up', async () => {
    const l = leadership();
    lease.during = () => {
      clock = 2_000; // the call took longer than the lease it asked for
    };
    expect(await l.check(0)).to.equal(false);
  });

  it('as a standby asks for the lease about once per retry interval, however often it is woken', async () => {
    lease.holder = { owner: 'other', until: 10_000 };
    const l = leadership(100);
    for (let t = 0; t < 90; t += 2) {
      clock = t;
      expect(await l.check(t)).to.equal(false);
    }
    expect(lease.acquires).to.equal(1);
    clock = 100;
    await l.check(100);
    expect(lease.acquires).to.equal(2);
  });

  it('gives the lease back when it cannot prepare to deliver, so another process can take over', async () => {
    failGain = true;
    const l = leadership();
    expect(await l.check(0)).to.equal(false);
    expect(lease.holder, 'the lease after a failed take-over').to.equal(undefined);
    failGain = false;
    clock = 100;
    expect(await l.check(100)).to.equal(true);
    expect(gained).to.equal(2);
  });

  it('releases on shutdown even when it never counted itself leader', async () => {
    const l = leadership();
    // The grant was written but its answer was lost: the lease is ours in the database.
    lease.during = () => {
      lease.holder = { owner: 'me', until: 1_000 };
      throw new Error('socket closed');
    };
    expect(await l.check(0)).to.equal(false);
    await l.release();
    expect(lease.holder).to.equal(undefined);
  });
});
