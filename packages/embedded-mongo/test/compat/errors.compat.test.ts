import { expect } from 'chai';
import type { Document } from 'mongodb';
import { describeCompat, rejectionOf } from './compat-harness.js';

describeCompat('errors shaped like MongoDB', (target) => {
  it('refuses $inc on a string with TypeMismatch (14)', async () => {
    const coll = target().db.collection('errs');
    await coll.insertOne({ _id: 's', n: 'text' } as Document);
    const err = await rejectionOf(coll.updateOne({ _id: 's' } as Document, { $inc: { n: 1 } }));
    expect(err.code).to.equal(14);
    expect(err.codeName).to.equal('TypeMismatch');
    expect((await coll.findOne({ _id: 's' } as Document))?.n).to.equal('text');
  });

  it('refuses to change _id with ImmutableField (66)', async () => {
    const coll = target().db.collection('errs');
    await coll.insertOne({ _id: 'i', v: 1 } as Document);
    expect(
      (await rejectionOf(coll.updateOne({ _id: 'i' } as Document, { $set: { _id: 'j' } }))).code
    ).to.equal(66);
    expect(
      (await rejectionOf(coll.replaceOne({ _id: 'i' } as Document, { _id: 'k', v: 2 } as Document)))
        .code
    ).to.equal(66);
  });

  it('refuses conflicting update paths with ConflictingUpdateOperators (40)', async () => {
    const coll = target().db.collection('errs');
    await coll.insertOne({ _id: 'c', a: { b: 1 } } as Document);
    const err = await rejectionOf(
      coll.updateOne({ _id: 'c' } as Document, { $set: { a: 1 }, $inc: { 'a.b': 1 } })
    );
    expect(err.code).to.equal(40);
  });

  it('answers an unknown command with CommandNotFound (59)', async () => {
    const err = await rejectionOf(target().db.command({ noSuchCommandHere: 1 }));
    expect(err.code).to.equal(59);
    expect(err.codeName).to.equal('CommandNotFound');
  });

  it('rejects a bad query operator with BadValue (2)', async () => {
    const err = await rejectionOf(
      target()
        .db.collection('errs')
        .find({ a: { $frobnicate: 1 } })
        .toArray()
    );
    expect(err.code).to.equal(2);
  });

  it('refuses server-side JavaScript ($where, $function, $accumulator) [embedded limit]', async function () {
    // A real mongod runs JavaScript unless started with --noscripting; the embedded server never does.
    if (!target().embedded) this.skip();
    const coll = target().db.collection('errs');
    await coll.insertOne({ a: 1 });
    const where = await rejectionOf(coll.find({ $where: 'this.a == 1' }).toArray());
    expect(where.code).to.be.a('number');
    const fn = await rejectionOf(
      coll
        .aggregate([
          {
            $addFields: {
              x: { $function: { body: 'function() { return 1; }', args: [], lang: 'js' } },
            },
          },
        ])
        .toArray()
    );
    expect(fn.code).to.be.a('number');
    const acc = await rejectionOf(
      coll
        .aggregate([
          {
            $group: {
              _id: null,
              x: {
                $accumulator: {
                  init: 'function() { return 0; }',
                  accumulate: 'function(s) { return s; }',
                  accumulateArgs: [],
                  merge: 'function(a) { return a; }',
                  lang: 'js',
                },
              },
            },
          },
        ])
        .toArray()
    );
    expect(acc.code).to.be.a('number');
  });

  it('refuses a document over 16 MiB', async function () {
    this.timeout(30_000);
    const coll = target().db.collection('huge');
    // Just over 16 MiB: the driver itself cannot encode documents past 17 MiB.
    const err = await rejectionOf(coll.insertOne({ blob: 'x'.repeat(16 * 1024 * 1024 + 1024) }));
    expect(err.message).to.match(/too large/i);
    expect(await coll.countDocuments()).to.equal(0);
  });

  it('keeps documents from growing past 16 MiB through updates', async function () {
    this.timeout(30_000);
    const coll = target().db.collection('grow');
    await coll.insertOne({ _id: 'g', a: 'x'.repeat(9 * 1024 * 1024) } as Document);
    const err = await rejectionOf(
      coll.updateOne({ _id: 'g' } as Document, { $set: { b: 'y'.repeat(9 * 1024 * 1024) } })
    );
    expect(err).to.have.property('code');
    const doc = await coll.findOne({ _id: 'g' } as Document, { projection: { b: 1 } });
    expect(doc).to.deep.equal({ _id: 'g' });
  });
});
