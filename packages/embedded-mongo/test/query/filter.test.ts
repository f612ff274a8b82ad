import { Decimal128, Int32, Long, ObjectId, type Document } from 'bson';
import { expect } from 'chai';
import { MongoCommandError } from '../../src/errors.js';
import { compileFilter } from '../../src/query/index.js';

/** The _ids of `docs` that `filter` selects. */
function ids(docs: Document[], filter: Document): unknown[] {
  const pred = compileFilter(filter);
  return docs.filter(pred).map((d) => d._id);
}

function errorOf(fn: () => unknown): MongoCommandError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MongoCommandError) return e;
    throw e;
  }
  throw new Error('expected a MongoCommandError');
}

describe('query: compileFilter', () => {
  const docs: Document[] = [
    { _id: 1, a: 1, tags: ['x', 'y'], sub: { b: 2 } },
    {
      _id: 2,
      a: 'one',
      tags: ['y'],
      items: [
        { k: 'p', v: 5 },
        { k: 'q', v: 1 },
      ],
    },
    { _id: 3, a: null, tags: [], items: [{ k: 'q', v: 9 }] },
    { _id: 4, a: Long.fromNumber(7), sub: { b: [1, 3] } },
    { _id: 5, a: Decimal128.fromString('2.5'), tags: [['x', 'y'], 'z'] },
  ];

  it('matches equality, including array elements and whole arrays', () => {
    expect(ids(docs, { tags: 'y' })).to.deep.equal([1, 2]);
    expect(ids(docs, { tags: ['x', 'y'] })).to.deep.equal([1, 5]);
    expect(ids(docs, { 'sub.b': 3 })).to.deep.equal([4]);
  });

  it('matches null against null and missing fields', () => {
    expect(ids(docs, { a: null })).to.deep.equal([3]);
    expect(ids(docs, { sub: null })).to.deep.equal([2, 3, 5]);
    expect(ids(docs, { sub: { $ne: null } })).to.deep.equal([1, 4]);
    expect(ids(docs, { sub: { $exists: false } })).to.deep.equal([2, 3, 5]);
  });

  it('compares numbers across types and only within the same type bracket', () => {
    expect(ids(docs, { a: { $gt: new Int32(1) } })).to.deep.equal([4, 5]);
    expect(ids(docs, { a: { $gte: 1 } })).to.deep.equal([1, 4, 5]);
    expect(ids(docs, { a: { $lt: 'z' } })).to.deep.equal([2]);
    expect(ids(docs, { a: Decimal128.fromString('7.0') })).to.deep.equal([4]);
    expect(ids(docs, { a: { $in: [2.5, 'one'] } })).to.deep.equal([2, 5]);
  });

  it('never matches NaN with a range operator except NaN itself', () => {
    const rows = [
      { _id: 1, v: NaN },
      { _id: 2, v: -1 },
      { _id: 3, v: Decimal128.fromString('NaN') },
    ];
    expect(ids(rows, { v: { $lt: 5 } })).to.deep.equal([2]);
    expect(ids(rows, { v: { $gte: NaN } })).to.deep.equal([1, 3]);
    expect(ids(rows, { v: NaN })).to.deep.equal([1, 3]);
  });

  it('walks dotted paths through arrays of subdocuments', () => {
    expect(ids(docs, { 'items.k': 'q' })).to.deep.equal([2, 3]);
    expect(ids(docs, { 'items.v': { $gt: 4, $lt: 6 } })).to.deep.equal([2]);
    expect(ids(docs, { 'items.0.k': 'p' })).to.deep.equal([2]);
  });

  it('requires one element to satisfy every $elemMatch condition', () => {
    expect(ids(docs, { items: { $elemMatch: { k: 'q', v: { $gt: 4 } } } })).to.deep.equal([3]);
    expect(ids(docs, { 'sub.b': { $elemMatch: { $gt: 2 } } })).to.deep.equal([4]);
  });

  it('supports $all, $size, $exists, $nin and $not', () => {
    // $all is an $and of equalities: it does not look inside nested arrays, but can match one.
    expect(ids(docs, { tags: { $all: ['x', 'y'] } })).to.deep.equal([1]);
    expect(ids(docs, { tags: { $all: [['x', 'y']] } })).to.deep.equal([1, 5]);
    expect(ids(docs, { tags: { $all: [] } })).to.deep.equal([]);
    expect(ids(docs, { tags: { $size: 0 } })).to.deep.equal([3]);
    expect(ids(docs, { items: { $exists: true } })).to.deep.equal([2, 3]);
    expect(ids(docs, { a: { $nin: [1, null] } })).to.deep.equal([2, 4, 5]);
    expect(ids(docs, { a: { $not: { $gt: 2 } } })).to.deep.equal([1, 2, 3]);
  });

  it('matches $type by alias and by number, with "number" covering every numeric type', () => {
    expect(ids(docs, { a: { $type: 'number' } })).to.deep.equal([1, 4, 5]);
    expect(ids(docs, { a: { $type: 'long' } })).to.deep.equal([4]);
    expect(ids(docs, { a: { $type: 2 } })).to.deep.equal([2]);
    expect(ids(docs, { a: { $type: 'null' } })).to.deep.equal([3]);
    expect(ids(docs, { tags: { $type: 'array' } })).to.deep.equal([1, 2, 3, 5]);
  });

  it('matches regexes from literals and from $regex/$options', () => {
    expect(ids(docs, { a: /^ON/i })).to.deep.equal([2]);
    expect(ids(docs, { a: { $regex: '^ON', $options: 'i' } })).to.deep.equal([2]);
    expect(ids(docs, { a: { $regex: ' o n # comment', $options: 'x' } })).to.deep.equal([2]);
    expect(ids(docs, { tags: { $in: [/^z/] } })).to.deep.equal([5]);
  });

  it('supports $mod, $and, $or, $nor and $expr', () => {
    expect(ids(docs, { a: { $mod: [3, 1] } })).to.deep.equal([1, 4]);
    expect(ids(docs, { $or: [{ a: 1 }, { a: 'one' }] })).to.deep.equal([1, 2]);
    expect(ids(docs, { $and: [{ tags: 'y' }, { a: { $type: 'string' } }] })).to.deep.equal([2]);
    expect(ids(docs, { $nor: [{ a: 1 }, { tags: { $exists: true } }] })).to.deep.equal([4]);
    expect(ids(docs, { $expr: { $gt: ['$a', 2] } })).to.deep.equal([2, 4, 5]);
  });

  it('compares ObjectIds and dates by value', () => {
    const id = new ObjectId();
    const rows = [
      { _id: 1, ref: id, at: new Date(100) },
      { _id: 2, ref: new ObjectId(), at: new Date(200) },
    ];
    expect(ids(rows, { ref: new ObjectId(id.toHexString()) })).to.deep.equal([1]);
    expect(ids(rows, { at: { $gt: new Date(150) } })).to.deep.equal([2]);
  });

  it('refuses an unknown operator with 2 BadValue', () => {
    const e = errorOf(() => compileFilter({ a: { $foo: 1 } }));
    expect([e.code, e.codeName, e.message]).to.deep.equal([
      2,
      'BadValue',
      'unknown operator: $foo',
    ]);
    expect(errorOf(() => compileFilter({ $foo: 1 })).code).to.equal(2);
    expect(errorOf(() => compileFilter({ $or: [] })).message).to.equal(
      '$or must be a nonempty array'
    );
    expect(errorOf(() => compileFilter({ a: { $in: 5 } })).message).to.equal('$in needs an array');
  });

  it('refuses server-side JavaScript, $text outside a collection query, and geo search', () => {
    expect(errorOf(() => compileFilter({ $where: 'this.a == 1' })).message).to.equal(
      'no globalScriptEngine in $where parsing'
    );
    // $text needs a collection's text index; a bare filter (validator, $elemMatch) has none.
    expect(errorOf(() => compileFilter({ $text: { $search: 'x' } })).message).to.equal(
      '$text is not allowed in this context'
    );
    expect(
      errorOf(() =>
        compileFilter({ $and: [{ $text: { $search: 'x' } }, { $text: { $search: 'y' } }] })
      ).message
    ).to.equal('Too many text expressions');
    expect(errorOf(() => compileFilter({ loc: { $near: [0, 0] } })).codeName).to.equal(
      'NotImplemented'
    );
  });
});
