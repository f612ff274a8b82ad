import { Binary, BSONRegExp, Decimal128, Int32, Long, ObjectId, Timestamp, UUID } from 'bson';
import { expect } from 'chai';
import { deepClone } from '../../src/query/index.js';

describe('query: deepClone', () => {
  it('keeps BSON classes and copies mutable values', () => {
    const src = {
      id: new ObjectId(),
      at: new Date(1000),
      n: new Int32(3),
      l: Long.fromString('9007199254740993'),
      d: Decimal128.fromString('1.5'),
      bin: new Binary(Buffer.from([1, 2])),
      uuid: new UUID(),
      re: new BSONRegExp('a', 'i'),
      ts: new Timestamp({ t: 5, i: 1 }),
      nested: { list: [1, { x: 'y' }] },
    };
    const copy = deepClone(src);
    expect(copy).to.not.equal(src);
    expect(copy.id).to.be.instanceOf(ObjectId);
    expect(copy.id.equals(src.id)).to.equal(true);
    expect(copy.at).to.be.instanceOf(Date).and.not.equal(src.at);
    expect(copy.at.getTime()).to.equal(1000);
    expect(copy.l.toString()).to.equal('9007199254740993');
    expect(copy.d.toString()).to.equal('1.5');
    expect(copy.uuid).to.be.instanceOf(UUID);
    expect(copy.bin.buffer).to.not.equal(src.bin.buffer);
    expect(copy.ts.t).to.equal(5);
    copy.nested.list.push(2);
    (copy.nested.list[1] as { x: string }).x = 'z';
    expect(src.nested.list).to.deep.equal([1, { x: 'y' }]);
  });
});
