import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Decimal128, Long, MongoClient, type Document } from 'mongodb';
import { testLogger } from '../../src/logger.js';
import { startEmbeddedMongo } from '../../src/start.js';

describe('embedded server restart', function () {
  this.timeout(30_000);
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-restart-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const start = () =>
    startEmbeddedMongo({ dataDir: dir, logger: testLogger(), compactAfterBytes: 32 * 1024 });

  it('recovers documents, types and enforced indexes after snapshots and journal replay', async () => {
    let server = await start();
    let client = await MongoClient.connect(server.uri);
    let coll = client.db('app').collection('items');
    await coll.createIndex({ sku: 1 }, { unique: true });
    await coll.createIndex({ tag: 1 });
    await coll.insertMany(
      Array.from({ length: 1500 }, (_, i) => ({
        _id: i,
        sku: `s${i}`,
        tag: `t${i % 7}`,
        big: Long.fromString('9007199254740993'),
        price: Decimal128.fromString('9.99'),
      })) as unknown as Document[]
    );
    await coll.updateMany({ tag: 't3' }, { $set: { hot: true } });
    await coll.deleteMany({ tag: 't5' });
    await client.db('app').collection('gone').insertOne({ a: 1 });
    await client.db('app').collection('gone').drop();
    await client
      .db('app')
      .collection('moving')
      .insertOne({ _id: 'm' } as Document);
    await client.db('app').collection('moving').rename('moved');
    // Wait for the size-triggered compaction(s) to finish before stopping.
    await new Promise((r) => setTimeout(r, 200));
    await client.close();
    await server.stop();
    expect(fs.readdirSync(dir).some((f) => f.startsWith('snapshot'))).to.equal(true);

    server = await start();
    client = await MongoClient.connect(server.uri);
    coll = client.db('app').collection('items');
    try {
      expect(await coll.countDocuments()).to.equal(1500 - 214);
      expect(await coll.countDocuments({ hot: true })).to.equal(214);
      const doc = await coll.findOne({ sku: 's10' }, { promoteLongs: false });
      expect((doc?.big as Long).toString()).to.equal('9007199254740993');
      expect((doc?.price as Decimal128).toString()).to.equal('9.99');
      expect((await coll.listIndexes().toArray()).map((i) => i.name)).to.deep.equal([
        '_id_',
        'sku_1',
        'tag_1',
      ]);
      const dup = await coll.insertOne({ sku: 's10' }).catch((e: { code?: number }) => e);
      expect((dup as { code?: number }).code).to.equal(11000);
      const names = (await client.db('app').listCollections().toArray()).map((c) => c.name);
      expect(names.sort()).to.deep.equal(['items', 'moved']);
      expect(await client.db('app').collection('moved').countDocuments()).to.equal(1);
    } finally {
      await client.close();
      await server.stop();
    }
  });
});
