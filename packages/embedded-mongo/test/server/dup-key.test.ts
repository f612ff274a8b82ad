import { expect } from 'chai';
import { Decimal128, Long, ObjectId } from 'bson';
import { Collection } from '../../src/engine/collection.js';
import { MongoCommandError } from '../../src/errors.js';

function dupError(fn: () => unknown): MongoCommandError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MongoCommandError) return err;
    throw err;
  }
  throw new Error('expected a duplicate key error');
}

describe('embedded engine duplicate key errors', () => {
  it('renders ObjectId, Date and Decimal128 keys the way mongod prints them', () => {
    const coll = new Collection('app', 'things', {});
    coll.addIndex({ v: 2, key: { ref: 1, at: 1 }, name: 'ref_1_at_1', unique: true });
    coll.addIndex({ v: 2, key: { n: 1 }, name: 'n_1', unique: true, sparse: true });
    const ref = new ObjectId('65a1b2c3d4e5f60718293a4b');
    const at = new Date(1700000000000);
    coll.insert({ _id: 1, ref, at, n: Long.fromNumber(5) });
    const compound = dupError(() => coll.insert({ _id: 2, ref, at }));
    expect(compound.code).to.equal(11000);
    expect(compound.message).to.equal(
      "E11000 duplicate key error collection: app.things index: ref_1_at_1 dup key: { ref: ObjectId('65a1b2c3d4e5f60718293a4b'), at: new Date(1700000000000) }"
    );
    expect(compound.extra).to.deep.equal({ keyPattern: { ref: 1, at: 1 }, keyValue: { ref, at } });
    const numeric = dupError(() =>
      coll.insert({ _id: 3, ref: 'other', n: Decimal128.fromString('5.0') })
    );
    expect(numeric.message).to.match(/index: n_1 dup key: \{ n: NumberDecimal\("5.0"\) \}$/);
    expect(coll.docs.size).to.equal(1);
  });

  it('leaves the collection unchanged when an update would duplicate a key', () => {
    const coll = new Collection('app', 'users', {});
    coll.addIndex({ v: 2, key: { email: 1 }, name: 'email_1', unique: true });
    coll.insert({ _id: 'a', email: 'a@x.test' });
    coll.insert({ _id: 'b', email: 'b@x.test' });
    const b = coll.find({ _id: 'b' })[0];
    const err = dupError(() => coll.replace(b.key, b.doc, { _id: 'b', email: 'a@x.test' }));
    expect(err.message).to.match(/dup key: \{ email: "a@x.test" \}$/);
    expect(coll.find({ email: 'b@x.test' }).map((h) => h.doc._id)).to.deep.equal(['b']);
    expect(coll.find({ email: 'a@x.test' }).map((h) => h.doc._id)).to.deep.equal(['a']);
  });
});
