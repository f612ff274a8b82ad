import { expect } from 'chai';
import { getPathValues, upsertSeed } from '../../src/query/index.js';

describe('query: upsertSeed', () => {
  it('takes equality fields, $eq and $and branches, nesting dotted paths, _id first', () => {
    expect(
      upsertSeed({ state: 'pending', _id: 5, 'a.b': 1, $and: [{ c: { $eq: 2 } }], d: { $gt: 1 } })
    ).to.deep.equal({
      _id: 5,
      state: 'pending',
      a: { b: 1 },
      c: 2,
    });
    expect(Object.keys(upsertSeed({ x: 1, _id: 2 }))).to.deep.equal(['_id', 'x']);
  });

  it('refuses a path matched twice with 54 NotSingleValueField', () => {
    expect(() => upsertSeed({ a: 1, $and: [{ a: 2 }] })).to.throw(
      "cannot infer query fields to set, path 'a' is matched twice"
    );
    expect(() => upsertSeed({ a: { b: 1 }, 'a.b': 1 })).to.throw('matched twice');
  });

  it('ignores operators, regexes and $or with several branches', () => {
    expect(upsertSeed({ a: { $in: [1, 2] }, b: /x/, $or: [{ c: 1 }, { c: 2 }] })).to.deep.equal({});
  });
});

describe('query: getPathValues', () => {
  it('returns index keys through arrays, a leaf array as its elements, nothing for a missing field', () => {
    const doc = { a: [{ b: 1 }, { b: [2, 3] }, { c: 1 }], e: [], f: { g: 'x' } };
    expect(getPathValues(doc, 'a.b')).to.deep.equal([1, 2, 3]);
    expect(getPathValues(doc, 'f.g')).to.deep.equal(['x']);
    expect(getPathValues(doc, 'e')).to.deep.equal([undefined]);
    expect(getPathValues(doc, 'zzz')).to.deep.equal([]);
  });
});
