import { expect } from 'chai';
import type { Document } from 'mongodb';
import { describeCompat } from './compat-harness.js';

describeCompat('aggregation', (target) => {
  before(async () => {
    const db = target().db;
    await db.collection('orders').insertMany([
      { _id: 1, customer: 'ann', items: ['pen', 'ink'], total: 10, status: 'paid' },
      { _id: 2, customer: 'bob', items: ['pad'], total: 25, status: 'paid' },
      { _id: 3, customer: 'ann', items: [], total: 5, status: 'open' },
      { _id: 4, customer: 'cy', items: ['pen'], total: 40, status: 'paid' },
    ] as unknown as Document[]);
    await db.collection('customers').insertMany([
      { _id: 'ann', city: 'Oslo' },
      { _id: 'bob', city: 'Rome' },
    ] as unknown as Document[]);
  });

  const run = (pipeline: Document[], coll = 'orders') =>
    target().db.collection(coll).aggregate(pipeline).toArray();

  it('$match, $group with common accumulators and $sort', async () => {
    const out = await run([
      { $match: { status: 'paid' } },
      {
        $group: {
          _id: '$customer',
          sum: { $sum: '$total' },
          avg: { $avg: '$total' },
          n: { $sum: 1 },
          max: { $max: '$total' },
          ids: { $push: '$_id' },
        },
      },
      { $sort: { sum: -1 } },
    ]);
    expect(out).to.deep.equal([
      { _id: 'cy', sum: 40, avg: 40, n: 1, max: 40, ids: [4] },
      { _id: 'bob', sum: 25, avg: 25, n: 1, max: 25, ids: [2] },
      { _id: 'ann', sum: 10, avg: 10, n: 1, max: 10, ids: [1] },
    ]);
  });

  it('$project, $addFields/$set, $unset with expressions', async () => {
    const out = await run([
      { $match: { _id: 2 } },
      { $project: { customer: 1, total: 1, doubled: { $multiply: ['$total', 2] } } },
      { $addFields: { label: { $concat: ['$customer', '-', { $toString: '$total' }] } } },
      { $set: { big: { $gt: ['$total', 20] } } },
      { $unset: 'customer' },
    ]);
    expect(out).to.deep.equal([{ _id: 2, total: 25, doubled: 50, label: 'bob-25', big: true }]);
  });

  it('$unwind, $sortByCount, $count, $skip and $limit', async () => {
    expect(
      await run([
        { $unwind: '$items' },
        { $sortByCount: '$items' },
        { $sort: { count: -1, _id: 1 } },
        { $limit: 1 },
      ])
    ).to.deep.equal([{ _id: 'pen', count: 2 }]);
    expect(await run([{ $match: { total: { $gte: 10 } } }, { $count: 'n' }])).to.deep.equal([
      { n: 3 },
    ]);
    expect(
      (await run([{ $sort: { _id: 1 } }, { $skip: 1 }, { $limit: 2 }])).map((d) => d._id)
    ).to.deep.equal([2, 3]);
  });

  it('$lookup across collections and $replaceRoot', async () => {
    const out = await run([
      { $match: { _id: { $in: [1, 2] } } },
      { $lookup: { from: 'customers', localField: 'customer', foreignField: '_id', as: 'who' } },
      { $unwind: '$who' },
      { $replaceRoot: { newRoot: { order: '$_id', city: '$who.city' } } },
      { $sort: { order: 1 } },
    ]);
    expect(out).to.deep.equal([
      { order: 1, city: 'Oslo' },
      { order: 2, city: 'Rome' },
    ]);
  });

  it('$unionWith appends another collection, through its own pipeline, a view or nothing', async () => {
    const db = target().db;
    await db.collection('customers').createIndex({ city: 1 });
    await db.createCollection('paidOrders', {
      viewOn: 'orders',
      pipeline: [{ $match: { status: 'paid' } }],
    });
    // Several unions with leading $match (on _id, on an indexed field), $sort and $limit, the
    // shape the bot reads a turn's working set with.
    const out = await run([
      { $match: { _id: 3 } },
      { $set: { from: { $literal: 'orders' } } },
      {
        $unionWith: {
          coll: 'customers',
          pipeline: [{ $match: { city: 'Rome' } }, { $limit: 1 }, { $set: { from: 'customers' } }],
        },
      },
      {
        $unionWith: {
          coll: 'orders',
          pipeline: [
            { $match: { customer: 'ann' } },
            { $sort: { total: -1 } },
            { $project: { total: 1 } },
          ],
        },
      },
      {
        $unionWith: {
          coll: 'paidOrders',
          pipeline: [{ $match: { total: { $gt: 30 } } }, { $project: { _id: 1 } }],
        },
      },
      { $unionWith: { coll: 'nowhere', pipeline: [{ $match: {} }] } },
      { $unionWith: 'customers' },
    ]);
    expect(out).to.deep.equal([
      { _id: 3, customer: 'ann', items: [], total: 5, status: 'open', from: 'orders' },
      { _id: 'bob', city: 'Rome', from: 'customers' },
      { _id: 1, total: 10 },
      { _id: 3, total: 5 },
      { _id: 4 },
      { _id: 'ann', city: 'Oslo' },
      { _id: 'bob', city: 'Rome' },
    ]);
  });

  it('$facet runs sub-pipelines over the same input', async () => {
    const [out] = await run([
      {
        $facet: {
          paid: [{ $match: { status: 'paid' } }, { $count: 'n' }],
          top: [{ $sort: { total: -1 } }, { $limit: 1 }, { $project: { _id: 1 } }],
        },
      },
    ]);
    expect(out).to.deep.equal({ paid: [{ n: 3 }], top: [{ _id: 4 }] });
  });

  it('returns large results in batches through the aggregate cursor', async () => {
    const coll = target().db.collection('many');
    await coll.insertMany(Array.from({ length: 300 }, (_, i) => ({ i })));
    const docs = await coll.aggregate([{ $sort: { i: -1 } }], { batchSize: 7 }).toArray();
    expect(docs).to.have.length(300);
    expect(docs[0].i).to.equal(299);
  });
});
