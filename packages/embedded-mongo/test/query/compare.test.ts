import {
  Binary,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  Timestamp,
  BSONRegExp,
} from 'bson';
import { expect } from 'chai';
import { compareValues, indexKey, valuesEqual } from '../../src/query/index.js';

describe('query: compareValues', () => {
  it('orders values of different types by MongoDB comparison order', () => {
    // Documented order: MinKey, Null, Numbers, Symbol/String, Object, Array, BinData, ObjectId,
    // Boolean, Date, Timestamp, Regular Expression, MaxKey.
    const ordered = [
      new MinKey(),
      null,
      -5,
      'abc',
      { a: 1 },
      [1],
      new Binary(Buffer.from([1])),
      new ObjectId('000000000000000000000001'),
      false,
      new Date(0),
      new Timestamp({ t: 1, i: 0 }),
      /x/,
      new MaxKey(),
    ];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        const expected = Math.sign(i - j);
        expect(compareValues(ordered[i], ordered[j]), `${i} vs ${j}`).to.equal(expected);
      }
    }
  });

  it('compares numbers by value across int, long, double and decimal', () => {
    expect(compareValues(new Int32(3), 2.5)).to.equal(1);
    expect(compareValues(Long.fromNumber(2), new Double(2))).to.equal(0);
    expect(compareValues(Decimal128.fromString('2.50'), 2.5)).to.equal(0);
    expect(compareValues(Decimal128.fromString('0.1'), 0.2)).to.equal(-1);
    expect(compareValues(Decimal128.fromString('-Infinity'), -1e308)).to.equal(-1);
  });

  it('compares longs exactly beyond 2^53', () => {
    const a = Long.fromString('9007199254740993');
    const b = Long.fromString('9007199254740992');
    expect(compareValues(a, b)).to.equal(1);
    expect(compareValues(a, 9007199254740992)).to.equal(1);
    expect(compareValues(Decimal128.fromString('9007199254740993'), a)).to.equal(0);
  });

  it('orders NaN below every other number and equal to itself', () => {
    expect(compareValues(NaN, -Infinity)).to.equal(-1);
    expect(compareValues(NaN, Decimal128.fromString('NaN'))).to.equal(0);
  });

  it('compares strings by binary code point, not by UTF-16 unit', () => {
    expect(compareValues('B', 'a')).to.equal(-1);
    // U+1F600 (surrogate pair in UTF-16) is above U+FF5E in code point order.
    expect(compareValues('\u{1F600}', '\uFF5E')).to.equal(1);
  });

  it('compares objects field by field and arrays element by element', () => {
    expect(compareValues({ a: 1, b: 2 }, { a: 1, b: 3 })).to.equal(-1);
    expect(compareValues({ a: 1 }, { a: 1, b: 0 })).to.equal(-1);
    expect(compareValues({ a: 1 }, { b: 1 })).to.equal(-1);
    expect(compareValues([1, 2], [1, 2, 0])).to.equal(-1);
    expect(compareValues([2], [1, 9])).to.equal(1);
  });

  it('compares binary data by length, then subtype, then bytes', () => {
    const short = new Binary(Buffer.from([9]), 0);
    const long = new Binary(Buffer.from([0, 0]), 0);
    expect(compareValues(short, long)).to.equal(-1);
    expect(
      compareValues(new Binary(Buffer.from([1]), 0), new Binary(Buffer.from([0]), 4))
    ).to.equal(-1);
    expect(
      compareValues(new Binary(Buffer.from([1]), 0), new Binary(Buffer.from([2]), 0))
    ).to.equal(-1);
  });

  it('compares ObjectIds by bytes, dates by time and booleans false < true', () => {
    expect(
      compareValues(
        new ObjectId('65a000000000000000000000'),
        new ObjectId('64ffffffffffffffffffffff')
      )
    ).to.equal(1);
    expect(compareValues(new Date(5), new Date(6))).to.equal(-1);
    expect(compareValues(true, false)).to.equal(1);
    expect(compareValues(new BSONRegExp('a', 'i'), /a/i)).to.equal(0);
  });
});

describe('query: valuesEqual and indexKey', () => {
  it('treats 1, 1.0, Int32(1), Long(1) and Decimal128("1") as equal with one index key', () => {
    const ones = [
      1,
      new Double(1),
      new Int32(1),
      Long.fromNumber(1),
      Decimal128.fromString('1'),
      Decimal128.fromString('1.000'),
    ];
    const keys = new Set(ones.map(indexKey));
    expect(keys.size).to.equal(1);
    for (const v of ones) expect(valuesEqual(v, 1)).to.equal(true);
  });

  it('gives equal fractional numbers one key across double and decimal', () => {
    expect(indexKey(0.5)).to.equal(indexKey(Decimal128.fromString('0.50')));
    expect(indexKey(0.1)).to.not.equal(indexKey(Decimal128.fromString('0.1')));
    expect(indexKey(2 ** 60)).to.equal(indexKey(Long.fromString('1152921504606846976')));
  });

  it('gives values of different types different keys', () => {
    const values = [
      null,
      1,
      '1',
      { a: 1 },
      [1],
      true,
      new Date(1),
      new ObjectId('000000000000000000000001'),
      /1/,
    ];
    expect(new Set(values.map(indexKey)).size).to.equal(values.length);
    expect(indexKey({ a: 1, b: 2 })).to.not.equal(indexKey({ b: 2, a: 1 }));
  });

  it('compares ObjectIds and dates by value, not by identity', () => {
    expect(
      valuesEqual(
        new ObjectId('65a000000000000000000001'),
        new ObjectId('65a000000000000000000001')
      )
    ).to.equal(true);
    expect(valuesEqual(new Date(10), new Date(10))).to.equal(true);
    expect(valuesEqual({ a: [1, { b: Long.fromNumber(2) }] }, { a: [1, { b: 2 }] })).to.equal(true);
  });
});
