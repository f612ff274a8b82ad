import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { copy, CopyRefused } from '../../ops/copy.js';
import { tempDir, testServer, type TestServer } from './helpers.js';

describe('npm run db -- copy (to a second embedded server over TCP)', function () {
  this.timeout(60_000);
  let source: TestServer;
  let target: TestServer;
  let targetClient: MongoClient;
  let work: string;
  beforeEach(async () => {
    source = await testServer();
    target = await testServer();
    // Over TCP with the database in the URI, as MONGODB_URI will name it.
    targetClient = await MongoClient.connect(target.server.uri.replace('/?', '/moved?'));
    work = tempDir('ops-copy-');
    const db = source.client.db('partner-connect');
    await db.collection('partners').createIndex({ tenantId: 1 }, { unique: true });
    await db
      .collection('partners')
      .createIndex({ name: 1 }, { collation: { locale: 'ru', strength: 2 } });
    await db
      .collection('partners')
      .insertMany(
        Array.from({ length: 2500 }, (_, i) => ({ tenantId: `t${i}`, name: `Имя ${i}` }))
      );
    await db.collection('outbox').createIndex({ dueAt: 1 }, { expireAfterSeconds: 86_400 });
    await db.collection('outbox').insertOne({ _id: 'string-id' as never, dueAt: new Date() });
    await db.createCollection('active', {
      viewOn: 'partners',
      pipeline: [{ $match: { tenantId: 't1' } }],
    });
  });
  afterEach(async () => {
    await targetClient.close();
    await source.done();
    await target.done();
    fs.rmSync(work, { recursive: true, force: true });
  });
  const options = (over: object = {}) => ({
    fromDb: 'partner-connect',
    toDb: 'moved',
    checkpointFile: path.join(work, 'checkpoint.json'),
    batchSize: 500,
    ...over,
  });

  it('copies every collection with its indexes and documents, showing progress', async () => {
    const lines: string[] = [];
    const { documents } = await copy(
      source.client,
      targetClient,
      options({ progress: (l: string) => lines.push(l) })
    );
    expect(documents).to.equal(2501);
    const to = targetClient.db('moved');
    expect(await to.collection('partners').countDocuments()).to.equal(2500);
    expect(await to.collection('outbox').findOne({ _id: 'string-id' as never })).to.not.equal(null);
    const names = (await to.collection('partners').indexes()).map((i) => i.name);
    expect(names).to.deep.equal(['_id_', 'tenantId_1', 'name_1']);
    const ttl = (await to.collection('outbox').indexes()).find((i) => i.name === 'dueAt_1');
    expect(ttl?.expireAfterSeconds).to.equal(86_400);
    expect(await to.collection('active').countDocuments()).to.equal(1);
    expect(lines).to.include('partners: 2500/2500 [####################] 100%');
    expect(lines.some((l) => /^partners: 500\/2500 \[####\.+\] 20%$/.test(l))).to.equal(true);
    expect(fs.existsSync(options().checkpointFile)).to.equal(false);
  });

  it('refuses a non-empty target unless --drop or --force, and changes nothing', async () => {
    await targetClient.db('moved').collection('partners').insertOne({ tenantId: 'already' });
    const err = await copy(source.client, targetClient, options()).catch((e) => e);
    expect(err).to.be.instanceOf(CopyRefused);
    expect(err.message).to.match(/not empty \(partners\).*--drop.*--force/);
    expect(await targetClient.db('moved').listCollections().toArray()).to.have.length(1);
    await copy(source.client, targetClient, options({ drop: true }));
    expect(await targetClient.db('moved').collection('partners').countDocuments()).to.equal(2500);
  });

  it('resumes from its checkpoint after a crash, each document once', async () => {
    let batches = 0;
    const crash = (line: string) => {
      if (line.startsWith('partners:') && ++batches === 2) throw new Error('power cut');
    };
    const err = await copy(source.client, targetClient, options({ progress: crash })).catch(
      (e) => e
    );
    expect(err.message).to.equal('power cut');
    const cp = JSON.parse(fs.readFileSync(options().checkpointFile, 'utf8'));
    expect(cp.collections.partners).to.deep.equal({ copied: 1000, done: false });
    // The target is now non-empty, but it is this copy's own work: resuming is not refused.
    await copy(source.client, targetClient, options());
    const partners = targetClient.db('moved').collection('partners');
    expect(await partners.countDocuments()).to.equal(2500);
    expect((await partners.distinct('tenantId')).length).to.equal(2500);
  });
});
