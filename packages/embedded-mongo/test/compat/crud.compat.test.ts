import { expect } from 'chai';
import { ObjectId } from 'mongodb';
import { describeCompat, rejectionOf } from './compat-harness.js';

describeCompat('CRUD and cursors', (target) => {
  it('inserts documents, assigns ObjectIds and finds them by _id and by field', async () => {
    const coll = target().db.collection('people');
    const one = await coll.insertOne({ name: 'Ada', age: 36 });
    expect(one.insertedId).to.be.instanceOf(ObjectId);
    const many = await coll.insertMany([
      { name: 'Bob', age: 25 },
      { _id: 'custom' as unknown as ObjectId, name: 'Cy', age: 41 },
    ]);
    expect(many.insertedCount).to.equal(2);
    expect((await coll.findOne({ _id: one.insertedId }))?.name).to.equal('Ada');
    expect((await coll.findOne({ _id: 'custom' as unknown as ObjectId }))?.name).to.equal('Cy');
    expect(
      (
        await coll
          .find({ age: { $gt: 30 } })
          .sort({ age: 1 })
          .toArray()
      ).map((d) => d.name)
    ).to.deep.equal(['Ada', 'Cy']);
  });

  it('stores _id as the first field even when given last', async () => {
    const coll = target().db.collection('idfirst');
    await coll.insertOne({ a: 1, b: 2, _id: 7 as unknown as ObjectId });
    const doc = await coll.findOne({});
    expect(Object.keys(doc!)).to.deep.equal(['_id', 'a', 'b']);
  });

  it('serves 250 documents in batches of 10 through getMore', async () => {
    const coll = target().db.collection('batches');
    await coll.insertMany(Array.from({ length: 250 }, (_, i) => ({ i })));
    const cursor = coll.find({}, { batchSize: 10 }).sort({ i: 1 });
    const seen: number[] = [];
    for await (const doc of cursor) seen.push(doc.i as number);
    expect(seen).to.have.length(250);
    expect(seen[0]).to.equal(0);
    expect(seen[249]).to.equal(249);
    expect(new Set(seen).size).to.equal(250);
  });

  it('closes a cursor early with killCursors without losing the connection', async () => {
    const coll = target().db.collection('batches');
    const cursor = coll.find({}, { batchSize: 5 });
    await cursor.next();
    await cursor.close();
    expect(await coll.countDocuments()).to.equal(250);
  });

  it('applies sort, skip, limit and projection', async () => {
    const coll = target().db.collection('paging');
    await coll.insertMany(
      Array.from({ length: 20 }, (_, i) => ({
        i,
        even: i % 2 === 0,
        secret: 'x',
        nested: { a: i, b: -i },
      }))
    );
    const page = await coll
      .find({ even: true }, { projection: { _id: 0, i: 1, 'nested.a': 1 } })
      .sort({ i: -1 })
      .skip(2)
      .limit(3)
      .toArray();
    expect(page).to.deep.equal([
      { i: 14, nested: { a: 14 } },
      { i: 12, nested: { a: 12 } },
      { i: 10, nested: { a: 10 } },
    ]);
    const excluded = await coll.findOne({ i: 3 }, { projection: { secret: 0, nested: 0 } });
    expect(Object.keys(excluded!).sort()).to.deep.equal(['_id', 'even', 'i']);
    const idOnly = await coll.findOne({ i: 4 }, { projection: { _id: 1 } });
    expect(Object.keys(idOnly!)).to.deep.equal(['_id']);
    await coll.insertOne({ tag: 'grades', grades: [70, 85, 92] });
    const positional = await coll.findOne(
      { tag: 'grades', grades: { $gte: 80 } },
      { projection: { _id: 0, 'grades.$': 1 } }
    );
    expect(positional).to.deep.equal({ grades: [85] });
  });

  it('counts and lists distinct values (arrays unwound)', async () => {
    const coll = target().db.collection('tags');
    await coll.insertMany([
      { tags: ['a', 'b'], n: 1 },
      { tags: ['b', 'c'], n: 2 },
      { tags: 'd', n: 3 },
    ]);
    expect(await coll.countDocuments({ n: { $gte: 2 } })).to.equal(2);
    expect(await coll.estimatedDocumentCount()).to.equal(3);
    expect((await coll.distinct('tags')).sort()).to.deep.equal(['a', 'b', 'c', 'd']);
    expect((await coll.distinct('tags', { n: 1 })).sort()).to.deep.equal(['a', 'b']);
  });

  it('updates one or many, replaces, and deletes one or many', async () => {
    const coll = target().db.collection('writes');
    await coll.insertMany([
      { k: 1, v: 'a' },
      { k: 1, v: 'b' },
      { k: 2, v: 'c' },
    ]);
    const one = await coll.updateOne({ k: 1 }, { $set: { seen: true } });
    expect([one.matchedCount, one.modifiedCount]).to.deep.equal([1, 1]);
    const many = await coll.updateMany({ k: 1 }, { $set: { seen: true } });
    expect([many.matchedCount, many.modifiedCount]).to.deep.equal([2, 1]);
    const repl = await coll.replaceOne({ k: 2 }, { k: 2, v: 'z' });
    expect(repl.modifiedCount).to.equal(1);
    const replaced = await coll.findOne({ k: 2 });
    expect(replaced).to.include({ k: 2, v: 'z' });
    expect(replaced).to.not.have.property('seen');
    expect((await coll.deleteOne({ k: 1 })).deletedCount).to.equal(1);
    expect((await coll.deleteMany({})).deletedCount).to.equal(2);
    expect(await coll.countDocuments()).to.equal(0);
  });

  it('upserts with $setOnInsert, seeding equality fields from the query', async () => {
    const coll = target().db.collection('upserts');
    const first = await coll.updateOne(
      { key: 'k1', kind: { $eq: 'x' } },
      { $set: { v: 1 }, $setOnInsert: { created: 'now' } },
      { upsert: true }
    );
    expect(first.upsertedCount).to.equal(1);
    expect(first.upsertedId).to.be.instanceOf(ObjectId);
    const second = await coll.updateOne(
      { key: 'k1', kind: 'x' },
      { $set: { v: 2 }, $setOnInsert: { created: 'again' } },
      { upsert: true }
    );
    expect([second.upsertedCount, second.matchedCount, second.modifiedCount]).to.deep.equal([
      0, 1, 1,
    ]);
    const doc = await coll.findOne({ key: 'k1' }, { projection: { _id: 0 } });
    expect(doc).to.deep.equal({ key: 'k1', kind: 'x', v: 2, created: 'now' });
    await coll.replaceOne({ _id: 'r1' as unknown as ObjectId }, { body: 'new' }, { upsert: true });
    expect(await coll.findOne({ _id: 'r1' as unknown as ObjectId })).to.deep.equal({
      _id: 'r1',
      body: 'new',
    });
  });

  it('finds and modifies one document, returning it before or after', async () => {
    const coll = target().db.collection('fam');
    await coll.insertMany([
      { q: 1, n: 1 },
      { q: 1, n: 2 },
    ]);
    const before = await coll.findOneAndUpdate({ q: 1 }, { $inc: { n: 10 } }, { sort: { n: -1 } });
    expect(before?.n).to.equal(2);
    const after = await coll.findOneAndUpdate(
      { q: 1 },
      { $inc: { n: 10 } },
      { sort: { n: 1 }, returnDocument: 'after', projection: { _id: 0, n: 1 } }
    );
    expect(after).to.deep.equal({ n: 11 });
    const withMeta = await coll.findOneAndUpdate(
      { q: 2 },
      { $set: { n: 0 } },
      { upsert: true, returnDocument: 'after', includeResultMetadata: true }
    );
    expect(withMeta.lastErrorObject?.updatedExisting).to.equal(false);
    expect(withMeta.lastErrorObject?.upserted).to.be.instanceOf(ObjectId);
    expect(withMeta.value?.n).to.equal(0);
    const removed = await coll.findOneAndDelete({ q: 1 }, { sort: { n: -1 } });
    expect(removed?.n).to.equal(12);
    expect(await coll.findOneAndDelete({ q: 99 })).to.equal(null);
  });

  it('renames a collection with its documents and indexes', async () => {
    const db = target().db;
    const from = db.collection('before_rename');
    await from.createIndex({ k: 1 }, { unique: true });
    await from.insertMany([{ k: 1 }, { k: 2 }]);
    const to = await from.rename('after_rename');
    expect(await to.countDocuments()).to.equal(2);
    expect((await to.listIndexes().toArray()).map((i) => i.name)).to.deep.equal(['_id_', 'k_1']);
    expect((await rejectionOf(to.insertOne({ k: 1 }))).code).to.equal(11000);
    expect((await db.listCollections({ name: 'before_rename' }).toArray()).length).to.equal(0);
    await db.collection('other_target').insertOne({ x: 1 });
    expect((await rejectionOf(to.rename('other_target'))).code).to.equal(48);
  });

  it('lists, creates and drops collections and databases', async () => {
    const db = target().db;
    await db.createCollection('made');
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    expect(names).to.include('made');
    const full = await db.listCollections({ name: 'made' }).toArray();
    expect(full[0]).to.include({ name: 'made', type: 'collection' });
    expect(await db.collection('made').drop()).to.equal(true);
    expect((await db.listCollections({ name: 'made' }).toArray()).length).to.equal(0);
    const dbs = await target().client.db('admin').admin().listDatabases();
    expect(dbs.databases.map((d) => d.name)).to.include(target().dbName);

    const scratchName = `${target().dbName}_x`;
    const scratch = target().client.db(scratchName);
    await scratch.collection('c').insertOne({ a: 1 });
    const stats = await scratch.command({ collStats: 'c' }).catch(() => undefined);
    if (stats) expect(stats.count).to.equal(1);
    expect((await scratch.command({ dbStats: 1 })).objects).to.equal(1);
    expect(await scratch.dropDatabase()).to.equal(true);
    const after = await target().client.db('admin').admin().listDatabases({ nameOnly: true });
    expect(after.databases.map((d) => d.name)).to.not.include(scratchName);
  });
});
