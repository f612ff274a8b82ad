import { expect } from 'chai';
import mongoose from 'mongoose';
import type { Document } from 'mongodb';
import { describeCompat, rejectionOf, standaloneOnly } from './compat-harness.js';

/**
 * Options mongod either honours or refuses, never ignores: `let` variables (MongoDB 5.0+, on
 * find, aggregate, update, delete and findAndModify), `_id` values with `$`-prefixed fields
 * (refused), and the `sort` of updateOne/replaceOne, which came with 8.0: a 7.0 server refuses
 * the unknown field.
 */
describeCompat('let variables and refused options', (target) => {
  before(async () => {
    await target()
      .db.collection('people')
      .insertMany([
        { _id: 1, name: 'ann', age: 30 } as Document,
        { _id: 2, name: 'bob', age: 40 } as Document,
        { _id: 3, name: 'cy', age: 50 } as Document,
      ]);
  });

  it('binds let variables in find and aggregate', async () => {
    const coll = target().db.collection('people');
    const found = await coll
      .find({ $expr: { $eq: ['$_id', '$$id'] } }, { let: { id: 2 } })
      .toArray();
    expect(found.map((d) => d.name)).to.deep.equal(['bob']);
    const projected = await coll
      .find({ _id: 1 } as Document, {
        let: { bonus: 5 },
        projection: { _id: 0, next: { $add: ['$age', '$$bonus'] } },
      })
      .toArray();
    expect(projected).to.deep.equal([{ next: 35 }]);
    const agg = await coll
      .aggregate(
        [
          { $match: { $expr: { $gte: ['$age', '$$min'] } } },
          { $project: { _id: 0, name: 1, label: { $concat: ['$$prefix', '$name'] } } },
          { $sort: { name: 1 } },
        ],
        { let: { min: 40, prefix: 'p:' } }
      )
      .toArray();
    expect(agg).to.deep.equal([
      { name: 'bob', label: 'p:bob' },
      { name: 'cy', label: 'p:cy' },
    ]);
  });

  it('binds let variables in update, delete and findAndModify', async () => {
    const coll = target().db.collection('letwrites');
    await coll.insertMany([
      { _id: 1, v: 1 } as Document,
      { _id: 2, v: 2 } as Document,
      { _id: 3, v: 3 } as Document,
    ]);
    const upd = await coll.updateOne(
      { $expr: { $eq: ['$_id', '$$target'] } },
      [{ $set: { v: { $multiply: ['$v', '$$factor'] } } }],
      { let: { target: 2, factor: 10 } }
    );
    expect(upd.modifiedCount).to.equal(1);
    expect((await coll.findOne({ _id: 2 } as Document))?.v).to.equal(20);
    const fam = await coll.findOneAndUpdate(
      { $expr: { $eq: ['$_id', '$$target'] } },
      { $set: { touched: true } },
      { let: { target: 3 }, returnDocument: 'after' }
    );
    expect(fam?._id).to.equal(3);
    const del = await coll.deleteMany({ $expr: { $lt: ['$v', '$$limit'] } }, {
      let: { limit: 3 },
    } as never);
    expect(del.deletedCount).to.equal(1);
    expect(await coll.countDocuments()).to.equal(2);
  });

  it('evaluates $$NOW in filters and let, and refuses unknown and invalid variable names', async () => {
    const coll = target().db.collection('people');
    const past = await coll.countDocuments({ $expr: { $lt: [new Date(0), '$$NOW'] } });
    expect(past).to.equal(3);
    const [row] = await coll
      .aggregate([{ $limit: 1 }, { $project: { _id: 0, at: '$$when' } }], {
        let: { when: '$$NOW' },
      })
      .toArray();
    expect(row.at).to.be.instanceOf(Date);
    expect(Math.abs((row.at as Date).getTime() - Date.now())).to.be.lessThan(60_000);
    const undef = await rejectionOf(coll.find({ $expr: { $eq: ['$_id', '$$missing'] } }).toArray());
    expect(undef.message).to.match(/Use of undefined variable: missing/);
    const badName = await rejectionOf(
      coll.find({ $expr: { $eq: ['$_id', '$$Id'] } }, { let: { Id: 1 } }).toArray()
    );
    expect(badName.code).to.equal(16867);
  });

  it('refuses $$CLUSTER_TIME on a standalone', async function () {
    standaloneOnly(this, target());
    const coll = target().db.collection('people');
    const err = await rejectionOf(
      coll.aggregate([{ $project: { t: '$$CLUSTER_TIME' } }]).toArray()
    );
    expect(err.code).to.equal(51144);
  });

  it('refuses an _id holding $-prefixed fields', async () => {
    const coll = target().db.collection('dollarid');
    const err = await rejectionOf(coll.insertOne({ _id: { $a: 1 } } as Document));
    expect(err.code).to.equal(52);
    expect(err.message).to.match(/_id fields may not contain '\$'-prefixed fields: \$a/);
    const nested = await rejectionOf(coll.insertOne({ _id: { a: { $b: 1 } } } as Document));
    expect(nested.code).to.equal(52);
    const upsert = await rejectionOf(
      coll.replaceOne({ k: 1 }, { _id: { $x: 1 }, k: 1 } as Document, { upsert: true })
    );
    expect(upsert.code).to.equal(52);
    expect(await coll.countDocuments()).to.equal(0);
    // A plain subdocument _id is fine.
    await coll.insertOne({ _id: { a: 1 } } as Document);
  });

  it('refuses the sort of updateOne and replaceOne, as mongod 7.0 does', async function () {
    const hello = await target().db.admin().command({ buildInfo: 1 });
    if (!String(hello.version).startsWith('7.')) {
      if (this.test) this.test.title += ` (skipped: the target is mongod ${String(hello.version)})`;
      this.skip();
    }
    const coll = target().db.collection('sorted');
    await coll.insertMany([{ n: 1 }, { n: 2 }]);
    const upd = await rejectionOf(coll.updateOne({}, { $set: { hit: true } }, { sort: { n: -1 } }));
    expect(upd.code).to.equal(40415);
    const rep = await rejectionOf(coll.replaceOne({}, { n: 3 }, { sort: { n: 1 } }));
    expect(rep.code).to.equal(40415);
    const bulk = await rejectionOf(
      coll.bulkWrite([{ updateOne: { filter: {}, update: { $set: { x: 1 } }, sort: { n: 1 } } }])
    );
    expect(bulk.code).to.equal(40415);
    expect(await coll.countDocuments({ hit: true })).to.equal(0);
    expect(await coll.countDocuments({ x: 1 })).to.equal(0);
  });

  it('refuses a hint that names no index, and accepts one that does', async () => {
    const coll = target().db.collection('hinted');
    await coll.createIndex({ a: 1 });
    await coll.insertOne({ a: 1 });
    expect(await coll.find({ a: 1 }, { hint: 'a_1' }).toArray()).to.have.length(1);
    expect(await coll.find({ a: 1 }, { hint: { a: 1 } }).toArray()).to.have.length(1);
    const err = await rejectionOf(coll.find({ a: 1 }, { hint: 'nope_1' }).toArray());
    expect(err.code).to.equal(2);
    expect(err.message).to.match(/hint provided does not correspond to an existing index/);
    const upd = await rejectionOf(coll.updateOne({ a: 1 }, { $set: { b: 1 } }, { hint: 'nope_1' }));
    expect(upd.code).to.equal(2);
  });

  it('binds let through mongoose aggregate and refuses a $-prefixed _id from create', async () => {
    const conn = await mongoose
      .createConnection(target().uri, { dbName: target().dbName })
      .asPromise();
    try {
      const Person = conn.model(
        'LetPerson',
        new mongoose.Schema({ _id: Number, name: String, age: Number }),
        'people'
      );
      const rows = await Person.aggregate([
        { $match: { $expr: { $eq: ['$name', '$$who'] } } },
        { $project: { _id: 1 } },
      ]).option({ let: { who: 'cy' } });
      expect(rows).to.deep.equal([{ _id: 3 }]);
      const err = await rejectionOf(Person.create({ _id: { $bad: 1 } as never, name: 'x' }));
      expect(err).to.be.instanceOf(Error);
    } finally {
      await conn.close();
    }
  });
});
