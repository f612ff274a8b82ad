import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient, type Collection, type Document } from 'mongodb';
import { testLogger } from '../../src/logger.js';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/start.js';

const SLOW_SYNC_MS = 150;

/** Switch for the slow fsync, and who to wake when a slow one starts. */
interface SlowDisk {
  on: boolean;
  syncing: Array<() => void>;
}

/**
 * A server whose journal fsync can be slowed, logging each completed fdatasync in `events`, so
 * a test can tell whether a reply left before the write it observed was durable.
 */
async function startSlowDisk(): Promise<{
  server: EmbeddedMongo;
  events: string[];
  slow: SlowDisk;
  dir: string;
}> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'durable-replies-'));
  const events: string[] = [];
  const slow: SlowDisk = { on: false, syncing: [] };
  const server = await startEmbeddedMongo({
    dataDir: dir,
    logger: testLogger(),
    storageHooks: {
      datasync: async (file) => {
        if (slow.on) {
          for (const wake of slow.syncing.splice(0)) wake();
          await new Promise((r) => setTimeout(r, SLOW_SYNC_MS));
        }
        await file.datasync();
      },
      onDatasync: () => events.push('durable'),
    },
  });
  return { server, events, slow, dir };
}

describe('embedded server: no reply before the state it observed is durable', function () {
  this.timeout(20_000);
  let server: EmbeddedMongo;
  let events: string[];
  let slow: SlowDisk;
  let dir: string;
  let clients: MongoClient[];
  let colls: Collection<Document>[];

  beforeEach(async () => {
    ({ server, events, slow, dir } = await startSlowDisk());
    // Two pools, so the racing commands arrive over several connections at once.
    clients = await Promise.all([
      MongoClient.connect(server.uri, { maxPoolSize: 10 }),
      MongoClient.connect(server.uri, { maxPoolSize: 10 }),
    ]);
    colls = clients.map((c) => c.db('durable').collection('jobs'));
    await colls[0].insertOne({ _id: 'job', state: 'pending' } as Document);
    slow.on = true;
    events.length = 0;
  });

  afterEach(async () => {
    for (const c of clients) await c.close();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the racing operations, recording each reply in `events` as it arrives. */
  function race(ops: Array<() => Promise<unknown>>, label: (r: unknown) => string) {
    return Promise.all(
      ops.map((op) =>
        op().then(
          (r) => events.push(label(r)),
          (e: { code?: number }) => events.push(`error ${e.code}`)
        )
      )
    );
  }

  /** Sends `winner`, then `others` while the winner's fsync is in flight (the window at risk). */
  async function duringWinnersSync(
    winner: () => Promise<unknown>,
    others: Array<() => Promise<unknown>>
  ): Promise<void> {
    const syncing = new Promise<void>((resolve) => slow.syncing.push(resolve));
    const won = race([winner], () => 'won');
    await syncing;
    await Promise.all([won, race(others, () => 'reply')]);
  }

  it('answers losing conditional updates only after the winner is durable', async () => {
    await race(
      Array.from(
        { length: 6 },
        (_, i) => () =>
          colls[i % 2].updateOne({ _id: 'job', state: 'pending' } as Document, {
            $set: { state: 'active', winner: i },
          })
      ),
      (r) => ((r as { modifiedCount: number }).modifiedCount === 1 ? 'won' : 'lost')
    );
    expect(events.filter((e) => e === 'won')).to.have.length(1);
    expect(events.filter((e) => e === 'lost')).to.have.length(5);
    // The first fdatasync after the race is the winner's: every reply, won or lost, follows it.
    expect(events[0]).to.equal('durable');
  });

  it('answers no-op findAndModify, delete and update only after the write they saw', async () => {
    await duringWinnersSync(
      () => colls[0].updateOne({ _id: 'job' } as Document, { $set: { state: 'active' } }),
      [
        () => colls[1].updateOne({ _id: 'job', state: 'pending' } as Document, { $set: { x: 1 } }),
        () =>
          colls[1].findOneAndUpdate(
            { _id: 'job', state: 'pending' } as Document,
            { $set: { state: 'taken' } },
            { includeResultMetadata: true }
          ),
        () =>
          colls[0].findOneAndDelete({ _id: 'job', state: 'pending' } as Document, {
            includeResultMetadata: true,
          }),
        () => colls[1].deleteOne({ _id: 'job', state: 'pending' } as Document),
        // Matches, but changes nothing: a no-op update of an existing document.
        () => colls[0].updateOne({ _id: 'job' } as Document, { $set: { state: 'active' } }),
      ]
    );
    expect(events.filter((e) => e === 'reply')).to.have.length(5);
    expect(events[0]).to.equal('durable');
    expect(events.filter((e) => e === 'durable')).to.have.length(1);
    expect((await colls[0].findOne({ _id: 'job' } as Document))?.state).to.equal('active');
  });

  it('answers an error decided by a not-yet-durable write only after that write', async () => {
    await duringWinnersSync(
      () => colls[0].updateOne({ _id: 'job' } as Document, { $set: { state: 'active' } }),
      // $inc on the string the winner just wrote: TypeMismatch, decided by unsynced state.
      [
        () =>
          colls[1].findOneAndUpdate({ _id: 'job', state: 'active' } as Document, {
            $inc: { state: 1 },
          }),
      ]
    );
    expect(events).to.include('error 14');
    expect(events[0]).to.equal('durable');
  });

  it('answers a no-op write at once when nothing is waiting for the disk', async () => {
    const started = Date.now();
    const r = await colls[0].updateOne({ _id: 'nobody' } as Document, { $set: { x: 1 } });
    expect(r.matchedCount).to.equal(0);
    expect(Date.now() - started).to.be.lessThan(SLOW_SYNC_MS);
    expect(events).to.deep.equal([]);
  });
});
