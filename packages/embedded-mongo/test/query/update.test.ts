import { Decimal128, Double, Int32, Long, Timestamp, type Document } from 'bson';
import { expect } from 'chai';
import { MongoCommandError } from '../../src/errors.js';
import { applyUpdate, deepClone, isReplacementUpdate, valuesEqual } from '../../src/query/index.js';

function errorOf(fn: () => unknown): MongoCommandError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MongoCommandError) return e;
    throw e;
  }
  throw new Error('expected a MongoCommandError');
}

const up = (doc: Document, update: Document | Document[], opts = {}) =>
  applyUpdate(doc, update, opts).doc;

describe('query: applyUpdate field operators', () => {
  it('never mutates the input document', () => {
    const doc = { _id: 1, a: { b: [1, 2] } };
    const before = deepClone(doc);
    const res = applyUpdate(doc, { $push: { 'a.b': 3 }, $set: { c: 1 } });
    expect(doc).to.deep.equal(before);
    expect(res.doc).to.deep.equal({ _id: 1, a: { b: [1, 2, 3] }, c: 1 });
  });

  it('$set creates nested documents, pads arrays with null, and adds new fields in lexicographic order', () => {
    expect(up({ _id: 1 }, { $set: { 'x.y.z': 1 } })).to.deep.equal({ _id: 1, x: { y: { z: 1 } } });
    expect(up({ _id: 1, arr: [0] }, { $set: { 'arr.3': 9 } })).to.deep.equal({
      _id: 1,
      arr: [0, null, null, 9],
    });
    expect(Object.keys(up({ _id: 1 }, { $set: { b: 1, a: 1 } }))).to.deep.equal(['_id', 'a', 'b']);
  });

  it('$set cannot create a field inside a scalar (28 PathNotViable)', () => {
    const e = errorOf(() => up({ _id: 1, a: 5 }, { $set: { 'a.b': 1 } }));
    expect([e.code, e.message]).to.deep.equal([28, "Cannot create field 'b' in element {a: 5}"]);
  });

  it('$unset removes fields and nulls array elements', () => {
    expect(
      up({ _id: 1, a: 1, b: { c: 1, d: 2 } }, { $unset: { a: '', 'b.c': 1, missing: 1 } })
    ).to.deep.equal({
      _id: 1,
      b: { d: 2 },
    });
    expect(up({ _id: 1, arr: [1, 2] }, { $unset: { 'arr.0': 1 } })).to.deep.equal({
      _id: 1,
      arr: [null, 2],
    });
  });

  it('$inc keeps int32 until it overflows into a long, keeps long and double', () => {
    expect(up({ _id: 1, n: 5 }, { $inc: { n: 2 } }).n).to.equal(7);
    const overflow = up({ _id: 1, n: new Int32(2147483647) }, { $inc: { n: 1 } }).n;
    expect(overflow).to.be.instanceOf(Long);
    expect(String(overflow)).to.equal('2147483648');
    const big = up({ _id: 1, n: Long.fromString('9007199254740993') }, { $inc: { n: 1 } }).n;
    expect(String(big)).to.equal('9007199254740994');
    const dbl = up({ _id: 1, n: 1.5 }, { $inc: { n: 0.5 } }).n;
    expect(dbl).to.be.instanceOf(Double);
    expect((dbl as Double).value).to.equal(2);
    expect(
      String(
        up(
          { _id: 1, n: Decimal128.fromString('0.1') },
          { $inc: { n: Decimal128.fromString('0.2') } }
        ).n
      )
    ).to.equal('0.3');
    const mixed = up({ _id: 1, n: Decimal128.fromString('1') }, { $inc: { n: 0.5 } }).n;
    expect(mixed).to.be.instanceOf(Decimal128);
    expect(valuesEqual(mixed, 1.5)).to.equal(true);
    expect(up({ _id: 1 }, { $inc: { n: 3 } }).n).to.equal(3);
  });

  it('$inc on a non-number is 14 TypeMismatch with MongoDB message', () => {
    const e = errorOf(() => up({ _id: 1, x: 'a' }, { $inc: { x: 1 } }));
    expect(e.code).to.equal(14);
    expect(e.codeName).to.equal('TypeMismatch');
    expect(e.message).to.equal(
      "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 'x' of non-numeric type string"
    );
    expect(errorOf(() => up({ _id: 1 }, { $inc: { x: 'a' } })).message).to.equal(
      'Cannot increment with non-numeric argument: {x: "a"}'
    );
  });

  it('$inc on a long at its maximum fails instead of wrapping', () => {
    expect(errorOf(() => up({ _id: 1, n: Long.MAX_VALUE }, { $inc: { n: 1 } })).code).to.equal(2);
  });

  it('$mul multiplies, and sets a missing field to zero of the multiplier type', () => {
    expect(up({ _id: 1, n: 4 }, { $mul: { n: 3 } }).n).to.equal(12);
    expect(up({ _id: 1 }, { $mul: { n: 3 } }).n).to.equal(0);
    expect(String(up({ _id: 1 }, { $mul: { n: Long.fromNumber(3) } }).n)).to.equal('0');
  });

  it('$min and $max compare with BSON order, setting missing fields', () => {
    expect(up({ _id: 1, n: 5 }, { $min: { n: 3 }, $max: { m: 1 } })).to.deep.equal({
      _id: 1,
      m: 1,
      n: 3,
    });
    expect(applyUpdate({ _id: 1, n: 5 }, { $max: { n: 3 } }).modified).to.equal(false);
    const d = up({ _id: 1, at: new Date(10) }, { $max: { at: new Date(20) } }).at as Date;
    expect(d.getTime()).to.equal(20);
  });

  it('$rename moves a field, including into a subdocument', () => {
    expect(up({ _id: 1, a: 1, b: 2 }, { $rename: { a: 'c.d' } })).to.deep.equal({
      _id: 1,
      b: 2,
      c: { d: 1 },
    });
    expect(applyUpdate({ _id: 1 }, { $rename: { a: 'b' } }).modified).to.equal(false);
  });

  it('$currentDate sets a Date or a Timestamp from the clock', () => {
    const now = new Date('2024-01-02T03:04:05Z');
    const doc = up({ _id: 1 }, { $currentDate: { d: true, t: { $type: 'timestamp' } } }, { now });
    expect((doc.d as Date).getTime()).to.equal(now.getTime());
    expect(doc.t).to.be.instanceOf(Timestamp);
    expect((doc.t as Timestamp).t).to.equal(now.getTime() / 1000);
  });

  it('$setOnInsert applies only when the update inserts an upserted document', () => {
    expect(up({ _id: 1 }, { $setOnInsert: { a: 1 } })).to.deep.equal({ _id: 1 });
    expect(up({ _id: 1 }, { $setOnInsert: { a: 1 } }, { isUpsertInsert: true })).to.deep.equal({
      _id: 1,
      a: 1,
    });
  });
});

