import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expect } from 'chai';
import {
  Binary,
  BSON,
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
  Timestamp,
  UUID,
} from 'bson';
import { dump } from '../../ops/dump.js';
import { DumpFormatError } from '../../ops/format.js';
import { restore } from '../../ops/restore.js';
import { tempDir, testServer, type TestServer } from './helpers.js';

/** One document holding every BSON type the Node.js driver can write (all but 0x06 and 0x0C). */
function everyType() {
  return {
    _id: new ObjectId('65a1b2c3d4e5f60718293a4b'),
    double: new Double(1.5),
    doubleWhole: new Double(2),
    negZero: new Double(-0),
    nan: new Double(NaN),
    inf: new Double(Infinity),
    string: 'héllo \u0000 world ✓',
    object: { nested: { deep: new Int32(1) } },
    array: [new Int32(1), 'two', [new Int32(3)], {}],
    binGeneric: new Binary(Buffer.from([1, 2, 3]), 0),
    binFunction: new Binary(Buffer.from([4]), 1),
    binOld: new Binary(Buffer.from([0, 0, 0, 1, 9]), 2),
    binUuidOld: new Binary(Buffer.alloc(16, 7), 3),
    uuid: new UUID('0f8fad5b-d9cb-469f-a165-70867728950e').toBinary(),
    md5: new Binary(Buffer.alloc(16, 5), 5),
    encrypted: new Binary(Buffer.from([6, 6]), 6),
    column: new Binary(Buffer.from([7]), 7),
    sensitive: new Binary(Buffer.from([8]), 8),
    user: new Binary(Buffer.from([0x80]), 0x80),
    oid: new ObjectId('000000000000000000000001'),
    yes: true,
    no: false,
    date: new Date('2024-02-29T12:34:56.789Z'),
    beforeEpoch: new Date(-1),
    nothing: null,
    regex: new BSONRegExp('^a.b$', 'imsx'),
    code: new Code('function () { return 1; }'),
    symbol: new BSONSymbol('sym'),
    codeWithScope: new Code('x + y', { y: new Int32(2) }),
    int32: new Int32(-2147483648),
    timestamp: new Timestamp({ t: 1700000000, i: 7 }),
    int64: Long.fromString('9223372036854775807'),
    decimal: Decimal128.fromString('-1234567890.1234567890123456789E-100'),
    min: new MinKey(),
    max: new MaxKey(),
    'dotted.key': 1,
    $dollar: 'field',
  };
}

/** The kinds of index the embedded server keeps (text, geo and wildcard it refuses, code 238). */
async function createEveryIndexKind(s: TestServer): Promise<void> {
  const db = s.client.db('app');
  await db.createCollection('kinds', {
    validator: { $jsonSchema: { bsonType: 'object', required: ['a'] } },
    validationLevel: 'moderate',
    collation: { locale: 'en', strength: 2 },
  });
  const c = db.collection<any>('kinds');
  await c.createIndex({ a: 1 }, { name: 'single' });
  await c.createIndex({ a: 1, b: -1 }, { name: 'compound' });
  await c.createIndex({ u: 1 }, { unique: true, name: 'unique' });
  await c.createIndex({ s: 1 }, { sparse: true, name: 'sparse' });
  await c.createIndex({ p: 1 }, { partialFilterExpression: { p: { $gt: 5 } }, name: 'partial' });
  await c.createIndex({ at: 1 }, { expireAfterSeconds: 3600, name: 'ttl' });
  await c.createIndex({ n: 1 }, { collation: { locale: 'ru' }, name: 'collated' });
  await c.createIndex({ 'x.y': -1 }, { name: 'dotted' });
  await c.insertMany([
    { a: 'A', b: 1, u: 1, p: 10, at: new Date('2100-01-01'), n: 'ё' },
    { a: 'b', b: 2, u: 2, s: 'here', x: { y: 3 } },
  ]);
  await db.createCollection('kinds_view', { viewOn: 'kinds', pipeline: [{ $match: { b: 2 } }] });
}

function readDumped(dir: string, file: string): Buffer {
  return fs.readFileSync(path.join(dir, file));
}

function withoutUuid(json: string): unknown {
  const { uuid: _uuid, ...rest } = JSON.parse(json);
  return rest;
}

