import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Document } from 'mongodb';
import { describeCompat, rejectionOf } from './compat-harness.js';

const EN2 = { locale: 'en', strength: 2 };

/** The IXSCAN stage of an explain's winning plan, if any. */
function ixscan(plan: Document): Document | undefined {
  if (!plan) return undefined;
  if (plan.stage === 'IXSCAN') return plan;
  return ixscan(plan.inputStage as Document);
}

function winningPlan(explained: Document): Document {
  return (explained.queryPlanner as Document).winningPlan as Document;
}

/**
 * Collation as the MongoDB manual describes it (Collation, "Collation and Index Use",
 * distinct, $group): string comparison by a locale's rules, a collection's default collation,
 * index collations, and the planner's rule that an index serves string bounds only under the
 * query's own collation.
 */
describeCompat('collation', (target) => {
  it('matches case-insensitively in find under strength 2 and not without a collation', async () => {
    const coll = target().db.collection('ping');
    await coll.insertMany([{ x: 'ping' }, { x: 'PING' }, { x: 'pong' }, { x: 'pìng' }]);
    expect(await coll.countDocuments({ x: 'PING' }, { collation: EN2 })).to.equal(2);
    const found = await coll
      .find({ x: 'PING' }, { projection: { _id: 0 } })
      .collation(EN2)
      .sort({ x: 1 })
      .toArray();
    expect(found.map((d) => d.x).sort()).to.deep.equal(['PING', 'ping']);
    expect(await coll.find({ x: 'ping' }).toArray()).to.have.length(1);
    // Strength 1 also ignores diacritics.
    expect(
      await coll.countDocuments({ x: 'ping' }, { collation: { locale: 'en', strength: 1 } })
    ).to.equal(3);
    // $in, $ne and ranges compare under the collation too.
    expect(
      await coll.countDocuments({ x: { $in: ['PING', 'PONG'] } }, { collation: EN2 })
    ).to.equal(3);
    expect(await coll.countDocuments({ x: { $ne: 'PING' } }, { collation: EN2 })).to.equal(2);
    expect(await coll.countDocuments({ x: { $gt: 'PO' } }, { collation: EN2 })).to.equal(1);
  });

  it('returns one value per collation-equal group from distinct', async () => {
    const coll = target().db.collection('dist');
    await coll.insertMany([{ x: 'PING' }, { x: 'ping' }, { x: 'Pong' }, { x: 1 }]);
    const values = await coll.distinct('x', {}, { collation: EN2 });
    expect(values).to.have.length(3);
    expect(
      values.filter((v) => typeof v === 'string' && v.toLowerCase() === 'ping')
    ).to.have.length(1);
    expect(await coll.distinct('x')).to.have.length(4);
  });

  it('sorts by the locale: tertiary order, numeric ordering, and Russian', async () => {
    const coll = target().db.collection('sorting');
    await coll.insertMany([{ s: 'b' }, { s: 'A' }, { s: 'a' }, { s: 'B' }]);
    const simple = await coll.find({}, { sort: { s: 1 } }).toArray();
    expect(simple.map((d) => d.s)).to.deep.equal(['A', 'B', 'a', 'b']);
    const en = await coll.find({}, { sort: { s: 1 }, collation: { locale: 'en' } }).toArray();
    expect(en.map((d) => d.s)).to.deep.equal(['a', 'A', 'b', 'B']);
    const upper = await coll
      .find({}, { sort: { s: 1 }, collation: { locale: 'en', caseFirst: 'upper' } })
      .toArray();
    expect(upper.map((d) => d.s)).to.deep.equal(['A', 'a', 'B', 'b']);

    const nums = target().db.collection('numeric');
    await nums.insertMany([{ v: '10' }, { v: '9' }, { v: '2' }]);
    const byText = await nums.find({}, { sort: { v: 1 }, collation: { locale: 'en' } }).toArray();
    expect(byText.map((d) => d.v)).to.deep.equal(['10', '2', '9']);
    const byNumber = await nums
      .find({}, { sort: { v: 1 }, collation: { locale: 'en', numericOrdering: true } })
      .toArray();
    expect(byNumber.map((d) => d.v)).to.deep.equal(['2', '9', '10']);

    const ru = target().db.collection('ru');
    await ru.insertMany([{ n: 'Яков' }, { n: 'борис' }, { n: 'Анна' }, { n: 'АННА' }]);
    const sorted = await ru.find({}, { sort: { n: 1 }, collation: { locale: 'ru' } }).toArray();
    expect(sorted.map((d) => d.n)).to.deep.equal(['Анна', 'АННА', 'борис', 'Яков']);
    expect(
      await ru.countDocuments({ n: 'анна' }, { collation: { locale: 'ru', strength: 2 } })
    ).to.equal(2);
  });

  it('groups, matches and sorts in aggregate under the command collation', async () => {
    const coll = target().db.collection('agg');
    await coll.insertMany([
      { name: 'Contoso', n: 1 },
      { name: 'CONTOSO', n: 2 },
      { name: 'Fabrikam', n: 4 },
    ]);
    const groups = await coll
      .aggregate(
        [
          { $match: { name: { $in: ['contoso', 'fabrikam'] } } },
          { $group: { _id: '$name', total: { $sum: '$n' } } },
          { $sort: { total: 1 } },
        ],
        { collation: EN2 }
      )
      .toArray();
    expect(groups.map((g) => g.total)).to.deep.equal([3, 4]);
    const expr = await coll
      .aggregate([{ $match: { $expr: { $eq: ['$name', 'contoso'] } } }], { collation: EN2 })
      .toArray();
    expect(expr).to.have.length(2);
    expect(await coll.aggregate([{ $match: { name: 'contoso' } }]).toArray()).to.have.length(0);
    // $lookup's equality join follows the aggregate's collation too.
    await target().db.collection('aggcities').insertOne({ partner: 'contoso', city: 'Oslo' });
    const joined = await coll
      .aggregate(
        [
          { $match: { name: 'CONTOSO' } },
          { $lookup: { from: 'aggcities', localField: 'name', foreignField: 'partner', as: 'c' } },
          { $project: { _id: 0, n: { $size: '$c' } } },
        ],
        { collation: EN2 }
      )
      .toArray();
    expect(joined).to.deep.equal([{ n: 1 }, { n: 1 }]);
  });

  it('updates and deletes the documents the collation matches', async () => {
    const coll = target().db.collection('writes');
    await coll.insertMany([{ k: 'Alpha' }, { k: 'ALPHA' }, { k: 'beta' }]);
    const upd = await coll.updateMany({ k: 'alpha' }, { $set: { hit: true } }, { collation: EN2 });
    expect(upd.matchedCount).to.equal(2);
    const fam = await coll.findOneAndUpdate(
      { k: 'BETA' },
      { $set: { hit: true } },
      { collation: EN2, returnDocument: 'after' }
    );
    expect(fam?.k).to.equal('beta');
    const res = await coll.bulkWrite([{ deleteMany: { filter: { k: 'alpha' }, collation: EN2 } }], {
      ordered: true,
    });
    expect(res.deletedCount).to.equal(2);
    expect(await coll.countDocuments()).to.equal(1);
    // arrayFilters and the positional $ match under the collation too.
    const tags = target().db.collection('tags');
    await tags.insertOne({ _id: 1, tags: ['Red', 'BLUE'] } as Document);
    await tags.updateOne(
      { _id: 1 } as Document,
      { $set: { 'tags.$[t]': 'green' } },
      { arrayFilters: [{ t: 'blue' }], collation: EN2 }
    );
    await tags.updateOne(
      { tags: 'red' } as Document,
      { $set: { 'tags.$': 'pink' } },
      {
        collation: EN2,
      }
    );
    expect((await tags.findOne({ _id: 1 } as Document))?.tags).to.deep.equal(['pink', 'green']);
    await tags.updateOne(
      { _id: 1 } as Document,
      { $addToSet: { tags: 'PINK' } },
      { collation: EN2 }
    );
    await tags.updateOne({ _id: 1 } as Document, { $pull: { tags: 'GREEN' } } as Document, {
      collation: EN2,
    });
    expect((await tags.findOne({ _id: 1 } as Document))?.tags).to.deep.equal(['pink']);
  });

  it('uses a collection default collation, which an explicit simple collation overrides', async () => {
    const db = target().db;
    await db.createCollection('dflt', { collation: EN2 });
    const info = await db.listCollections({ name: 'dflt' }).toArray();
    const stored = ((info[0] as Document).options as Document).collation as Document;
    expect(stored.locale).to.equal('en');
    expect(stored.strength).to.equal(2);
    expect(stored.caseLevel).to.equal(false);
    const coll = db.collection('dflt');
    await coll.insertMany([{ x: 'Contoso' }, { x: 'CONTOSO' }]);
    expect(await coll.countDocuments({ x: 'contoso' })).to.equal(2);
    expect(
      await coll.countDocuments({ x: 'contoso' }, { collation: { locale: 'simple' } })
    ).to.equal(0);
    // An index created without a collation takes the collection's.
    await coll.createIndex({ x: 1 });
    const ix = (await coll.listIndexes().toArray()).find((i) => i.name === 'x_1');
    expect((ix?.collation as Document)?.locale).to.equal('en');
    expect((ix?.collation as Document)?.strength).to.equal(2);
  });

  it('collates the _id index of a collection with a default collation', async () => {
    const db = target().db;
    await db.createCollection('dfltid', { collation: EN2 });
    const coll = db.collection('dfltid');
    await coll.insertOne({ _id: 'Contoso' } as Document);
    const dup = await rejectionOf(coll.insertOne({ _id: 'CONTOSO' } as Document));
    expect(dup.code).to.equal(11000);
    expect((await coll.findOne({ _id: 'contoso' } as Document))?._id).to.equal('Contoso');
    const plan = winningPlan(await coll.find({ _id: 'contoso' } as Document).explain());
    expect(['IDHACK', 'FETCH', 'CLUSTERED_IXSCAN', 'EXPRESS_IXSCAN']).to.include(plan.stage);
    expect(
      await coll.countDocuments({ _id: 'contoso' } as Document, { collation: { locale: 'simple' } })
    ).to.equal(0);
    await coll.deleteOne({ _id: 'CONTOSO' } as Document);
    await coll.insertOne({ _id: 'contoso' } as Document);
  });

  it('uses a collated index only for queries with the same collation, as explain shows', async () => {
    const coll = target().db.collection('providers');
    await coll.createIndex({ name: 1 }, { collation: EN2, name: 'name_ci' });
    const docs = [{ name: 'Contoso' }, { name: 'CONTOSO' }, { name: 'Fabrikam' }];
    for (let i = 0; i < 50; i++) docs.push({ name: `Partner ${i}` });
    await coll.insertMany(docs);
    const listed = (await coll.listIndexes().toArray()).find((i) => i.name === 'name_ci');
    expect((listed?.collation as Document)?.locale).to.equal('en');
    expect((listed?.collation as Document)?.strength).to.equal(2);

    const found = await coll.find({ name: 'contoso' }).collation(EN2).toArray();
    expect(found.map((d) => d.name).sort()).to.deep.equal(['CONTOSO', 'Contoso']);
    const withCollation = await coll.find({ name: 'contoso' }).collation(EN2).explain();
    expect(ixscan(winningPlan(withCollation))?.indexName).to.equal('name_ci');

    const without = await coll.find({ name: 'contoso' }).explain();
    expect(ixscan(winningPlan(without))).to.equal(undefined);
    expect(winningPlan(without).stage).to.equal('COLLSCAN');
    expect(await coll.find({ name: 'contoso' }).toArray()).to.have.length(0);

    // Another collation cannot use it either.
    const fr = await coll
      .find({ name: 'contoso' })
      .collation({ locale: 'fr', strength: 2 })
      .explain();
    expect(ixscan(winningPlan(fr))).to.equal(undefined);

    // Sorted and range scans through the index follow the collation.
    const range = await coll
      .find({ name: { $gte: 'contoso', $lt: 'g' } })
      .collation(EN2)
      .sort({ name: 1 })
      .toArray();
    expect(range.map((d) => d.name.toLowerCase())).to.deep.equal([
      'contoso',
      'contoso',
      'fabrikam',
    ]);
  });

  it('enforces a unique index under its collation', async () => {
    const coll = target().db.collection('uniq');
    await coll.createIndex({ email: 1 }, { unique: true, collation: EN2 });
    await coll.insertOne({ email: 'Ann@Contoso.test' });
    const err = await rejectionOf(coll.insertOne({ email: 'ann@contoso.test' }));
    expect(err.code).to.equal(11000);
    await coll.insertOne({ email: 'bob@contoso.test' });
    const upd = await rejectionOf(
      coll.updateOne({ email: 'bob@contoso.test' }, { $set: { email: 'ANN@CONTOSO.TEST' } })
    );
    expect(upd.code).to.equal(11000);
    expect(await coll.countDocuments()).to.equal(2);
  });

  it('refuses invalid collations with mongod codes', async () => {
    const coll = target().db.collection('bad');
    await coll.insertOne({ x: 1 });
    const unknown = await rejectionOf(coll.find({}).collation({ locale: 'xx' }).toArray());
    expect(unknown.code).to.equal(2);
    expect(unknown.message).to.match(/^Field 'locale' is invalid in: \{ locale: "xx" \}/);
    const strength = await rejectionOf(
      coll.find({}).collation({ locale: 'en', strength: 6 }).toArray()
    );
    expect(strength.code).to.equal(9);
    expect(strength.message).to.match(/strength/);
    const field = await rejectionOf(
      coll
        .find({})
        .collation({ locale: 'en', colour: 'red' } as never)
        .toArray()
    );
    expect(field.code).to.equal(9);
    const simple = await rejectionOf(
      coll.find({}).collation({ locale: 'simple', strength: 2 }).toArray()
    );
    expect(simple.code).to.equal(9);
    const idx = await rejectionOf(coll.createIndex({ x: 1 }, { collation: { locale: 'xx' } }));
    expect(idx.code).to.equal(2);
  });

  it('works through mongoose: schema collation, query collation and a collated index', async () => {
    const conn = await mongoose
      .createConnection(target().uri, { dbName: target().dbName })
      .asPromise();
    try {
      const partnerSchema = new mongoose.Schema(
        { name: String },
        { collation: { locale: 'ru', strength: 2 }, autoIndex: false }
      );
      partnerSchema.index({ name: 1 });
      const Partner = conn.model('CollatedPartner', partnerSchema);
      await Partner.createCollection();
      await Partner.syncIndexes();
      await Partner.create([{ name: 'Ромашка' }, { name: 'РОМАШКА' }, { name: 'Contoso' }]);
      expect(await Partner.countDocuments({ name: 'ромашка' })).to.equal(2);
      const byQuery = await Partner.find({ name: 'contoso' })
        .collation({ locale: 'en', strength: 2 })
        .lean();
      expect(byQuery).to.have.length(1);
      const plan = await Partner.find({ name: 'ромашка' }).explain();
      const winning = (Array.isArray(plan) ? plan[0] : plan) as Document;
      expect(ixscan(winningPlan(winning))?.indexName).to.equal('name_1');
    } finally {
      await conn.close();
    }
  });
});
