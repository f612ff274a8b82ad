import { Decimal128, Long, ObjectId, type Document } from 'bson';
import { expect } from 'chai';
import { MongoCommandError } from '../../src/errors.js';
import { runPipeline, type PipelineContext } from '../../src/query/index.js';

function ctxWith(collections: Record<string, Document[]> = {}): PipelineContext {
  return { collection: (name) => collections[name] ?? [] };
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

describe('query: runPipeline stages', () => {
  const orders: Document[] = [
    { _id: 1, cust: 'a', qty: 2, price: 10, tags: ['x', 'y'] },
    { _id: 2, cust: 'b', qty: 1, price: 5, tags: [] },
    { _id: 3, cust: 'a', qty: 5, price: 1 },
    { _id: 4, cust: 'c', qty: 1, price: 7, tags: ['x'] },
  ];

  it('filters, reshapes, sorts and pages', () => {
    const out = runPipeline(
      orders,
      [
        { $match: { qty: { $gte: 1 } } },
        { $addFields: { total: { $multiply: ['$qty', '$price'] } } },
        { $project: { _id: 0, cust: 1, total: 1 } },
        { $sort: { total: -1, cust: 1 } },
        { $skip: 1 },
        { $limit: 2 },
      ],
      ctxWith()
    );
    expect(out).to.deep.equal([
      { cust: 'c', total: 7 },
      { cust: 'a', total: 5 },
    ]);
  });

  it('groups with the common accumulators', () => {
    const out = runPipeline(
      orders,
      [
        {
          $group: {
            _id: '$cust',
            n: { $sum: 1 },
            qty: { $sum: '$qty' },
            avg: { $avg: '$price' },
            min: { $min: '$price' },
            max: { $max: '$price' },
            first: { $first: '$_id' },
            last: { $last: '$_id' },
            ids: { $push: '$_id' },
            tagSets: { $addToSet: '$cust' },
            c: { $count: {} },
          },
        },
        { $sort: { _id: 1 } },
      ],
      ctxWith()
    );
    expect(out[0]).to.deep.equal({
      _id: 'a',
      n: 2,
      qty: 7,
      avg: 5.5,
      min: 1,
      max: 10,
      first: 1,
      last: 3,
      ids: [1, 3],
      tagSets: ['a'],
      c: 2,
    });
    expect(out.map((d) => d._id)).to.deep.equal(['a', 'b', 'c']);
  });

  it('sums longs exactly and groups equal numbers of different types together', () => {
    const rows = [
      { _id: 1, k: 1, v: Long.fromString('9007199254740993') },
      { _id: 2, k: Decimal128.fromString('1.0'), v: Long.fromNumber(1) },
    ];
    const out = runPipeline(rows, [{ $group: { _id: '$k', s: { $sum: '$v' } } }], ctxWith());
    expect(out).to.have.length(1);
    expect(String(out[0]?.s)).to.equal('9007199254740994');
  });

  it('unwinds arrays with includeArrayIndex and preserveNullAndEmptyArrays', () => {
    expect(
      runPipeline(orders, [{ $unwind: '$tags' }, { $project: { tags: 1 } }], ctxWith())
    ).to.deep.equal([
      { _id: 1, tags: 'x' },
      { _id: 1, tags: 'y' },
      { _id: 4, tags: 'x' },
    ]);
    const kept = runPipeline(
      orders,
      [
        { $unwind: { path: '$tags', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true } },
        { $project: { tags: 1, i: 1 } },
      ],
      ctxWith()
    );
    expect(kept).to.deep.equal([
      { _id: 1, tags: 'x', i: 0 },
      { _id: 1, tags: 'y', i: 1 },
      { _id: 2, i: null },
      { _id: 3, i: null },
      { _id: 4, tags: 'x', i: 0 },
    ]);
  });

  it('joins with $lookup by fields and by pipeline with let', () => {
    const customers = [
      { _id: 'a', name: 'Alpha' },
      { _id: 'b', name: 'Beta' },
    ];
    const byField = runPipeline(
      orders.slice(0, 2),
      [
        { $lookup: { from: 'customers', localField: 'cust', foreignField: '_id', as: 'c' } },
        { $project: { c: 1 } },
      ],
      ctxWith({ customers })
    );
    expect(byField).to.deep.equal([
      { _id: 1, c: [{ _id: 'a', name: 'Alpha' }] },
      { _id: 2, c: [{ _id: 'b', name: 'Beta' }] },
    ]);
    const byPipeline = runPipeline(
      orders.slice(0, 1),
      [
        {
          $lookup: {
            from: 'customers',
            let: { who: '$cust' },
            pipeline: [
              { $match: { $expr: { $eq: ['$_id', '$$who'] } } },
              { $project: { _id: 0, name: 1 } },
            ],
            as: 'c',
          },
        },
        { $project: { c: 1 } },
      ],
      ctxWith({ customers })
    );
    expect(byPipeline).to.deep.equal([{ _id: 1, c: [{ name: 'Alpha' }] }]);
  });

  it('counts, facets, sorts by count and replaces the root', () => {
    expect(
      runPipeline(orders, [{ $match: { cust: 'a' } }, { $count: 'n' }], ctxWith())
    ).to.deep.equal([{ n: 2 }]);
    expect(
      runPipeline(orders, [{ $match: { cust: 'z' } }, { $count: 'n' }], ctxWith())
    ).to.deep.equal([]);
    const facet = runPipeline(
      orders,
      [{ $facet: { total: [{ $count: 'n' }], top: [{ $sortByCount: '$cust' }, { $limit: 1 }] } }],
      ctxWith()
    );
    expect(facet).to.deep.equal([{ total: [{ n: 4 }], top: [{ _id: 'a', count: 2 }] }]);
    const roots = runPipeline(
      [{ _id: 1, inner: { a: 1 } }],
      [{ $replaceRoot: { newRoot: '$inner' } }],
      ctxWith()
    );
    expect(roots).to.deep.equal([{ a: 1 }]);
  });

  it('keeps BSON classes through stages', () => {
    const id = new ObjectId();
    const out = runPipeline(
      [{ _id: id, at: new Date(5), n: Long.fromString('9007199254740993') }],
      [{ $project: { at: 1, n: 1 } }],
      ctxWith()
    );
    expect(out[0]?._id).to.be.instanceOf(ObjectId);
    expect(out[0]?.at).to.be.instanceOf(Date);
    expect(String(out[0]?.n)).to.equal('9007199254740993');
  });
});

describe('query: runPipeline expressions', () => {
  it('evaluates arithmetic, conditional, string, array, date and conversion operators', () => {
    const [out] = runPipeline(
      [
        {
          _id: 1,
          a: 7,
          b: 2,
          s: 'Hello',
          arr: [1, 2, 3],
          at: new Date('2024-03-05T10:00:00Z'),
          n: null,
        },
      ],
      [
        {
          $project: {
            _id: 0,
            sum: { $add: ['$a', '$b'] },
            div: { $divide: ['$a', '$b'] },
            cond: { $cond: [{ $gt: ['$a', 5] }, 'big', 'small'] },
            ifNull: { $ifNull: ['$n', 'dflt'] },
            sw: {
              $switch: { branches: [{ case: { $eq: ['$b', 2] }, then: 'two' }], default: 'other' },
            },
            upper: { $toUpper: '$s' },
            concat: { $concat: ['$s', '!'] },
            size: { $size: '$arr' },
            filtered: { $filter: { input: '$arr', as: 'x', cond: { $gte: ['$$x', 2] } } },
            mapped: { $map: { input: '$arr', in: { $multiply: ['$$this', 10] } } },
            has2: { $in: [2, '$arr'] },
            second: { $arrayElemAt: ['$arr', 1] },
            year: { $year: '$at' },
            month: { $month: '$at' },
            str: { $toString: '$a' },
            int: { $toInt: '7' },
          },
        },
      ],
      ctxWith()
    );
    expect(out).to.deep.equal({
      sum: 9,
      div: 3.5,
      cond: 'big',
      ifNull: 'dflt',
      sw: 'two',
      upper: 'HELLO',
      concat: 'Hello!',
      size: 3,
      filtered: [2, 3],
      mapped: [10, 20, 30],
      has2: true,
      second: 2,
      year: 2024,
      month: 3,
      str: '7',
      int: 7,
    });
  });

  it('compares across types in expressions by BSON order and handles longs', () => {
    const [out] = runPipeline(
      [{ _id: 1, l: Long.fromString('9007199254740993'), s: 'x' }],
      [
        {
          $project: {
            _id: 0,
            gt: { $gt: ['$l', 9007199254740992] },
            strAboveNum: { $gt: ['$s', 1] },
            t: { $type: '$l' },
          },
        },
      ],
      ctxWith()
    );
    expect(out).to.deep.equal({ gt: true, strAboveNum: true, t: 'long' });
  });
});

describe('query: runPipeline refusals', () => {
  it('refuses server-side JavaScript', () => {
    expect(
      errorOf(() =>
        runPipeline([{ _id: 1 }], [{ $group: { _id: null, x: { $accumulator: {} } } }], ctxWith())
      ).code
    ).to.equal(31264);
    expect(
      errorOf(() =>
        runPipeline(
          [{ _id: 1 }],
          [{ $project: { x: { $function: { body: 'x', args: [], lang: 'js' } } } }],
          ctxWith()
        )
      ).code
    ).to.equal(31264);
    const where = errorOf(() =>
      runPipeline([{ _id: 1 }], [{ $match: { $where: 'true' } }], ctxWith())
    );
    expect([where.code, where.message]).to.deep.equal([2, '$where is not allowed in this context']);
  });

  it('refuses change streams, $out/$merge and unknown stages', () => {
    expect(errorOf(() => runPipeline([], [{ $changeStream: {} }], ctxWith())).code).to.equal(40573);
    expect(errorOf(() => runPipeline([], [{ $out: 'x' }], ctxWith())).codeName).to.equal(
      'NotImplemented'
    );
    expect(
      errorOf(() => runPipeline([], [{ $merge: { into: 'x' } }], ctxWith())).codeName
    ).to.equal('NotImplemented');
    const unknown = errorOf(() => runPipeline([], [{ $foo: {} }], ctxWith()));
    expect([unknown.code, unknown.message]).to.deep.equal([
      40324,
      "Unrecognized pipeline stage name: '$foo'",
    ]);
  });
});