describe('npm run db -- dump / restore (mongodump folder format)', function () {
  this.timeout(60_000);
  let a: TestServer;
  let b: TestServer;
  const dirs: string[] = [];
  beforeEach(async () => {
    a = await testServer();
    b = await testServer();
  });
  afterEach(async () => {
    await a.done();
    await b.done();
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  const out = (name: string) => {
    const d = tempDir(`ops-${name}-`);
    dirs.push(d);
    return d;
  };

  it('round-trips every BSON type and every index kind byte for byte (dump, restore, dump again)', async () => {
    await a.client.db('app').collection<any>('types').insertOne(everyType());
    await createEveryIndexKind(a);
    const first = out('first');
    await dump(a.client, first);
    await restore(b.client, first);
    const second = out('second');
    await dump(b.client, second);
    for (const f of ['types.bson', 'kinds.bson']) {
      expect(readDumped(second, `app/${f}`).equals(readDumped(first, `app/${f}`)), f).to.equal(
        true
      );
    }
    expect(fs.existsSync(path.join(first, 'app/kinds_view.bson'))).to.equal(false);
    for (const f of ['types', 'kinds', 'kinds_view']) {
      const m1 = readDumped(first, `app/${f}.metadata.json`).toString();
      const m2 = readDumped(second, `app/${f}.metadata.json`).toString();
      expect(withoutUuid(m2), f).to.deep.equal(withoutUuid(m1));
    }
    // The document's own bytes are those the driver wrote: nothing lost on the way out or back.
    const raw = readDumped(first, 'app/types.bson');
    expect(raw.equals(Buffer.from(BSON.serialize(everyType())))).to.equal(true);
    const names = (await b.client.db('app').collection<any>('kinds').indexes()).map((i) => i.name);
    expect(names).to.have.members([
      '_id_',
      'single',
      'compound',
      'unique',
      'sparse',
      'partial',
      'ttl',
      'collated',
      'dotted',
    ]);
    // The restored unique index is enforced.
    let dup: unknown;
    await b.client
      .db('app')
      .collection<any>('kinds')
      .insertOne({ a: 'z', u: 1 })
      .catch((e) => (dup = e));
    expect((dup as { code?: number })?.code).to.equal(11000);
    const view = await b.client.db('app').collection<any>('kinds_view').find().toArray();
    expect(view.map((d) => d.b)).to.deep.equal([2]);
  });

  it('writes the files exactly as mongodump documents them', async () => {
    const db = a.client.db('shop');
    await db.collection<any>('c').insertOne({ _id: new Int32(1) as unknown as number, a: 'x' });
    await db.collection<any>('c').createIndex({ a: -1 }, { unique: true, name: 'a_-1' });
    await db.createCollection('v', { viewOn: 'c', pipeline: [{ $project: { a: 1 } }] });
    const d = out('format');
    const summary = await dump(a.client, d);
    expect(summary.consistency).to.equal('single-read');
    // The BSON spec's bytes for { _id: int32 1, a: "x" }: length, 0x10 int32, 0x02 string.
    const expected = Buffer.from([
      0x17, 0, 0, 0, 0x10, 0x5f, 0x69, 0x64, 0, 1, 0, 0, 0, 0x02, 0x61, 0, 2, 0, 0, 0, 0x78, 0, 0,
    ]);
    expect(readDumped(d, 'shop/c.bson')).to.deep.equal(expected);
    const meta = readDumped(d, 'shop/c.metadata.json').toString();
    const uuid = /"uuid":"([0-9a-f]{32})"/.exec(meta)?.[1];
    expect(uuid, meta).to.be.a('string');
    // mongodump's Metadata struct order: options (omitted when empty), indexes, uuid,
    // collectionName, type; canonical Extended JSON, compact.
    expect(meta).to.equal(
      '{"indexes":[{"v":{"$numberInt":"2"},"key":{"_id":{"$numberInt":"1"}},"name":"_id_"},' +
        '{"v":{"$numberInt":"2"},"key":{"a":{"$numberInt":"-1"}},"name":"a_-1","unique":true}],' +
        `"uuid":"${uuid}","collectionName":"c","type":"collection"}`
    );
    expect(readDumped(d, 'shop/v.metadata.json').toString()).to.equal(
      '{"options":{"viewOn":"c","pipeline":[{"$project":{"a":{"$numberInt":"1"}}}]},' +
        '"indexes":[],"collectionName":"v","type":"view"}'
    );
    const gz = out('gzip');
    await dump(a.client, gz, { gzip: true });
    expect(gunzipSync(readDumped(gz, 'shop/c.bson.gz'))).to.deep.equal(expected);
    expect(gunzipSync(readDumped(gz, 'shop/c.metadata.json.gz')).toString()).to.equal(meta);
    await restore(b.client, gz);
    expect(await b.client.db('shop').collection<any>('c').findOne()).to.deep.equal({
      _id: 1,
      a: 'x',
    });
  });

  it('restores a folder written by mongodump (options before indexes, a legacy index "ns")', async () => {
    const d = out('mongodump');
    fs.mkdirSync(path.join(d, 'legacy'));
    fs.writeFileSync(
      path.join(d, 'legacy/people.metadata.json'),
      '{"options":{"collation":{"locale":"en","strength":{"$numberInt":"2"}}},"indexes":[' +
        '{"v":{"$numberInt":"2"},"key":{"_id":{"$numberInt":"1"}},"name":"_id_","ns":"legacy.people"},' +
        '{"v":{"$numberInt":"2"},"key":{"email":{"$numberInt":"1"}},"name":"email_1","unique":true,"ns":"legacy.people"}],' +
        '"uuid":"7f5e6d1a0f1b4c0d8b6b1d9c0f2b3c4d","collectionName":"people","type":"collection"}'
    );
    const docs = [
      { _id: 1, email: 'a@x' },
      { _id: 2, email: 'b@x' },
    ].map((x) => Buffer.from(BSON.serialize(x)));
    fs.writeFileSync(path.join(d, 'legacy/people.bson'), Buffer.concat(docs));
    fs.writeFileSync(path.join(d, 'oplog.bson'), Buffer.alloc(0));
    await restore(b.client, d);
    const people = b.client.db('legacy').collection<any>('people');
    expect(await people.countDocuments()).to.equal(2);
    // The collection default collation came along: 'A@X' finds 'a@x'.
    expect(await people.findOne({ email: 'A@X' })).to.include({ _id: 1 });
    expect((await people.indexes()).map((i) => i.name)).to.deep.equal(['_id_', 'email_1']);
  });

  it('refuses, changing nothing: a non-empty target without --drop, a torn file, an unwritable type', async () => {
    await a.client
      .db('app')
      .collection<any>('c')
      .insertMany([{ _id: 1 }, { _id: 2 }]);
    const d = out('refuse');
    await dump(a.client, d);
    await b.client.db('app').collection<any>('c').insertOne({ _id: 99 });
    let err: unknown = await restore(b.client, d).catch((e) => e);
    expect(err).to.be.instanceOf(DumpFormatError);
    expect((err as Error).message).to.match(/already holds app\.c.*--drop/);
    expect(await b.client.db('app').collection<any>('c').find().toArray()).to.deep.equal([
      { _id: 99 },
    ]);
    await restore(b.client, d, { drop: true });
    expect(await b.client.db('app').collection<any>('c').countDocuments()).to.equal(2);

    // A torn file: nothing of it is written, even with --drop.
    const file = path.join(d, 'app/c.bson');
    const whole = fs.readFileSync(file);
    fs.writeFileSync(file, whole.subarray(0, whole.length - 3));
    err = await restore(b.client, d, { drop: true }).catch((e) => e);
    expect((err as Error).message).to.match(/bad document length|truncated/);
    expect(await b.client.db('app').collection<any>('c').countDocuments()).to.equal(2);

    // { _id: 1, u: undefined (type 0x06) }: the driver would write null, so it is refused.
    const undef = Buffer.from([
      0x11, 0, 0, 0, 0x10, 0x5f, 0x69, 0x64, 0, 1, 0, 0, 0, 0x06, 0x75, 0, 0,
    ]);
    fs.writeFileSync(file, undef);
    err = await restore(b.client, d, { drop: true }).catch((e) => e);
    expect((err as Error).message).to.match(/cannot write unchanged/, (err as Error).message);
    expect(await b.client.db('app').collection<any>('c').countDocuments()).to.equal(2);
  });

  it('a dump taken while writes go on is a consistent copy of each collection', async () => {
    const c = a.client.db('app').collection<any>('chain');
    // A chain: inserting k, linking k-1 to it, then noting k in document 0. Any single point in time shows seq 0..m
    // with every link but the last in place; a read that walks while writes go on does not.
    const N = 30_000;
    await c.insertMany(
      Array.from({ length: N }, (_, k) => ({ _id: k, next: k + 1, pad: 'x'.repeat(200) }))
    );
    await c.updateOne({ _id: N - 1 }, { $unset: { next: '' } });
    let k = N;
    let writing = true;
    const writer = (async () => {
      while (writing) {
        await c.insertOne({ _id: k, pad: 'y' });
        await c.updateOne({ _id: k - 1 }, { $set: { next: k } });
        await c.updateOne({ _id: 0 }, { $set: { latest: k } });
        k += 1;
      }
    })();
    const dumps: string[] = [];
    for (let i = 0; i < 3; i++) {
      const d = out('live');
      await dump(a.client, d);
      dumps.push(d);
    }
    writing = false;
    await writer;
    expect(k).to.be.greaterThan(N);
    for (const d of dumps) {
      const seen = [...splitDocs(fs.readFileSync(path.join(d, 'app/chain.bson')))];
      const ids = seen.map((doc) => doc._id as number).sort((x, y) => x - y);
      expect(new Set(ids).size, 'no document twice').to.equal(ids.length);
      expect(ids[0]).to.equal(0);
      expect(ids[ids.length - 1]).to.equal(ids.length - 1);
      const byId = new Map(seen.map((doc) => [doc._id as number, doc]));
      for (let j = 0; j < ids.length - 2; j++)
        expect(byId.get(j)!.next, `link ${j}`).to.equal(j + 1);
      // The first document names the newest insert it has seen: the same moment as the last.
      const latest = (byId.get(0)!.latest as number | undefined) ?? N - 1;
      expect(ids.length - 1 - latest, 'first and last document of one moment').to.be.within(0, 1);
    }
  });
});

function* splitDocs(buf: Buffer) {
  let at = 0;
  while (at < buf.length) {
    const size = buf.readInt32LE(at);
    yield BSON.deserialize(buf.subarray(at, at + size));
    at += size;
  }
}
