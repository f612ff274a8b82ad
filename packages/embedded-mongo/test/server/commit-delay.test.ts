import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient, type Collection } from 'mongodb';
import { testLogger } from '../../src/logger.js';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/start.js';

const WRITERS = 32;
const INSERTS_EACH = 15;

/**
 * Group commit through the wire server: while many connections write at once, a frame may wait a
 * millisecond or two for the others' inserts (the journal's own test shows how many more then
 * share an fdatasync); a lone writer never waits.
 */
describe('embedded server: commit delay while other writers are active', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const servers: EmbeddedMongo[] = [];
  const clients: MongoClient[] = [];

  async function start() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'commit-delay-'));
    dirs.push(dir);
    const server = await startEmbeddedMongo({ dataDir: dir, logger: testLogger() });
    servers.push(server);
    const client = await MongoClient.connect(server.uri, { maxPoolSize: WRITERS });
    clients.push(client);
    return { server, coll: client.db('t').collection<{ _id: string }>('c') };
  }

  /** 32 writers whose inserts trickle in: each waits 0-3 ms before its next one. */
  async function trickle(coll: Collection<{ _id: string }>, round: number) {
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        for (let i = 0; i < INSERTS_EACH; i++) {
          await new Promise((r) => setTimeout(r, Math.random() * 3));
          await coll.insertOne({ _id: `${round}-${w}-${i}` });
        }
      })
    );
  }

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close();
    for (const s of servers.splice(0)) await s.stop();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('waits for the other active connections, and keeps every insert', async () => {
    const { server, coll } = await start();
    const before = server.stats();
    // On a machine busy with other suites the event loop lags, every writer is already queued
    // when a frame starts, and there is nobody left to wait for: no delay is due then. So the
    // trickle is repeated (up to five times) until one frame has waited; with the delay turned
    // off none ever does.
    let rounds = 0;
    while (rounds < 5 && server.stats().delayedFrames === before.delayedFrames) {
      await trickle(coll, rounds++);
    }
    const after = server.stats();
    expect(await coll.countDocuments()).to.equal(rounds * WRITERS * INSERTS_EACH);
    expect(after.delayedFrames - before.delayedFrames).to.be.greaterThan(0);
    expect(after.datasyncs - before.datasyncs).to.be.lessThan(
      (rounds * WRITERS * INSERTS_EACH) / 4
    );
  });

  it('never delays a lone writer: each of its inserts gets its own fdatasync at once', async () => {
    const { server, coll } = await start();
    const before = server.stats();
    for (let i = 0; i < 40; i++) await coll.insertOne({ _id: `only-${i}` });
    const after = server.stats();
    expect(after.delayedFrames - before.delayedFrames).to.equal(0);
    expect(after.datasyncs - before.datasyncs).to.equal(after.commits - before.commits);
  });
});
