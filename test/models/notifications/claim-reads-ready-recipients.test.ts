import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Document } from 'bson';
import { MongoNotificationOutbox } from '../../../models/notifications/notification.repository.js';
import type { NewOutboxItem } from '../../../notifications/notification-outbox.port.js';
import { startOutboxDb } from '../../notifications/helpers/outbox-db.js';

const PACED = 'aad-paced';
const READY = 'aad-ready';

const item = (key: string, aad: string, dueAt: Date): NewOutboxItem => ({
  key,
  kind: 'message',
  recipientKey: `t1:${aad}`,
  to: { tenantId: 't1', aadObjectId: aad },
  language: 'en',
  content: { text: key },
  dueAt,
});

/** The IXSCAN stage of a plan (under FETCH, SORT or LIMIT), if any. */
function ixscan(stage: Document | undefined): Document | undefined {
  if (!stage) return undefined;
  if (stage.stage === 'IXSCAN') return stage;
  return ixscan(stage.inputStage as Document | undefined);
}

/**
 * The fields an index scan fixes to values (`["x", "x"]`) as a filter: every document the scan
 * can read matches it (range fields are left out, so it may match more, never less).
 */
function pointBounds(scan: Document): Document {
  const filter: Document = {};
  for (const [field, intervals] of Object.entries(scan.indexBounds as Record<string, string[]>)) {
    const values: unknown[] = [];
    for (const text of intervals) {
      if (!text.startsWith('[') || !text.endsWith(']')) return filter;
      let pair: unknown[];
      try {
        pair = JSON.parse(text) as unknown[];
      } catch {
        break;
      }
      if (JSON.stringify(pair[0]) !== JSON.stringify(pair[1])) break;
      values.push(pair[0]);
    }
    if (values.length === intervals.length) filter[field] = { $in: values };
  }
  return filter;
}

