import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { startEmbeddedMongo, type EmbeddedMongo } from '@partner-connect/embedded-mongo';
import { InvokeReplays } from '../../bot/invoke-replays.js';
import { testLogger } from '../../logging/logger.js';
import { MongoInvokeAnswers } from '../../models/bot-state/invoke-answers.js';

/** Two "processes": each its own connection, store and memo, on one embedded database. */
describe('the Action.Execute replay guard shared through MongoDB', function () {
  this.timeout(20_000);
  let dir: string;
  let mongo: EmbeddedMongo;
  const conns: mongoose.Connection[] = [];
  // Today, not a fixed date: the database's TTL sweep reads the real time, and once that date
  // was more than the 15 minutes an answer is kept in the past, the sweep deleted the first
  // process's entry while it ran, and the second process ran the invoke again.
  let clock = new Date();

  async function processOnDb() {
    const conn = await mongoose.createConnection(mongo.uri, { dbName: 'replays' }).asPromise();
    conns.push(conn);
    const store = new MongoInvokeAnswers<string>(conn, 30_000, () => clock);
    await store.init();
    return {
      store,
      replays: new InvokeReplays<string>({ maxEntries: 100, maxAgeMs: 60_000, shared: store }),
    };
  }

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-invoke-answers-'));
    mongo = await startEmbeddedMongo({
      dataDir: dir,
      logger: testLogger(),
      localSocket: false,
      port: 0,
    });
  });
  after(async () => {
    for (const c of conns) await c.close();
    await mongo.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs an invoke once across processes, the other answering with what the first stored', async () => {
    const [a, b] = [await processOnDb(), await processOnDb()];
    let runs = 0;
    const work = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 200));
      return `answer ${runs}`;
    };
    const answers = await Promise.all([
      a.replays.answer('k1', work, () => 'busy'),
      b.replays.answer('k1', work, () => 'busy'),
    ]);
    expect(runs).to.equal(1);
    expect(answers).to.deep.equal(['answer 1', 'answer 1']);
  });

  it('lets the invoke run again when its first run failed, and takes over one a dead process left', async () => {
    const [a, b] = [await processOnDb(), await processOnDb()];
    const failed = await a.replays
      .answer(
        'k2',
        () => Promise.reject(new Error('boom')),
        () => 'busy'
      )
      .catch((e: Error) => e.message);
    expect(failed).to.equal('boom');
    expect(
      await b.replays.answer(
        'k2',
        async () => 'second',
        () => 'busy'
      )
    ).to.equal('second');

    // A process took k3 on and died: busy at first, run here once the entry is stale.
    expect((await a.store.start('k3')).kind).to.equal('run');
    expect((await b.store.start('k3')).kind).to.equal('running');
    clock = new Date(clock.getTime() + 31_000);
    expect((await b.store.start('k3')).kind).to.equal('run');
    expect((await a.store.start('k3')).kind).to.equal('running');
    await b.store.finish('k3', 'from b');
    expect(await a.store.start('k3')).to.deep.equal({ kind: 'answered', answer: 'from b' });
  });
});

describe("the replay guard's memo in one process", () => {
  it('forgets answers past their age even when no one asks for them again', async () => {
    let now = 0;
    const replays = new InvokeReplays<string>({ maxAgeMs: 1_000, now: () => now });
    for (let i = 0; i < 50; i++) await replays.answer(`old-${i}`, async () => 'a');
    now = 2_000;
    await replays.answer('new', async () => 'b');
    expect((replays as unknown as { entries: Map<string, unknown> }).entries.size).to.equal(1);
    // Still within its age: the same invoke gets the first answer, its work not run again.
    let runs = 0;
    expect(await replays.answer('new', async () => `c${++runs}`)).to.equal('b');
    expect(runs).to.equal(0);
  });
});
