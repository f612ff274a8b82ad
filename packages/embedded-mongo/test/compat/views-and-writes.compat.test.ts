import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Document } from 'mongodb';
import { describeCompat, rejectionOf } from './compat-harness.js';

/**
 * Views (read-only, defined by a pipeline over another collection or view) and the `$out` and
 * `$merge` stages, as the MongoDB manual describes them.
 */
describeCompat('views, $out and $merge', (target) => {
  before(async () => {
    await target()
      .db.collection('partners')
      .insertMany([
        { _id: 1, name: 'Contoso', tier: 'gold', seats: 10 } as Document,
        { _id: 2, name: 'Fabrikam', tier: 'silver', seats: 4 } as Document,
        { _id: 3, name: 'Northwind', tier: 'gold', seats: 7 } as Document,
        { _id: 4, name: 'Tailspin', tier: 'bronze', seats: 1 } as Document,
      ]);
  });

  it('creates a view, lists it as a view and reads through it', async () => {
    const db = target().db;
    await db.createCollection('goldPartners', {
      viewOn: 'partners',
      pipeline: [{ $match: { tier: 'gold' } }, { $project: { tier: 0 } }],
    });
    const [info] = await db.listCollections({ name: 'goldPartners' }).toArray();
    expect(info.type).to.equal('view');
    const options = (info as Document).options as Document;
    expect(options.viewOn).to.equal('partners');
    expect(options.pipeline).to.have.length(2);

    const view = db.collection('goldPartners');
    const all = await view.find({}, { sort: { seats: -1 } }).toArray();
    expect(all).to.deep.equal([
      { _id: 1, name: 'Contoso', seats: 10 },
      { _id: 3, name: 'Northwind', seats: 7 },
    ]);
    const some = await view
      .find({ seats: { $lt: 8 } }, { projection: { _id: 0, name: 1 } })
      .toArray();
    expect(some).to.deep.equal([{ name: 'Northwind' }]);
    expect(await view.countDocuments()).to.equal(2);
    expect(await view.countDocuments({ seats: { $gt: 8 } })).to.equal(1);
    expect((await view.distinct('name')).sort()).to.deep.equal(['Contoso', 'Northwind']);
    const summed = await view
      .aggregate([{ $group: { _id: null, seats: { $sum: '$seats' } } }])
      .toArray();
    expect(summed).to.deep.equal([{ _id: null, seats: 17 }]);
    // A view over a view.
    await db.createCollection('bigGold', {
      viewOn: 'goldPartners',
      pipeline: [{ $match: { seats: { $gte: 8 } } }],
    });
    expect(await db.collection('bigGold').find().toArray()).to.deep.equal([
      { _id: 1, name: 'Contoso', seats: 10 },
    ]);
  });

  it('refuses writes and index commands on a view with 166', async () => {
    const db = target().db;
    await db.createCollection('readOnly', { viewOn: 'partners', pipeline: [] });
    const view = db.collection('readOnly');
    for (const write of [
      () => view.insertOne({ x: 1 }),
      () => view.updateOne({}, { $set: { x: 1 } }),
      () => view.deleteMany({}),
      () => view.findOneAndUpdate({}, { $set: { x: 1 } }),
      () => view.createIndex({ x: 1 }),
    ]) {
      const err = await rejectionOf(write());
      expect(err.code).to.equal(166);
      expect(err.codeName).to.equal('CommandNotSupportedOnView');
    }
    expect(await db.collection('partners').countDocuments({ x: 1 })).to.equal(0);
    await view.drop();
    expect(await db.listCollections({ name: 'readOnly' }).toArray()).to.have.length(0);
  });

  it('applies a view collation and refuses another one', async () => {
    const db = target().db;
    await db.createCollection('ciPartners', {
      viewOn: 'partners',
      pipeline: [],
      collation: { locale: 'en', strength: 2 },
    });
    const view = db.collection('ciPartners');
    expect(await view.countDocuments({ name: 'contoso' })).to.equal(1);
    const err = await rejectionOf(
      view.find({ name: 'contoso' }, { collation: { locale: 'fr' } }).toArray()
    );
    expect(err.code).to.equal(167);
  });

  it('replaces a collection with $out, keeping its indexes', async () => {
    const db = target().db;
    const out = db.collection('tierSeats');
    await out.insertOne({ _id: 'stale' } as Document);
    await out.createIndex({ seats: 1 });
    const res = await db
      .collection('partners')
      .aggregate([
        { $group: { _id: '$tier', seats: { $sum: '$seats' } } },
        { $sort: { _id: 1 } },
        { $out: 'tierSeats' },
      ])
      .toArray();
    expect(res).to.deep.equal([]);
    expect(await out.find({}, { sort: { _id: 1 } }).toArray()).to.deep.equal([
      { _id: 'bronze', seats: 1 },
      { _id: 'gold', seats: 17 },
      { _id: 'silver', seats: 4 },
    ]);
    expect((await out.listIndexes().toArray()).map((i) => i.name)).to.include('seats_1');

    // A duplicate under a unique index of the target: the target stays as it was.
    await db.collection('uniqOut').createIndex({ k: 1 }, { unique: true });
    await db.collection('uniqOut').insertOne({ k: 'kept' });
    const dup = await rejectionOf(
      db
        .collection('partners')
        .aggregate([{ $project: { k: 'same' } }, { $out: 'uniqOut' }])
        .toArray()
    );
    expect(dup.code).to.equal(11000);
    expect(
      await db
        .collection('uniqOut')
        .find({}, { projection: { _id: 0 } })
        .toArray()
    ).to.deep.equal([{ k: 'kept' }]);
  });

  it('merges with $merge: whenMatched and whenNotMatched modes, and the on-field index', async () => {
    const db = target().db;
    const totals = db.collection('totals');
    await totals.insertMany([
      { _id: 'gold', seats: 0, note: 'old' },
      { _id: 'platinum', seats: 99 },
    ] as Document[]);
    const src = db.collection('partners');
    await src
      .aggregate([
        { $group: { _id: '$tier', seats: { $sum: '$seats' } } },
        { $merge: { into: 'totals' } },
      ])
      .toArray();
    expect(await totals.findOne({ _id: 'gold' } as Document)).to.deep.equal({
      _id: 'gold',
      seats: 17,
      note: 'old',
    });
    expect(await totals.countDocuments()).to.equal(4);

    await src
      .aggregate([
        { $match: { tier: 'gold' } },
        { $group: { _id: '$tier', seats: { $sum: 1 } } },
        { $merge: { into: 'totals', whenMatched: 'replace' } },
      ])
      .toArray();
    expect(await totals.findOne({ _id: 'gold' } as Document)).to.deep.equal({
      _id: 'gold',
      seats: 2,
    });

    await src
      .aggregate([
        { $group: { _id: '$tier', n: { $sum: 1 } } },
        {
          $merge: {
            into: 'totals',
            whenMatched: [{ $set: { seats: { $add: ['$seats', '$$new.n'] } } }],
            whenNotMatched: 'discard',
          },
        },
      ])
      .toArray();
    expect((await totals.findOne({ _id: 'gold' } as Document))?.seats).to.equal(4);

    const fail = await rejectionOf(
      src
        .aggregate([
          { $project: { _id: { $concat: ['new-', '$name'] } } },
          { $merge: { into: 'totals', whenNotMatched: 'fail' } },
        ])
        .toArray()
    );
    expect(fail.code).to.equal(13113);

    // 'on' other than _id needs a unique index on exactly those fields.
    const noIndex = await rejectionOf(
      src
        .aggregate([{ $project: { _id: 0, name: 1 } }, { $merge: { into: 'byName', on: 'name' } }])
        .toArray()
    );
    expect(noIndex.code).to.equal(51183);
    await db.collection('byName').createIndex({ name: 1 }, { unique: true });
    await src
      .aggregate([
        { $project: { _id: 0, name: 1, seats: 1 } },
        { $merge: { into: 'byName', on: 'name', whenMatched: 'replace' } },
      ])
      .toArray();
    expect(await db.collection('byName').countDocuments()).to.equal(4);
  });

  it('reads a view and runs $merge through mongoose', async () => {
    const conn = await mongoose
      .createConnection(target().uri, { dbName: target().dbName })
      .asPromise();
    try {
      await conn.db!.createCollection('silverPartners', {
        viewOn: 'partners',
        pipeline: [{ $match: { tier: 'silver' } }],
      });
      const Silver = conn.model(
        'SilverPartner',
        new mongoose.Schema({ _id: Number, name: String }),
        'silverPartners'
      );
      const rows = await Silver.find().lean();
      expect(rows.map((r) => r.name)).to.deep.equal(['Fabrikam']);
      const Partner = conn.model(
        'MergedPartner',
        new mongoose.Schema({ _id: Number, name: String, tier: String }),
        'partners'
      );
      await Partner.aggregate([{ $match: { tier: 'bronze' } }, { $merge: { into: 'bronze' } }]);
      expect(await conn.db!.collection('bronze').countDocuments()).to.equal(1);
    } finally {
      await conn.close();
    }
  });
});