describe('query: applyUpdate array operators', () => {
  it('$push appends, and with $each/$position/$sort/$slice also on a missing field', () => {
    expect(up({ _id: 1, a: [1] }, { $push: { a: 2 } }).a).to.deep.equal([1, 2]);
    expect(
      up({ _id: 1 }, { $push: { a: { $each: [3, 1, 2], $sort: -1, $slice: 2 } } }).a
    ).to.deep.equal([3, 2]);
    expect(
      up({ _id: 1, a: [1, 2] }, { $push: { a: { $each: [9], $position: 1 } } }).a
    ).to.deep.equal([1, 9, 2]);
    const scores = up(
      { _id: 1, s: [{ v: 5 }, { v: 1 }] },
      { $push: { s: { $each: [{ v: 3 }], $sort: { v: 1 } } } }
    );
    expect(scores.s).to.deep.equal([{ v: 1 }, { v: 3 }, { v: 5 }]);
  });

  it('$push to a non-array is 2 BadValue naming the field and document', () => {
    const e = errorOf(() => up({ _id: 1, x: 'str' }, { $push: { x: 1 } }));
    expect([e.code, e.message]).to.deep.equal([
      2,
      "The field 'x' must be an array but is of type string in document {_id: 1}",
    ]);
  });

  it('$addToSet adds only missing values, with $each', () => {
    expect(
      up({ _id: 1, a: ['x'] }, { $addToSet: { a: { $each: ['x', 'y', 'y'] } } }).a
    ).to.deep.equal(['x', 'y']);
    expect(
      applyUpdate({ _id: 1, a: [{ k: 1 }] }, { $addToSet: { a: { k: 1 } } }).modified
    ).to.equal(false);
  });

  it('$pull removes by value, by condition and by document condition; $pullAll by list', () => {
    expect(up({ _id: 1, a: [1, 2, 3, 2] }, { $pull: { a: 2 } }).a).to.deep.equal([1, 3]);
    expect(up({ _id: 1, a: [1, 6, 7] }, { $pull: { a: { $gte: 6 } } }).a).to.deep.equal([1]);
    const items = [
      { k: 'a', n: 1 },
      { k: 'b', n: 2 },
    ];
    expect(up({ _id: 1, items }, { $pull: { items: { k: 'b' } } }).items).to.deep.equal([
      { k: 'a', n: 1 },
    ]);
    expect(up({ _id: 1, a: [1, 2, 3] }, { $pullAll: { a: [1, 3] } }).a).to.deep.equal([2]);
  });

  it('$pop removes the last or the first element', () => {
    expect(up({ _id: 1, a: [1, 2, 3] }, { $pop: { a: 1 } }).a).to.deep.equal([1, 2]);
    expect(up({ _id: 1, a: [1, 2, 3] }, { $pop: { a: -1 } }).a).to.deep.equal([2, 3]);
  });

  it('positional $ updates the element the query matched', () => {
    const doc = { _id: 1, grades: [80, 85, 90] };
    expect(
      up(doc, { $set: { 'grades.$': 82 } }, { query: { _id: 1, grades: 85 } }).grades
    ).to.deep.equal([80, 82, 90]);
    const items = {
      _id: 1,
      items: [
        { k: 'a', n: 1 },
        { k: 'b', n: 1 },
      ],
    };
    const res = up(items, { $inc: { 'items.$.n': 5 } }, { query: { 'items.k': 'b' } });
    expect(res.items).to.deep.equal([
      { k: 'a', n: 1 },
      { k: 'b', n: 6 },
    ]);
    expect(
      errorOf(() => up(doc, { $set: { 'grades.$': 1 } }, { query: { _id: 1 } })).message
    ).to.equal('The positional operator did not find the match needed from the query.');
  });

  it('$[] updates every element and $[ident] the elements arrayFilters select', () => {
    expect(up({ _id: 1, a: [1, 2] }, { $inc: { 'a.$[]': 10 } }).a).to.deep.equal([11, 12]);
    const doc = { _id: 1, g: [{ s: 80 }, { s: 95 }, { s: 100 }] };
    const res = up(
      doc,
      { $set: { 'g.$[hi].top': true } },
      { arrayFilters: [{ 'hi.s': { $gte: 95 } }] }
    );
    expect(res.g).to.deep.equal([{ s: 80 }, { s: 95, top: true }, { s: 100, top: true }]);
    const either = up(
      doc,
      { $inc: { 'g.$[e].s': 1 } },
      { arrayFilters: [{ $or: [{ 'e.s': 80 }, { 'e.s': 100 }] }] }
    );
    expect(either.g).to.deep.equal([{ s: 81 }, { s: 95 }, { s: 101 }]);
    expect(errorOf(() => up(doc, { $set: { 'g.$[x].a': 1 } })).message).to.equal(
      "No array filter found for identifier 'x' in path 'g.$[x].a'"
    );
  });
});

