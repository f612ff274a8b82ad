import { Decimal128, Long, type Document } from 'bson';
import { expect } from 'chai';
import { MongoCommandError } from '../../src/errors.js';
import { compileSort } from '../../src/query/index.js';

function order(docs: Document[], spec: Document): unknown[] {
  return [...docs].sort(compileSort(spec)).map((d) => d._id);
}

describe('query: compileSort', () => {
  it('sorts mixed types in BSON order, missing and null together before numbers', () => {
    const docs = [
      { _id: 'str', v: 'a' },
      { _id: 'num', v: 3 },
      { _id: 'missing' },
      { _id: 'obj', v: { x: 1 } },
      { _id: 'date', v: new Date(0) },
      { _id: 'bool', v: true },
    ];
    expect(order(docs, { v: 1 })).to.deep.equal(['missing', 'num', 'str', 'obj', 'bool', 'date']);
    expect(order(docs, { v: -1 })).to.deep.equal(['date', 'bool', 'obj', 'str', 'num', 'missing']);
  });

  it('sorts numbers by value across Long, Decimal128 and doubles', () => {
    const docs = [
      { _id: 1, v: Long.fromString('9007199254740993') },
      { _id: 2, v: Decimal128.fromString('9007199254740992.5') },
      { _id: 3, v: 2.5 },
    ];
    expect(order(docs, { v: 1 })).to.deep.equal([3, 2, 1]);
  });

  it('uses the smallest array element ascending and the largest descending', () => {
    const docs = [
      { _id: 'a', v: [1, 10] },
      { _id: 'b', v: [5] },
      { _id: 'c', v: 7 },
    ];
    expect(order(docs, { v: 1 })).to.deep.equal(['a', 'b', 'c']);
    expect(order(docs, { v: -1 })).to.deep.equal(['a', 'c', 'b']);
  });

  it('puts an empty array before a missing field ascending and after it descending', () => {
    // MongoDB's documented example (DOCS-2760): {a: []}, {}, {a: [0, 1]}, {a: 1}, {a: [1]}.
    const docs = [
      { _id: 'one', a: 1 },
      { _id: 'arr1', a: [1] },
      { _id: 'missing' },
      { _id: 'arr01', a: [0, 1] },
      { _id: 'empty', a: [] },
    ];
    expect(order(docs, { a: 1 })).to.deep.equal(['empty', 'missing', 'arr01', 'one', 'arr1']);
    expect(order(docs, { a: -1 })).to.deep.equal(['one', 'arr1', 'arr01', 'missing', 'empty']);
  });

  it('sorts by several keys and dotted paths, keeping input order for ties', () => {
    const docs = [
      { _id: 1, g: 'x', s: { n: 2 } },
      { _id: 2, g: 'y', s: { n: 1 } },
      { _id: 3, g: 'x', s: { n: 3 } },
      { _id: 4, g: 'x', s: { n: 3 } },
    ];
    expect(order(docs, { g: 1, 's.n': -1 })).to.deep.equal([3, 4, 1, 2]);
  });

  it('refuses a direction other than 1 or -1', () => {
    expect(() => compileSort({ a: 2 })).to.throw(
      MongoCommandError,
      'must be 1 (for ascending) or -1'
    );
  });
});
