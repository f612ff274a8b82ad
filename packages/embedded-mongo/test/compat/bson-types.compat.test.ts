import { expect } from 'chai';
import {
  Binary,
  BSONRegExp,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
  UUID,
  type Document,
} from 'mongodb';
import { describeCompat } from './compat-harness.js';

describeCompat('BSON types and ordering', (target) => {
  it('round-trips every BSON type the product uses with its type intact', async () => {
    const coll = target().db.collection('types');
    const oid = new ObjectId();
    const when = new Date('2024-05-06T07:08:09.123Z');
    const doc = {
      _id: 'all',
      oid,
      when,
      i32: new Int32(42),
      i64: Long.fromString('9007199254740993'),
      dbl: new Double(1.5),
      dblWhole: new Double(2),
      dec: Decimal128.fromString('1234.5678901234567890'),
      bin: new Binary(Buffer.from([1, 2, 3, 255]), 0),
      uuid: new UUID('0b6e6f7e-1d2c-4b1a-9f3e-5a6b7c8d9e0f'),
      re: /ab+c/i,
      ts: new Timestamp({ t: 1700000000, i: 7 }),
      nil: null,
      bool: true,
      str: 'héllo ✓',
      arr: [1, 'two', { three: 3 }],
      obj: { nested: { deep: [new Date(0)] } },
      min: new MinKey(),
      max: new MaxKey(),
    };
    await coll.insertOne(doc as unknown as Document);
    const raw = await coll.findOne({ _id: 'all' } as Document, {
      promoteValues: false,
      promoteLongs: false,
      bsonRegExp: true,
    });
    expect(raw).to.not.equal(null);
    const got = raw as Document;
    expect((got.oid as ObjectId).equals(oid)).to.equal(true);
    expect((got.when as Date).toISOString()).to.equal(when.toISOString());
    expect(got.i32).to.be.instanceOf(Int32);
    expect((got.i32 as Int32).value).to.equal(42);
    expect(got.i64).to.be.instanceOf(Long);
    expect((got.i64 as Long).toString()).to.equal('9007199254740993');
    expect(got.dbl).to.be.instanceOf(Double);
    expect(got.dblWhole).to.be.instanceOf(Double);
    expect((got.dblWhole as Double).value).to.equal(2);
    expect((got.dec as Decimal128).toString()).to.equal('1234.5678901234567890');
    expect(Buffer.from((got.bin as Binary).buffer).equals(Buffer.from([1, 2, 3, 255]))).to.equal(
      true
    );
    expect((got.uuid as Binary).sub_type).to.equal(4);
    expect(got.re).to.be.instanceOf(BSONRegExp);
    expect([(got.re as BSONRegExp).pattern, (got.re as BSONRegExp).options]).to.deep.equal([
      'ab+c',
      'i',
    ]);
    expect((got.ts as Timestamp).equals(new Timestamp({ t: 1700000000, i: 7 }))).to.equal(true);
    expect(got.nil).to.equal(null);
    expect(got.str).to.equal('héllo ✓');
    expect((got.min as MinKey)._bsontype).to.equal('MinKey');
    expect((got.max as MaxKey)._bsontype).to.equal('MaxKey');

    const promoted = await coll.findOne({ _id: 'all' } as Document);
    expect(promoted?.i32).to.equal(42);
    expect(promoted?.dbl).to.equal(1.5);
    expect(promoted?.re).to.be.instanceOf(RegExp);
  });

  it('matches numbers across Int32, Long, Double and Decimal128', async () => {
    const coll = target().db.collection('numbers');
    await coll.insertMany([
      { _id: 'int', v: new Int32(5) },
      { _id: 'long', v: Long.fromNumber(5) },
      { _id: 'double', v: new Double(5) },
      { _id: 'dec', v: Decimal128.fromString('5.0') },
      { _id: 'frac', v: 5.5 },
      { _id: 'big', v: Long.fromString('9007199254740993') },
    ] as unknown as Document[]);
    const eq = (await coll.find({ v: 5 }).toArray()).map((d) => d._id).sort();
    expect(eq).to.deep.equal(['dec', 'double', 'int', 'long']);
    const eqDec = (await coll.find({ v: Decimal128.fromString('5') }).toArray())
      .map((d) => d._id)
      .sort();
    expect(eqDec).to.deep.equal(['dec', 'double', 'int', 'long']);
    const gt = (await coll.find({ v: { $gt: Long.fromNumber(5) } }).toArray())
      .map((d) => d._id)
      .sort();
    expect(gt).to.deep.equal(['big', 'frac']);
    const big = await coll.find({ v: { $gt: Long.fromString('9007199254740992') } }).toArray();
    expect(big.map((d) => d._id)).to.deep.equal(['big']);
    const sorted = await coll.find({}).sort({ v: -1, _id: 1 }).toArray();
    expect(sorted.map((d) => d._id).slice(0, 2)).to.deep.equal(['big', 'frac']);
  });

  it('sorts mixed types in MongoDB order: MinKey, null, numbers, strings, objects, arrays, ObjectId, booleans, dates, timestamps, regex, MaxKey', async () => {
    const coll = target().db.collection('mixed');
    const values: Array<[string, unknown]> = [
      ['max', new MaxKey()],
      ['regex', /x/],
      ['ts', new Timestamp({ t: 1, i: 1 })],
      ['date', new Date(0)],
      ['bool', false],
      ['oid', new ObjectId('000000000000000000000000')],
      ['bin', new Binary(Buffer.from([1]))],
      ['obj', { a: 1 }],
      ['str', 'a'],
      ['num', 1],
      ['null', null],
      ['min', new MinKey()],
    ];
    await coll.insertMany(values.map(([_id, v]) => ({ _id, v })) as unknown as Document[]);
    const asc = (await coll.find({}).sort({ v: 1 }).toArray()).map((d) => d._id);
    expect(asc).to.deep.equal([
      'min',
      'null',
      'num',
      'str',
      'obj',
      'bin',
      'oid',
      'bool',
      'date',
      'ts',
      'regex',
      'max',
    ]);
  });

  it('sorts arrays by their smallest element ascending and largest descending', async () => {
    const coll = target().db.collection('arrsort');
    await coll.insertMany([
      { _id: 'a', v: [5, 1] },
      { _id: 'b', v: 3 },
      { _id: 'c', v: [2, 9] },
    ] as unknown as Document[]);
    expect((await coll.find({}).sort({ v: 1 }).toArray()).map((d) => d._id)).to.deep.equal([
      'a',
      'c',
      'b',
    ]);
    expect((await coll.find({}).sort({ v: -1 }).toArray()).map((d) => d._id)).to.deep.equal([
      'c',
      'a',
      'b',
    ]);
  });

  it('matches null against missing fields and $exists and $type precisely', async () => {
    const coll = target().db.collection('nulls');
    await coll.insertMany([
      { _id: 1, a: null },
      { _id: 2 },
      { _id: 3, a: 0 },
      { _id: 4, a: 'x' },
    ] as unknown as Document[]);
    expect((await coll.find({ a: null }).toArray()).map((d) => d._id)).to.deep.equal([1, 2]);
    expect((await coll.find({ a: { $exists: false } }).toArray()).map((d) => d._id)).to.deep.equal([
      2,
    ]);
    expect((await coll.find({ a: { $type: 'string' } }).toArray()).map((d) => d._id)).to.deep.equal(
      [4]
    );
    expect((await coll.find({ a: { $type: 'number' } }).toArray()).map((d) => d._id)).to.deep.equal(
      [3]
    );
  });
});