describe('query: applyUpdate documents, pipelines and errors', () => {
  it('recognizes replacement documents', () => {
    expect(isReplacementUpdate({ a: 1 })).to.equal(true);
    expect(isReplacementUpdate({ $set: { a: 1 } })).to.equal(false);
    expect(isReplacementUpdate([{ $set: { a: 1 } }])).to.equal(false);
  });

  it('a replacement keeps the _id and drops the other fields', () => {
    expect(up({ _id: 7, a: 1, b: 2 }, { c: 3 })).to.deep.equal({ _id: 7, c: 3 });
  });

  it('a replacement may not change _id (66) nor hold $-prefixed fields (52)', () => {
    const e = errorOf(() => up({ _id: 1 }, { _id: 2, a: 1 }));
    expect([e.code, e.codeName]).to.deep.equal([66, 'ImmutableField']);
    expect(errorOf(() => up({ _id: 1 }, { a: 1, $b: 1 })).code).to.equal(52);
  });

  it('changing _id with an operator is 66 ImmutableField', () => {
    const e = errorOf(() => up({ _id: 1 }, { $set: { _id: 2 } }));
    expect([e.code, e.message]).to.deep.equal([
      66,
      "Performing an update on the path '_id' would modify the immutable field '_id'",
    ]);
    expect(applyUpdate({ _id: 1 }, { $set: { _id: 1 } }).modified).to.equal(false);
  });

  it('the same path in two operators is 40 ConflictingUpdateOperators', () => {
    const e = errorOf(() => up({ _id: 1 }, { $set: { a: 1 }, $inc: { a: 1 } }));
    expect([e.code, e.message]).to.deep.equal([
      40,
      "Updating the path 'a' would create a conflict at 'a'",
    ]);
    expect(errorOf(() => up({ _id: 1 }, { $set: { 'a.b': 1 }, $unset: { a: 1 } })).code).to.equal(
      40
    );
  });

  it('an unknown modifier is 9 FailedToParse', () => {
    const e = errorOf(() => up({ _id: 1 }, { $foo: { a: 1 } }));
    expect(e.code).to.equal(9);
    expect(e.message).to.match(/^Unknown modifier: \$foo/);
    expect(errorOf(() => up({ _id: 1 }, { $set: 5 })).code).to.equal(9);
  });

  it('accepts an empty operand as a no-op (MongoDB 5.0+)', () => {
    expect(applyUpdate({ _id: 1, a: 1 }, { $set: {} })).to.deep.equal({
      doc: { _id: 1, a: 1 },
      modified: false,
    });
  });

  it('reports modified=false when nothing changes and true when a type changes', () => {
    expect(applyUpdate({ _id: 1, a: 1 }, { $set: { a: 1 } }).modified).to.equal(false);
    expect(applyUpdate({ _id: 1, a: 1 }, { $set: { a: Long.fromNumber(1) } }).modified).to.equal(
      true
    );
    expect(applyUpdate({ _id: 1, a: 1 }, { a: 1 }).modified).to.equal(false);
  });

  it('runs pipeline updates with $set, $unset and $replaceWith, keeping _id', () => {
    expect(
      up({ _id: 1, a: 2, b: 3 }, [{ $set: { sum: { $add: ['$a', '$b'] } } }, { $unset: 'b' }])
    ).to.deep.equal({
      _id: 1,
      a: 2,
      sum: 5,
    });
    expect(up({ _id: 1, inner: { x: 1 } }, [{ $replaceWith: '$inner' }])).to.deep.equal({
      _id: 1,
      x: 1,
    });
    expect(errorOf(() => up({ _id: 1 }, [{ $match: {} }])).code).to.equal(72);
  });
});
