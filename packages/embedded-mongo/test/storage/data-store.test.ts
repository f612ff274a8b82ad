import { expect } from 'chai';
import {
  BSON,
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
} from 'bson';
import type { CollectionState } from '../../src/storage/data-store.js';
import { byNs, openStore, removeDirs, tempDir } from './storage-helpers.js';

async function reopen(dir: string): Promise<CollectionState[]> {
  const store = await openStore(dir);
  try {
    return store.takeRecovered();
  } finally {
    await store.close();
  }
}

describe('DataStore: journal round trip', () => {
  afterEach(removeDirs);

  it('starts empty in a new folder and creates it if missing', async () => {
    const dir = tempDir() + '/nested/data';
    expect(await reopen(dir)).to.deep.equal([]);
  });

  it('replays every op type in order after a restart', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const idSpec = { v: 2, key: { _id: 1 }, name: '_id_' };
    const emailSpec = { v: 2, key: { email: 1 }, name: 'email_1', unique: true };
    await store.commit([
      { op: 'createCollection', ns: 'app.users', options: { validator: { a: 1 } } },
      { op: 'createIndex', ns: 'app.users', spec: idSpec },
      { op: 'createIndex', ns: 'app.users', spec: emailSpec },
      { op: 'createIndex', ns: 'app.users', spec: { v: 2, key: { n: 1 }, name: 'n_1' } },
    ]);
    await Promise.all([
      store.commit([{ op: 'put', ns: 'app.users', doc: { _id: 1, email: 'a', n: 1 } }]),
      store.commit([{ op: 'put', ns: 'app.users', doc: { _id: 2, email: 'b', n: 2 } }]),
      store.commit([{ op: 'put', ns: 'app.users', doc: { _id: 3, email: 'c', n: 3 } }]),
    ]);
    await store.commit([
      { op: 'put', ns: 'app.users', doc: { _id: 2, email: 'b2', n: 20 } },
      { op: 'del', ns: 'app.users', id: 3 },
      { op: 'dropIndex', ns: 'app.users', name: 'n_1' },
    ]);
    await store.commit([{ op: 'put', ns: 'app.gone', doc: { _id: 'x' } }]);
    await store.commit([{ op: 'dropCollection', ns: 'app.gone' }]);
    await store.commit([{ op: 'put', ns: 'other.a', doc: { _id: 'y' } }]);
    await store.commit([{ op: 'put', ns: 'other.b', doc: { _id: 'z' } }]);
    await store.commit([{ op: 'dropDatabase', db: 'other' }]);
    await store.commit([{ op: 'put', ns: 'otherdb.c', doc: { _id: 'kept' } }]);
    await store.close();

    const state = await reopen(dir);
    const users = state.find((c) => c.ns === 'app.users')!;
    expect(users.options).to.deep.equal({ validator: { a: 1 } });
    expect(users.indexes).to.deep.equal([idSpec, emailSpec]);
    expect(byNs(state)).to.deep.equal({
      'app.users': {
        n1: { _id: 1, email: 'a', n: 1 },
        n2: { _id: 2, email: 'b2', n: 20 },
      },
      'otherdb.c': { skept: { _id: 'kept' } },
    });
  });

  it('keeps every BSON type byte for byte', async () => {
    const dir = tempDir();
    const doc = {
      _id: new ObjectId(),
      int: new Int32(7),
      plainInt: 42,
      double: 1.5,
      wholeDouble: new Double(5),
      negZero: new Double(-0),
      long: Long.fromString('9007199254740993'),
      smallLong: Long.fromNumber(3),
      decimal: Decimal128.fromString('1234.5600'),
      date: new Date('2026-01-02T03:04:05.678Z'),
      bin: new Binary(Buffer.from([0, 1, 2, 255]), 0),
      uuid: new UUID(),
      regex: /^ab+c$/im,
      bsonRegex: new BSONRegExp('a.b', 'isx'),
      ts: new Timestamp({ t: 1700000000, i: 3 }),
      nil: null,
      min: new MinKey(),
      max: new MaxKey(),
      nested: { arr: [1, 'two', { three: new Double(3) }, [new Int32(4)]] },
      'dotted.key': true,
    };
    const store = await openStore(dir);
    await store.commit([{ op: 'put', ns: 'db.types', doc }]);
    await store.close();

    const [types] = await reopen(dir);
    const back = types.docs[0];
    expect(Buffer.from(BSON.serialize(back))).to.deep.equal(Buffer.from(BSON.serialize(doc)));
    expect(back._id).to.be.instanceOf(ObjectId);
    expect(back.long).to.be.instanceOf(Long);
    expect(back.decimal).to.be.instanceOf(Decimal128);
    expect(back.ts).to.be.instanceOf(Timestamp);
    expect(back.date).to.be.instanceOf(Date);
    expect(back.bin).to.be.instanceOf(Binary);
    expect(back.regex).to.be.instanceOf(RegExp);
    // Plain JS numbers for int32 and fractional doubles, as the engine holds them.
    expect(back.int).to.equal(7);
    expect(back.double).to.equal(1.5);
  });

  it('treats ObjectId and its hex string as different _ids, and 1/Int32(1)/Long(1) as one', async () => {
    const dir = tempDir();
    const oid = new ObjectId();
    const store = await openStore(dir);
    await store.commit([
      { op: 'put', ns: 'db.ids', doc: { _id: oid, kind: 'oid' } },
      { op: 'put', ns: 'db.ids', doc: { _id: oid.toHexString(), kind: 'string' } },
      { op: 'put', ns: 'db.ids', doc: { _id: 1, kind: 'number' } },
      { op: 'put', ns: 'db.ids', doc: { _id: new Int32(1), kind: 'int32' } },
      { op: 'put', ns: 'db.ids', doc: { _id: Long.fromNumber(1), kind: 'long' } },
      { op: 'put', ns: 'db.ids', doc: { _id: '1', kind: 'string one' } },
      { op: 'put', ns: 'db.ids', doc: { _id: { a: 1, b: 2 }, kind: 'doc' } },
      { op: 'put', ns: 'db.ids', doc: { _id: { b: 2, a: 1 }, kind: 'doc reordered' } },
      { op: 'del', ns: 'db.ids', id: new Double(1) },
    ]);
    await store.close();

    const [ids] = await reopen(dir);
    expect(ids.docs.map((d) => d.kind).sort()).to.deep.equal([
      'doc',
      'doc reordered',
      'oid',
      'string',
      'string one',
    ]);
  });

  it('returns recovered state once', async () => {
    const dir = tempDir();
    let store = await openStore(dir);
    await store.commit([{ op: 'put', ns: 'db.c', doc: { _id: 1 } }]);
    await store.close();
    store = await openStore(dir);
    expect(store.takeRecovered()).to.have.length(1);
    expect(store.takeRecovered()).to.deep.equal([]);
    await store.close();
  });

  it('refuses commits after close', async () => {
    const store = await openStore(tempDir());
    await store.close();
    let error: Error | undefined;
    await store
      .commit([{ op: 'put', ns: 'db.c', doc: { _id: 1 } }])
      .catch((e: Error) => (error = e));
    expect(error?.message).to.match(/closed/);
  });
});
