import { expect } from 'chai';
import type { NewOutboxItem } from '../../../notifications/notification-outbox.port.js';
import { startOutboxDb } from '../../notifications/helpers/outbox-db.js';

const item = (key: string, aad = 'aad-1', extra: Partial<NewOutboxItem> = {}): NewOutboxItem => ({
  key,
  kind: 'message',
  recipientKey: `t1:${aad}`,
  to: { tenantId: 't1', aadObjectId: aad },
  language: 'en',
  content: {
    text: `text ${key}`,
    card: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard' },
  },
  dueAt: new Date(Date.now() - 1000),
  ...extra,
});

describe('MongoNotificationOutbox', () => {
  let db: Awaited<ReturnType<typeof startOutboxDb>>;
  beforeEach(async () => {
    db = await startOutboxDb();
  });
  afterEach(async () => {
    await db.stop();
  });

  it('enqueues a notification once per key and recipient, however often the call is retried', async () => {
    expect(await db.outbox.enqueue([item('k1')])).to.equal(1);
    expect(await db.outbox.enqueue([item('k1')])).to.equal(0);
    expect(await db.outbox.enqueue([item('k1', 'aad-2')])).to.equal(1);
    expect(await db.outbox.countsByState()).to.deep.equal({ due: 2 });
  });

  it('keeps Adaptive Card keys starting with $ intact', async () => {
    await db.outbox.enqueue([item('k1')]);
    const claimed = await db.outbox.claimNext({
      owner: 'w',
      now: new Date(),
      leaseMs: 1000,
      skipAadObjectIds: [],
      skipTenantIds: [],
    });
    expect(claimed?.content.card).to.have.property('$schema');
  });

  it('lets only one of two workers claim an item, and gives it back after the lease expires', async () => {
    await db.outbox.enqueue([item('k1')]);
    const now = new Date();
    const opts = { now, leaseMs: 1000, skipAadObjectIds: [], skipTenantIds: [] };
    const [a, b] = await Promise.all([
      db.outbox.claimNext({ ...opts, owner: 'a' }),
      db.outbox.claimNext({ ...opts, owner: 'b' }),
    ]);
    expect([a, b].filter(Boolean)).to.have.length(1);
    const winner = (a ?? b)!;
    expect(winner.attempts).to.equal(1);
    const later = new Date(now.getTime() + 1001);
    const again = await db.outbox.claimNext({ ...opts, now: later, owner: 'c' });
    expect(again?.id).to.equal(winner.id);
    // The first owner lost its lease: its conditional transitions no longer apply.
    const ok = await db.outbox.markSent(winner.id, winner.owner!, {
      activityId: 'x',
      conversationId: 'c',
      reference: {},
      sentAt: later,
    });
    expect(ok).to.equal(false);
    expect(
      await db.outbox.markSent(winner.id, 'c', {
        activityId: 'y',
        conversationId: 'c',
        reference: { a: 1 },
        sentAt: later,
      })
    ).to.equal(true);
    const sent = await db.outbox.get(winner.id);
    expect(sent).to.include({ state: 'sent', activityId: 'y' });
  });

  it('skips recipients and tenants the pacer has blocked', async () => {
    await db.outbox.enqueue([item('k1', 'aad-1'), item('k2', 'aad-2')]);
    const claimed = await db.outbox.claimNext({
      owner: 'w',
      now: new Date(),
      leaseMs: 1000,
      skipAadObjectIds: ['aad-1'],
      skipTenantIds: [],
    });
    expect(claimed?.to.aadObjectId).to.equal('aad-2');
    const none = await db.outbox.claimNext({
      owner: 'w',
      now: new Date(),
      leaseMs: 1000,
      skipAadObjectIds: [],
      skipTenantIds: ['t1'],
    });
    expect(none).to.equal(null);
  });

  it('releases held items of a user, including those waiting for the tenant to be learned', async () => {
    await db.outbox.enqueue([
      item('k1'),
      item('k2', 'op-1', { to: { aadObjectId: 'op-1' }, recipientKey: 'operator:op-1' }),
    ]);
    const opts = { now: new Date(), leaseMs: 1000, skipAadObjectIds: [], skipTenantIds: [] };
    const a = (await db.outbox.claimNext({ ...opts, owner: 'w' }))!;
    const b = (await db.outbox.claimNext({ ...opts, owner: 'w' }))!;
    await db.outbox.hold(a.id, 'w', 'gone');
    await db.outbox.hold(b.id, 'w', 'noTenant');
    expect(await db.outbox.countsByState()).to.deep.equal({ held: 2 });
    expect(await db.outbox.release({ tenantId: 't9', aadObjectId: 'op-1' }, new Date())).to.equal(
      1
    );
    const op = await db.outbox.get(b.id);
    expect(op).to.include({ state: 'due' });
    expect(op?.to.tenantId).to.equal('t9');
    expect(await db.outbox.release({ tenantId: 't1', aadObjectId: 'aad-1' }, new Date())).to.equal(
      1
    );
  });

  it('reports the backlog and how old the oldest due item is', async () => {
    const now = new Date();
    await db.outbox.enqueue([
      item('k1', 'a', { dueAt: new Date(now.getTime() - 30_000) }),
      item('k2', 'b', { dueAt: new Date(now.getTime() + 60_000) }),
    ]);
    const b = await db.outbox.backlog(now);
    expect(b.backlog).to.equal(2);
    expect(now.getTime() - b.oldestDueAt!.getTime()).to.equal(30_000);
  });
});
