import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { testLogger } from '../../src/logger.js';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/start.js';

describe('embedded server through mongoose', () => {
  let dir: string;
  let server: EmbeddedMongo;
  let conn: mongoose.Connection;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-smoke-'));
    server = await startEmbeddedMongo({ dataDir: dir, logger: testLogger() });
    conn = await mongoose.createConnection(server.uri, { dbName: 'smoke' }).asPromise();
  });

  after(async () => {
    await conn?.close();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates, finds, updates and deletes documents with a unique index enforced', async () => {
    const User = conn.model(
      'User',
      new mongoose.Schema({ email: { type: String, unique: true }, name: String, visits: Number })
    );
    await User.syncIndexes();
    const a = await User.create({ email: 'a@x.test', name: 'A', visits: 1 });
    expect((await User.findById(a._id).lean())?.name).to.equal('A');
    expect((await User.findOne({ email: 'a@x.test' }))?.visits).to.equal(1);
    const updated = await User.findOneAndUpdate(
      { _id: a._id },
      { $inc: { visits: 2 } },
      { new: true }
    );
    expect(updated?.visits).to.equal(3);
    const err = await User.create({ email: 'a@x.test', name: 'B' }).catch((e: unknown) => e);
    expect((err as { code?: number }).code).to.equal(11000);
    expect(await User.countDocuments()).to.equal(1);
    await User.deleteOne({ _id: a._id });
    expect(await User.countDocuments()).to.equal(0);
  });

  it('keeps acknowledged documents across a restart', async () => {
    const Note = conn.model('Note', new mongoose.Schema({ text: String }));
    await Note.create([{ text: 'one' }, { text: 'two' }]);
    await conn.close();
    await server.stop();
    server = await startEmbeddedMongo({ dataDir: dir, logger: testLogger() });
    conn = await mongoose.createConnection(server.uri, { dbName: 'smoke' }).asPromise();
    const Again = conn.model('Note', new mongoose.Schema({ text: String }));
    const texts = (await Again.find().sort({ text: 1 }).lean()).map((n) => n.text);
    expect(texts).to.deep.equal(['one', 'two']);
  });
});
