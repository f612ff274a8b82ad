import { expect } from 'chai';
import {
  Binary,
  BSONRegExp,
  BSONSymbol,
  Code,
  Decimal128,
  Double,
  Int32,
  Long,
  MaxKey,
  MinKey,
  ObjectId,
  serialize,
  Timestamp,
  UUID,
  type Document,
} from 'bson';
import { fieldPicker, filterFields } from '../../src/engine/bson-fields.js';
import { Collection } from '../../src/engine/collection.js';
import { withDbPointer } from '../helpers/bson-db-pointer.js';

const every: Document = {
  _id: new ObjectId('65a000000000000000000001'),
  dbl: new Double(1.5),
  str: 'héllo ☃',
  doc: { a: 1, b: [1, 2] },
  arr: [1, 'x', { y: null }],
  bin: new Binary(Buffer.from([1, 2, 3]), 0),
  uuid: new UUID('0b6f0b6f-0000-4000-8000-000000000001'),
  oid: new ObjectId('65a000000000000000000002'),
  bool: true,
  date: new Date(Date.UTC(2026, 0, 2)),
  nul: null,
  re: new BSONRegExp('^a.c$', 'imsx'),
  code: new Code('function () {}'),
  sym: new BSONSymbol('sym'),
  codeScope: new Code('x', { x: 1 }),
  i32: new Int32(7),
  ts: new Timestamp({ t: 5, i: 6 }),
  i64: Long.fromString('9007199254740993'),
  dec: Decimal128.fromString('1.10'),
  min: new MinKey(),
  max: new MaxKey(),
  ключ: 'utf-8 name',
  last: 'end',
};

describe('embedded engine partial decoding of stored documents', () => {
  const coll = new Collection('db', 'fields', {});
  const stored = Buffer.from(serialize(every)).toString('latin1');
  const full = coll.decode(stored);

  it('cuts a document down to any of its fields, past every BSON type', () => {
    for (const name of Object.keys(every)) {
      const part = fieldPicker(new Set([name, 'absent']))(stored);
      expect(part, name).to.be.a('string');
      expect(coll.decode(part!), name).to.deep.equal({ [name]: full[name] });
    }
    const several = fieldPicker(new Set(['last', 'str', 'ключ']))(stored);
    expect(Object.keys(coll.decode(several!))).to.deep.equal(['str', 'ключ', 'last']);
    expect(coll.decode(fieldPicker(new Set(['nothing']))(stored)!)).to.deep.equal({});
  });

  it('walks past a DBPointer, which old data may hold though no driver writes it', () => {
    const oid = '65a000000000000000000003';
    const bytes = withDbPointer('ptr', 'db.other', oid, { after: 'found' });
    const part = fieldPicker(new Set(['after']))(bytes.toString('latin1'));
    expect(coll.decode(part!)).to.deep.equal({ after: 'found' });
  });

  it('gives up (undefined) on bytes it cannot walk instead of guessing', () => {
    const pick = fieldPicker(new Set(['last']));
    expect(pick(stored.slice(0, stored.length - 3) + '\0')).to.equal(undefined);
    const badType = stored.slice(0, 4) + '\u0042' + stored.slice(5);
    expect(pick(badType)).to.equal(undefined);
  });

  it('names the top-level fields a filter reads, or none when it may read any', () => {
    expect([
      ...filterFields({ 'a.b': 1, c: { $gt: 1 }, $or: [{ d: 1 }, { $and: [{ 'e.f': 2 }] }] })!,
    ]).to.deep.equal(['a', 'c', 'd', 'e']);
    expect(filterFields({ a: 1, $expr: { $eq: ['$a', '$b'] } })).to.equal(undefined);
    expect(filterFields({ $where: 'true' })).to.equal(undefined);
    expect(filterFields({ $or: 'bad' as never })).to.equal(undefined);
  });

  it('matches through the cut-down document exactly as through the whole one', () => {
    const c = new Collection('db', 'm', {});
    c.insert(every);
    c.insert({ _id: 2, str: 'other', doc: { a: 2 } });
    const hits = (f: Document): unknown[] => c.find(f).map((h) => h.doc._id);
    expect(hits({ 'doc.a': 1 })).to.deep.equal([every._id]);
    expect(hits({ str: { $regex: '^h' }, i64: { $gt: 5 } })).to.deep.equal([every._id]);
    const either = { $or: [{ 'doc.a': 2 }, { max: { $exists: true }, last: 'end' }] };
    expect(hits(either)).to.have.length(2);
    expect(hits({ nul: null, 'doc.b': 2 })).to.deep.equal([every._id]);
    expect(hits({ missing: { $exists: false }, _id: 2 })).to.deep.equal([2]);
    const found = c.find({ ключ: 'utf-8 name' });
    expect(found).to.have.length(1);
    expect(found[0].doc).to.deep.equal(full);
  });
});
