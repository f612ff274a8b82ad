import { expect } from 'chai';
import { Decimal128, Long, ObjectId } from 'bson';
import { Collection } from '../../src/engine/collection.js';
import { encodeKey } from '../../src/engine/key-encoding.js';

describe('embedded engine index lookups', () => {
  function filled(n: number): Collection {
    const coll = new Collection('db', 'people', {});
    coll.addIndex({ v: 2, key: { email: 1 }, name: 'email_1', unique: true });
    coll.addIndex({ v: 2, key: { tenant: 1, name: 1 }, name: 'tenant_1_name_1' });
    coll.addIndex({ v: 2, key: { code: 1 }, name: 'code_1', sparse: true });
    for (let i = 0; i < n; i++) {
      coll.insert({
        _id: new ObjectId(),
        email: `u${i}@x.test`,
        tenant: `t${i % 10}`,
        name: `n${i}`,
        n: i,
        ...(i % 2 ? { code: i } : {}),
      });
    }
    return coll;
  }

  it('gives the same key to numerically equal values of every numeric type', () => {
    const keys = [1, 1.0, Long.fromNumber(1), Decimal128.fromString('1.00')].map(encodeKey);
    expect(new Set(keys).size).to.equal(1);
    expect(encodeKey(Long.fromString('9007199254740993'))).to.not.equal(
      encodeKey(9007199254740992)
    );
    expect(encodeKey('1')).to.not.equal(encodeKey(1));
    expect(encodeKey(null)).to.equal(encodeKey(undefined));
  });

  it('narrows _id and unique-key equality to one candidate instead of scanning', () => {
    const coll = filled(5000);
    const someone = coll.find({ n: 1234 })[0].doc;
    expect([...coll.candidates({ _id: someone._id })]).to.have.length(1);
    expect([...coll.candidates({ email: 'u1234@x.test' })]).to.have.length(1);
    expect([...coll.candidates({ email: { $eq: 'u1234@x.test' }, n: { $gt: 0 } })]).to.have.length(
      1
    );
    expect([...coll.candidates({ email: { $in: ['u1@x.test', 'u2@x.test'] } })]).to.have.length(2);
    expect(coll.find({ email: 'u1234@x.test' })[0].doc.n).to.equal(1234);
  });

  it('uses the first field of a compound index', () => {
    const coll = filled(1000);
    expect([...coll.candidates({ tenant: 't3' })]).to.have.length(100);
    expect(coll.find({ tenant: 't3', name: 'n13' }).map((h) => h.doc.n)).to.deep.equal([13]);
  });

  it('scans (but still answers correctly) when only a sparse index covers the field', () => {
    const coll = filled(100);
    expect([...coll.candidates({ code: 7 })]).to.have.length(100);
    expect(coll.find({ code: 7 }).map((h) => h.doc.n)).to.deep.equal([7]);
  });

  it('moves index entries when a document changes and forgets them when it is removed', () => {
    const coll = filled(10);
    const hit = coll.find({ email: 'u3@x.test' })[0];
    coll.replace(hit.key, hit.doc, { ...hit.doc, email: 'moved@x.test' });
    expect([...coll.candidates({ email: 'u3@x.test' })]).to.have.length(0);
    expect([...coll.candidates({ email: 'moved@x.test' })]).to.have.length(1);
    const moved = coll.find({ email: 'moved@x.test' })[0];
    coll.remove(moved.key, moved.doc);
    expect([...coll.candidates({ email: 'moved@x.test' })]).to.have.length(0);
    coll.insert({ _id: 'again', email: 'u3@x.test' });
    expect(coll.find({ email: 'u3@x.test' })).to.have.length(1);
  });

  it('finds numbers of another type through an index', () => {
    const coll = new Collection('db', 'nums', {});
    coll.addIndex({ v: 2, key: { n: 1 }, name: 'n_1' });
    coll.insert({ _id: 1, n: Long.fromNumber(7) });
    coll.insert({ _id: 2, n: 8 });
    expect(coll.find({ n: 7 }).map((h) => h.doc._id)).to.deep.equal([1]);
    expect(coll.find({ n: Decimal128.fromString('8.0') }).map((h) => h.doc._id)).to.deep.equal([2]);
  });

  it('indexes each element of an array and refuses a duplicate element in a unique index', () => {
    const coll = new Collection('db', 'tags', {});
    coll.addIndex({ v: 2, key: { tags: 1 }, name: 'tags_1', unique: true });
    coll.insert({ _id: 1, tags: ['a', 'b', 'b'] });
    expect([...coll.candidates({ tags: 'b' })]).to.have.length(1);
    expect(() => coll.insert({ _id: 2, tags: ['c', 'a'] })).to.throw(
      /E11000 .* dup key: \{ tags: "a" \}/
    );
    expect(coll.docs.size).to.equal(1);
  });
});
