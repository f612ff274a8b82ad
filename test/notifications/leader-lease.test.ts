import { expect } from 'chai';
import { MongoLeaderLease } from '../../models/notifications/lease.repository.js';
import { startOutboxDb } from './helpers/outbox-db.js';

describe('MongoLeaderLease (embedded DB)', () => {
  let db: Awaited<ReturnType<typeof startOutboxDb>>;
  let lease: MongoLeaderLease;
  const t0 = new Date('2026-12-01T10:00:00Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  beforeEach(async () => {
    db = await startOutboxDb();
    lease = new MongoLeaderLease(db.conn, 'job');
  });
  afterEach(async () => {
    await db.stop();
  });

  it('is held by one owner at a time, who can renew it', async () => {
    expect(await lease.acquire('a', at(0), 1_000)).to.equal(true);
    expect(await lease.acquire('b', at(500), 1_000)).to.equal(false);
    expect(await lease.acquire('a', at(900), 1_000)).to.equal(true);
    // Renewed at 900: still a's at 1,500, where the first grant would have run out.
    expect(await lease.acquire('b', at(1_500), 1_000)).to.equal(false);
    const doc = await db.conn.collection('leases').findOne({ _id: 'job' as never });
    expect(doc).to.include({ owner: 'a' });
    expect(doc!.expiresAt.getTime()).to.equal(at(1_900).getTime());
  });

  it('goes to another owner once it expires, and the old owner is then refused', async () => {
    await lease.acquire('a', at(0), 1_000);
    expect(await lease.acquire('b', at(1_000), 1_000)).to.equal(true);
    expect(await lease.acquire('a', at(1_100), 1_000)).to.equal(false);
  });

  it('is free at once after its owner releases it; a release by another owner changes nothing', async () => {
    await lease.acquire('a', at(0), 10_000);
    await lease.release('b');
    expect(await lease.acquire('b', at(10), 10_000)).to.equal(false);
    await lease.release('a');
    expect(await lease.acquire('b', at(20), 10_000)).to.equal(true);
  });

  it('goes to exactly one of 20 processes asking at the same moment', async () => {
    const others = Array.from({ length: 20 }, (_, i) => `p${i}`);
    const results = await Promise.all(others.map((o) => lease.acquire(o, at(0), 1_000)));
    expect(results.filter(Boolean)).to.have.length(1);
    const doc = await db.conn.collection('leases').findOne({ _id: 'job' as never });
    expect(doc!.owner).to.equal(others[results.indexOf(true)]);
  });

  it('keeps leases of different jobs apart', async () => {
    const other = new MongoLeaderLease(db.conn, 'other-job');
    expect(await lease.acquire('a', at(0), 1_000)).to.equal(true);
    expect(await other.acquire('b', at(0), 1_000)).to.equal(true);
  });
});
