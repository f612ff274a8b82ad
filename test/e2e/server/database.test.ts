import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../../config/config.js';
import { connectDatabase, redactUri } from '../../../models/connection.js';
import { startEmbeddedMongo } from '@partner-connect/embedded-mongo';
import { testLogger } from '../../../logging/logger.js';
import { captureLogger } from './capture-logger.js';

describe('connectDatabase', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pc-db-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('starts the embedded database under DATA_DIR when MONGODB_URI is unset, and says so', async () => {
    const logs = captureLogger();
    const db = await connectDatabase(loadConfig({ DATA_DIR: dir }), logs.logger);
    try {
      expect(db.embedded).to.equal(true);
      // In-process, the bot reaches it through its Unix socket in the data folder (cheaper than TCP).
      if (process.platform !== 'win32')
        expect(db.uri).to.include(encodeURIComponent(path.join(dir, 'db', 'mongod.sock')));
      await db.ping();
      await db.connection.collection('probe').insertOne({ n: 1 });
      expect(fs.readdirSync(path.join(dir, 'db')).length).to.be.greaterThan(0);
      expect(logs.lines.map((l) => l.msg)).to.include(
        'MONGODB_URI unset: using the embedded database'
      );
    } finally {
      await db.close();
    }
    // Closing released the data dir: a second start on it succeeds and sees the data.
    const again = await connectDatabase(loadConfig({ DATA_DIR: dir }), testLogger());
    try {
      expect(await again.connection.collection('probe').countDocuments()).to.equal(1);
    } finally {
      await again.close();
    }
  });

  it('names nested modules once per line, as a path (db/embedded-mongo/data-store)', async () => {
    const logs = captureLogger();
    const db = await connectDatabase(loadConfig({ DATA_DIR: dir }), logs.logger);
    await db.close();
    for (const line of logs.raw) {
      expect(line.match(/"module":/g) ?? [], line).to.have.length.below(2);
    }
    const modules = new Set(logs.lines.map((l) => l.module));
    expect(modules).to.include('db').and.include('db/embedded-mongo/data-store');
  });

  it('uses MONGODB_URI when set, and never logs its credentials', async () => {
    const mongo = await startEmbeddedMongo({ dataDir: dir, logger: testLogger() });
    const logs = captureLogger();
    const withSecret = mongo.uri.replace('mongodb://', 'mongodb://admin:hunter2@');
    try {
      const db = await connectDatabase(
        loadConfig({ MONGODB_URI: withSecret, DATA_DIR: path.join(dir, 'unused') }),
        logs.logger,
        { serverSelectionTimeoutMS: 500 }
      ).catch(() => undefined);
      await db?.close();
      expect(logs.raw.join('\n')).not.to.include('hunter2');
      expect(logs.lines.find((l) => l.msg === 'using MongoDB from MONGODB_URI')?.uri).to.equal(
        mongo.uri.replace('mongodb://', 'mongodb://***@')
      );
      expect(fs.existsSync(path.join(dir, 'unused'))).to.equal(false);
    } finally {
      await mongo.stop();
    }
  });

  it('redacts user and password in any MongoDB URI', () => {
    expect(redactUri('mongodb+srv://u:p%40ss@cluster0.example.net/pc?retryWrites=true')).to.equal(
      'mongodb+srv://***@cluster0.example.net/pc?retryWrites=true'
    );
    expect(redactUri('mongodb://h1:27017,h2:27017/pc')).to.equal('mongodb://h1:27017,h2:27017/pc');
  });
});