describe('Claiming from the outbox with one chat paced and a large backlog', function () {
  this.timeout(60_000);
  let db: Awaited<ReturnType<typeof startOutboxDb>>;
  let watched: mongoose.Connection;
  afterEach(async () => {
    await watched?.close();
    await db?.stop();
  });

  it('reads only the recipients ready now and the ready recipient’s items, none of the paced chat’s 1000', async () => {
    db = await startOutboxDb();
    const now = new Date();
    const past = new Date(now.getTime() - 60_000);
    await db.outbox.enqueue([item('p0', PACED, past)]);
    // The rest of the backlog in one write (the machine is shared): the same documents.
    await db.conn.collection('notifications').insertMany(
      Array.from({ length: 999 }, (_, i) => ({
        key: `p${i + 1}`,
        kind: 'message',
        recipientKey: `t1:${PACED}`,
        to: { tenantId: 't1', aadObjectId: PACED },
        language: 'en',
        text: `p${i + 1}`,
        state: 'due',
        dueAt: past,
        attempts: 0,
        createdAt: past,
        updatedAt: past,
      }))
    );
    // What the worker tells the outbox when the pacer holds the chat back for an hour.
    await db.outbox.pace(PACED, new Date(now.getTime() + 3_600_000));
    await db.outbox.enqueue([item('r0', READY, past)]);

    watched = mongoose.createConnection(db.uri, { monitorCommands: true });
    await watched.asPromise();
    const outbox = new MongoNotificationOutbox(watched);
    await outbox.init();
    const sent: Document[] = [];
    watched.getClient().on('commandStarted', (e) => {
      if (['find', 'findAndModify', 'aggregate', 'count', 'distinct'].includes(e.commandName))
        sent.push(e.command);
    });

    const claimed = await outbox.claimNext({
      owner: 'w',
      now,
      leaseMs: 60_000,
      // The pacer knows the chat is held back (the worker passes what it blocks).
      skipAadObjectIds: [PACED],
      skipTenantIds: [],
    });
    expect(claimed?.to.aadObjectId).to.equal(READY);
    const claimCommands = [...sent];
    expect(claimCommands.length).to.be.greaterThan(0);

    for (const command of claimCommands) {
      const { lsid: _l, $db: _d, $clusterTime: _c, ...inner } = command;
      const collection = String(inner[Object.keys(inner)[0]]);
      const explained = await watched.db!.command({ explain: inner, verbosity: 'queryPlanner' });
      const scan = ixscan(explained.queryPlanner.winningPlan as Document);
      expect(scan, `${JSON.stringify(inner)} uses an index`).to.not.equal(undefined);
      if (collection === 'notifications') {
        // The paced chat's backlog is outside the index range the command scans.
        const range = pointBounds(scan!);
        const ids = (range['to.aadObjectId'] as { $in: unknown[] } | undefined)?.$in;
        const inRange = ids
          ? ids.filter((id) => id === PACED).length
          : await db.conn
              .collection('notifications')
              .countDocuments({ ...range, 'to.aadObjectId': PACED });
        expect(inRange, `${JSON.stringify(scan)} reads the paced chat's items`).to.equal(0);
      } else {
        expect(collection).to.equal('notification_recipients');
        expect(Object.keys(scan!.keyPattern as Document)).to.deep.equal(['nextAt']);
        // The recipients in that range: the ready one; the paced chat's opening is later.
        const inRange = await watched
          .collection('notification_recipients')
          .countDocuments({ nextAt: { $lte: now } });
        expect(inRange).to.equal(1);
      }
    }
    // Nothing of the backlog was touched, and the paced chat's items are still there to send.
    expect(await db.outbox.countsByState()).to.deep.equal({ due: 1000, leased: 1 });
  });

  it('comes back to a recipient at its next due item after a claim found it had nothing due', async () => {
    db = await startOutboxDb();
    const now = new Date();
    await db.outbox.enqueue([item('later', READY, new Date(now.getTime() + 5_000))]);
    const opts = { owner: 'w', leaseMs: 60_000, skipAadObjectIds: [], skipTenantIds: [] };
    // Said ready when it was enqueued (at its due time, later than now): nothing to claim yet.
    expect(await db.outbox.claimNext({ ...opts, now })).to.equal(null);
    expect((await db.outbox.nextReadyAt(opts))?.getTime()).to.equal(now.getTime() + 5_000);
    const claimed = await db.outbox.claimNext({ ...opts, now: new Date(now.getTime() + 5_000) });
    expect(claimed?.key).to.equal('later');
  });

  it('says ready again a recipient whose due item lost its readiness record (a crash between the two writes)', async () => {
    db = await startOutboxDb();
    const now = new Date();
    await db.outbox.enqueue([item('orphan', READY, now)]);
    await db.conn.collection('notification_recipients').deleteMany({});
    const opts = { owner: 'w', now, leaseMs: 60_000, skipAadObjectIds: [], skipTenantIds: [] };
    expect(await db.outbox.claimNext(opts)).to.equal(null);
    expect(await db.outbox.repairRecipients(now)).to.equal(1);
    expect((await db.outbox.claimNext(opts))?.key).to.equal('orphan');
    expect(await db.outbox.repairRecipients(now)).to.equal(0);
  });

  it('fills a worker’s free slots in one look: the first due item of each ready recipient, none of a recipient twice', async () => {
    db = await startOutboxDb();
    const now = new Date();
    const at = (ms: number) => new Date(now.getTime() - 10_000 + ms);
    await db.outbox.enqueue([
      item('a1', 'aad-a', at(1)),
      item('a2', 'aad-a', at(2)),
      item('b1', 'aad-b', at(3)),
      item('c1', 'aad-c', at(4)),
      item('d1', 'aad-d', at(5)),
    ]);
    const opts = { owner: 'w', now, leaseMs: 60_000, skipAadObjectIds: [], skipTenantIds: [] };
    const first = await db.outbox.claimSome({ ...opts, max: 3 });
    expect(first.map((i) => i.key)).to.have.members(['a1', 'b1', 'c1']);
    const second = await db.outbox.claimSome({ ...opts, max: 3 });
    expect(second.map((i) => i.key)).to.have.members(['a2', 'd1']);
    expect(await db.outbox.claimSome({ ...opts, max: 3 })).to.deep.equal([]);
    expect(await db.outbox.countsByState()).to.deep.equal({ leased: 5 });
  });

  it('serves every ready recipient in turn: one waiting behind ten others’ backlogs is claimed within a round', async () => {
    db = await startOutboxDb();
    const start = Date.now();
    const at = (ms: number) => new Date(start - 60_000 + ms);
    // Ten chats with six items each, queued first; then one chat's single item.
    const backlog = Array.from({ length: 10 }, (_, r) =>
      Array.from({ length: 6 }, (_, i) => item(`r${r}-${i}`, `aad-r${r}`, at(r * 10 + i)))
    ).flat();
    await db.outbox.enqueue(backlog);
    await db.outbox.enqueue([item('late', 'aad-late', at(1_000))]);
    const claimedAt: string[][] = [];
    // Three free slots a look, the clock moving on between looks, as the worker does.
    for (let look = 0; look < 8; look++) {
      const got = await db.outbox.claimSome({
        owner: 'w',
        now: new Date(start + look),
        leaseMs: 60_000,
        skipAadObjectIds: [],
        skipTenantIds: [],
        max: 3,
      });
      claimedAt.push(got.map((i) => i.key));
    }
    // Eleven ready chats, three slots a look: within four looks each has had one turn.
    const look = claimedAt.findIndex((keys) => keys.includes('late'));
    expect(look, JSON.stringify(claimedAt)).to.be.within(0, 3);
    const firstLooks = claimedAt.slice(0, 4).flat();
    for (let r = 0; r < 10; r++) {
      expect(
        firstLooks.some((k) => k.startsWith(`r${r}-`)),
        `chat ${r} in ${JSON.stringify(claimedAt)}`
      ).to.equal(true);
    }
  });
});
