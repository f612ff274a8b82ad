import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient, type Collection, type Document } from 'mongodb';
import { testLogger } from '../../src/logger.js';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/start.js';

describe('embedded server: range, sort and count queries through indexes', () => {
  let dir: string;
  let server: EmbeddedMongo;
  let client: MongoClient;
  let jobs: Collection;
  const base = Date.UTC(2026, 5, 1);
  const now = new Date(base + 500 * 60_000);

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-ixplan-'));
    server = await startEmbeddedMongo({ dataDir: dir, logger: testLogger() });
    client = await new MongoClient(server.uri).connect();
    jobs = client.db('plans').collection('jobs');
    await jobs.createIndex({ state: 1, dueAt: 1 });
    await jobs.createIndex({ tags: 1 });
    await jobs.insertMany(
      Array.from({ length: 1000 }, (_, i) => ({
        _id: i as never,
        state: ['due', 'sent', 'failed', 'sent'][i % 4],
        dueAt: new Date(base + ((i * 7919) % 1000) * 60_000),
        tags: i % 5 === 0 ? [i % 3, 10 + (i % 7)] : i % 3,
      }))
    );
  });

  after(async () => {
    await client?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const winning = async (cursor: { explain(v: 'queryPlanner'): Promise<Document> }) =>
    JSON.stringify((await cursor.explain('queryPlanner')).queryPlanner.winningPlan);

  it('gives the sorted findOne the oldest due job, read in index order (explain)', async () => {
    const filter = { state: 'due', dueAt: { $lte: now } };
    const all = await jobs.find({ state: 'due' }).toArray();
    const oldest = all
      .filter((j) => j.dueAt <= now)
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime())[0];
    const first = await jobs.findOne(filter, { sort: { dueAt: 1 } });
    expect(first?._id).to.equal(oldest._id);
    const plan = await winning(jobs.find(filter).sort({ dueAt: 1 }).limit(1));
    expect(plan)
      .to.match(/IXSCAN/)
      .and.include('state_1_dueAt_1')
      .and.not.match(/SORT"|COLLSCAN/);
    const latest = await winning(jobs.find({ state: 'sent' }).sort({ dueAt: -1 }));
    expect(latest)
      .to.include('"direction":"backward"')
      .and.not.match(/"stage":"SORT"/);
    // Sorting on a field the index does not lead with needs a SORT stage.
    expect(await winning(jobs.find({ state: 'due' }).sort({ tags: 1 }))).to.match(/"stage":"SORT"/);
  });

  it('counts with countDocuments and count as a scan would, through the index', async () => {
    const docs = await jobs.find({}).toArray();
    const cases: Array<[Document, (d: Document) => boolean]> = [
      [{ state: 'due' }, (d) => d.state === 'due'],
      [{ state: 'sent', dueAt: { $gt: now } }, (d) => d.state === 'sent' && d.dueAt > now],
      [{ state: { $in: ['due', 'failed'] } }, (d) => d.state === 'due' || d.state === 'failed'],
      [
        { tags: { $gte: 2, $lt: 12 } },
        (d) => {
          const tags: number[] = [d.tags].flat();
          return tags.some((t) => t >= 2) && tags.some((t) => t < 12);
        },
      ],
    ];
    for (const [filter, pred] of cases) {
      const want = docs.filter(pred).length;
      expect(want).to.be.greaterThan(0);
      expect(await jobs.countDocuments(filter), JSON.stringify(filter)).to.equal(want);
      expect(await jobs.countDocuments(filter, { skip: 3, limit: 10 })).to.equal(
        Math.min(10, want - 3)
      );
      // The legacy count command too.
      const { n } = await client.db('plans').command({ count: 'jobs', query: filter });
      expect(n).to.equal(want);
    }
    expect(await jobs.countDocuments({ state: 'none' })).to.equal(0);
    const plan = JSON.stringify(
      (
        await jobs
          .aggregate([{ $match: { state: 'sent', dueAt: { $gt: now } } }, { $count: 'n' }])
          .explain('queryPlanner')
      ).queryPlanner.winningPlan
    );
    expect(plan).to.match(/IXSCAN/);
  });

  it('runs an aggregation starting with $match, $sort and $limit through the index', async () => {
    const got = await jobs
      .aggregate([
        { $match: { state: 'failed', dueAt: { $gte: now } } },
        { $sort: { dueAt: -1 } },
        { $limit: 3 },
        { $project: { _id: 1, dueAt: 1 } },
      ])
      .toArray();
    const want = (await jobs.find({ state: 'failed' }).toArray())
      .filter((d) => d.dueAt >= now)
      .sort((a, b) => b.dueAt.getTime() - a.dueAt.getTime())
      .slice(0, 3)
      .map((d) => ({ _id: d._id, dueAt: d.dueAt }));
    expect(got).to.deep.equal(want);
  });

  it('keeps range semantics exact: type brackets, multikey arrays, null and missing', async () => {
    const mixed = client.db('plans').collection('mixed');
    await mixed.createIndex({ v: 1 });
    await mixed.insertMany([
      { _id: 1 as never, v: 5 },
      { _id: 2 as never, v: '7' },
      { _id: 3 as never, v: null },
      { _id: 4 as never },
      { _id: 5 as never, v: [1, 10] },
      { _id: 6 as never, v: new Date(base) },
      { _id: 7 as never, v: 6.5 },
      { _id: 8 as never, v: [] },
    ]);
    const idsOf = async (filter: Document, sort: Document = { _id: 1 }) =>
      (await mixed.find(filter).sort(sort).toArray()).map((d) => d._id);
    expect(await idsOf({ v: { $gt: 4 } })).to.deep.equal([1, 5, 7]);
    expect(await idsOf({ v: { $gt: 4, $lt: 6 } })).to.deep.equal([1, 5]);
    expect(await idsOf({ v: { $lt: 'z' } })).to.deep.equal([2]);
    expect(await idsOf({ v: { $lte: new Date(base + 1) } })).to.deep.equal([6]);
    expect(await idsOf({ v: { $in: [5, '7'] } })).to.deep.equal([1, 2]);
    expect(await idsOf({ v: null })).to.deep.equal([3, 4]);
    expect(await winning(mixed.find({ v: { $gt: 4 } }))).to.match(/IXSCAN/);
    expect(await mixed.countDocuments({ v: { $gt: 4, $lt: 6 } })).to.equal(2);
  });
});
