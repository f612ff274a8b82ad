import { expect } from 'chai';
import { Decimal128, Double, Long, MongoServerError, type Document } from 'mongodb';
import { describeCompat, rejectionOf } from './compat-harness.js';

describeCompat('indexes and duplicate keys', (target) => {
  it('reports a duplicate _id with code 11000, keyPattern and keyValue', async () => {
    const coll = target().db.collection('dupid');
    await coll.insertOne({ _id: 'same' } as Document);
    const err = await rejectionOf(coll.insertOne({ _id: 'same' } as Document));
    expect(err).to.be.instanceOf(MongoServerError);
    expect(err.code).to.equal(11000);
    expect(err.message).to.equal(
      `E11000 duplicate key error collection: ${target().dbName}.dupid index: _id_ dup key: { _id: "same" }`
    );
    expect(err.keyPattern).to.deep.equal({ _id: 1 });
    expect(err.keyValue).to.deep.equal({ _id: 'same' });
  });

  it('treats Int32 1, Double 1.0 and Long 1 as the same _id', async () => {
    const coll = target().db.collection('numid');
    await coll.insertOne({ _id: 1 } as unknown as Document);
    for (const same of [new Double(1), Long.fromNumber(1), Decimal128.fromString('1.0')]) {
      const err = await rejectionOf(coll.insertOne({ _id: same } as unknown as Document));
      expect(err.code).to.equal(11000);
    }
    expect(await coll.countDocuments()).to.equal(1);
  });

  it('enforces a unique index with the exact mongod message', async () => {
    const coll = target().db.collection('users');
    expect(await coll.createIndex({ email: 1 }, { unique: true })).to.equal('email_1');
    await coll.insertOne({ email: 'a@x.test' });
    const err = await rejectionOf(coll.insertOne({ email: 'a@x.test' }));
    expect(err.code).to.equal(11000);
    expect(err.message).to.equal(
      `E11000 duplicate key error collection: ${target().dbName}.users index: email_1 dup key: { email: "a@x.test" }`
    );
    expect(err.keyPattern).to.deep.equal({ email: 1 });
    expect(err.keyValue).to.deep.equal({ email: 'a@x.test' });
    const upd = await coll.insertOne({ email: 'b@x.test' });
    const updErr = await rejectionOf(
      coll.updateOne({ _id: upd.insertedId }, { $set: { email: 'a@x.test' } })
    );
    expect(updErr.code).to.equal(11000);
    expect((await coll.findOne({ _id: upd.insertedId }))?.email).to.equal('b@x.test');
  });

  it('enforces compound unique indexes on the combination only', async () => {
    const coll = target().db.collection('compound');
    await coll.createIndex({ tenant: 1, name: 1 }, { unique: true });
    await coll.insertMany([
      { tenant: 't1', name: 'a' },
      { tenant: 't2', name: 'a' },
    ]);
    const err = await rejectionOf(coll.insertOne({ tenant: 't1', name: 'a' }));
    expect(err.code).to.equal(11000);
    expect(err.message).to.match(/index: tenant_1_name_1 dup key: \{ tenant: "t1", name: "a" \}$/);
    expect(err.keyPattern).to.deep.equal({ tenant: 1, name: 1 });
    expect(err.keyValue).to.deep.equal({ tenant: 't1', name: 'a' });
  });

  it('lets many documents lack a sparse unique field but not a plain unique one', async () => {
    const sparse = target().db.collection('sparse');
    await sparse.createIndex({ code: 1 }, { unique: true, sparse: true });
    await sparse.insertMany([{ n: 1 }, { n: 2 }, { code: 'c' }]);
    expect((await rejectionOf(sparse.insertOne({ code: 'c' }))).code).to.equal(11000);
    const plain = target().db.collection('plainunique');
    await plain.createIndex({ code: 1 }, { unique: true });
    await plain.insertOne({ n: 1 });
    const err = await rejectionOf(plain.insertOne({ n: 2 }));
    expect(err.code).to.equal(11000);
    expect(err.message).to.match(/dup key: \{ code: null \}$/);
  });

  it('enforces a partial unique index only on documents matching its filter', async () => {
    const coll = target().db.collection('partial');
    await coll.createIndex(
      { email: 1 },
      { unique: true, partialFilterExpression: { active: true } }
    );
    await coll.insertMany([
      { email: 'a', active: false },
      { email: 'a', active: false },
      { email: 'a', active: true },
    ]);
    expect((await rejectionOf(coll.insertOne({ email: 'a', active: true }))).code).to.equal(11000);
  });

  it('refuses to build a unique index over existing duplicates', async () => {
    const coll = target().db.collection('dupsfirst');
    await coll.insertMany([{ k: 1 }, { k: 1 }]);
    const err = await rejectionOf(coll.createIndex({ k: 1 }, { unique: true }));
    expect(err.code).to.equal(11000);
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).to.deep.equal(['_id_']);
  });

  it('keeps inserting the rest of an unordered batch after a duplicate', async () => {
    const coll = target().db.collection('unordered');
    await coll.createIndex({ k: 1 }, { unique: true });
    const err = await rejectionOf(
      coll.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }], { ordered: false })
    );
    expect(err.code).to.equal(11000);
    expect(await coll.countDocuments()).to.equal(2);
    const ordered = await rejectionOf(coll.insertMany([{ k: 3 }, { k: 3 }, { k: 4 }]));
    expect(ordered.code).to.equal(11000);
    expect(await coll.countDocuments({ k: 4 })).to.equal(0);
  });

  it('accepts an identical index again but refuses conflicting names and keys (85, 86)', async () => {
    const coll = target().db.collection('conflicts');
    await coll.createIndex({ a: 1 }, { name: 'x' });
    expect(await coll.createIndex({ a: 1 }, { name: 'x' })).to.equal('x');
    expect((await rejectionOf(coll.createIndex({ a: 1 }, { name: 'y' }))).code).to.equal(85);
    expect((await rejectionOf(coll.createIndex({ b: 1 }, { name: 'x' }))).code).to.equal(86);
    expect(
      (await rejectionOf(coll.createIndex({ a: 1 }, { name: 'x', unique: true }))).code
    ).to.equal(85);
  });

  it('lists and drops indexes', async () => {
    const coll = target().db.collection('idx');
    await coll.createIndexes([{ key: { a: 1 } }, { key: { b: -1 }, name: 'b_desc', sparse: true }]);
    const listed = await coll.listIndexes().toArray();
    expect(listed.map((i) => i.name)).to.deep.equal(['_id_', 'a_1', 'b_desc']);
    expect(listed[2]).to.deep.include({ key: { b: -1 }, sparse: true });
    await coll.dropIndex('a_1');
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).to.deep.equal([
      '_id_',
      'b_desc',
    ]);
    expect((await rejectionOf(coll.dropIndex('nope'))).code).to.equal(27);
    await coll.dropIndexes();
    expect((await coll.listIndexes().toArray()).map((i) => i.name)).to.deep.equal(['_id_']);
    const missing = await rejectionOf(
      target().db.collection('never_created').listIndexes().toArray()
    );
    expect(missing.code).to.equal(26);
  });

  it('answers _id and unique-key equality through an index, not a collection scan (explain)', async () => {
    const coll = target().db.collection('planned');
    await coll.createIndex({ email: 1 }, { unique: true });
    await coll.createIndex({ tenant: 1, name: 1 });
    const { insertedId } = await coll.insertOne({
      email: 'p@x.test',
      tenant: 't',
      name: 'n',
      note: 'x',
    });
    const plan = async (filter: Document) =>
      JSON.stringify((await coll.find(filter).explain('queryPlanner')).queryPlanner.winningPlan);
    expect(await plan({ _id: insertedId })).to.match(/IDHACK/);
    const byEmail = await plan({ email: 'p@x.test' });
    expect(byEmail)
      .to.match(/IXSCAN/)
      .and.to.include('email_1')
      .and.not.match(/COLLSCAN/);
    expect(await plan({ tenant: 't' })).to.include('tenant_1_name_1');
    expect(await plan({ note: 'x' })).to.match(/COLLSCAN/);
  });

  it('hides an index from queries and changes a TTL through collMod', async () => {
    const coll = target().db.collection('modded');
    await coll.createIndex({ k: 1 }, { unique: true });
    await coll.createIndex({ at: 1 }, { expireAfterSeconds: 3600 });
    await coll.insertOne({ k: 1, at: new Date() });
    const hide = await target().db.command({
      collMod: 'modded',
      index: { name: 'k_1', hidden: true },
    });
    expect(hide).to.include({ hidden_old: false, hidden_new: true });
    const plan = JSON.stringify(
      (await coll.find({ k: 1 }).explain('queryPlanner')).queryPlanner.winningPlan
    );
    expect(plan).to.match(/COLLSCAN/);
    expect((await rejectionOf(coll.insertOne({ k: 1 }))).code).to.equal(11000);
    const ttl = await target().db.command({
      collMod: 'modded',
      index: { keyPattern: { at: 1 }, expireAfterSeconds: 7200 },
    });
    expect(ttl).to.include({ expireAfterSeconds_old: 3600, expireAfterSeconds_new: 7200 });
    const specs = await coll.listIndexes().toArray();
    expect(specs.map((i) => i.name)).to.deep.equal(['_id_', 'k_1', 'at_1']);
    expect(specs[1].hidden).to.equal(true);
    expect(specs[2].expireAfterSeconds).to.equal(7200);
  });

  it('deletes expired documents through a TTL index', async function () {
    this.timeout(90_000);
    const t = target();
    if (!t.embedded) {
      // A real mongod sweeps every 60 s unless the test may shorten it.
      const ok = await t.client
        .db('admin')
        .command({ setParameter: 1, ttlMonitorSleepSecs: 1 })
        .then(
          () => true,
          () => false
        );
      if (!ok) this.skip();
    }
    const coll = t.db.collection('ttl');
    await coll.createIndex({ at: 1 }, { expireAfterSeconds: 1 });
    const old = new Date(Date.now() - 60_000);
    await coll.insertMany([
      { k: 'old', at: old },
      { k: 'oldArray', at: [new Date(Date.now() + 3_600_000), old] },
      { k: 'fresh', at: new Date(Date.now() + 3_600_000) },
      { k: 'noDate', at: 'not a date' },
    ]);
    const deadline = Date.now() + 80_000;
    while ((await coll.countDocuments()) > 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect((await coll.find().toArray()).map((d) => d.k).sort()).to.deep.equal(['fresh', 'noDate']);
  });
});
