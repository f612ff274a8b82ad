import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { startEmbeddedMongo } from '../../src/start.js';
import { testLogger } from '../../src/logger.js';

const unix = process.platform !== 'win32';

describe('embedded server on a Unix domain socket', function () {
  this.timeout(20_000);
  let dir: string;
  beforeEach(function () {
    if (!unix) this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-sock-'));
  });
  afterEach(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  const ping = async (uri: string) => {
    const conn = await mongoose.createConnection(uri).asPromise();
    await conn.db!.command({ ping: 1 });
    await conn.close();
  };
  const socketOf = (uri: string) => decodeURIComponent(new URL(uri.replace(/\?.*/, '')).host);

  it('serves mongoose on an owner-only socket in the data folder, removed on stop', async () => {
    const server = await startEmbeddedMongo({ dataDir: dir, port: 0, logger: testLogger() });
    const socket = path.join(dir, 'mongod.sock');
    try {
      expect(server.localUri).to.equal(
        `mongodb://${encodeURIComponent(socket)}/?directConnection=true`
      );
      expect(fs.statSync(socket).isSocket()).to.equal(true);
      expect(fs.statSync(socket).mode & 0o777).to.equal(0o600);
      const conn = await mongoose.createConnection(server.localUri!, { dbName: 'app' }).asPromise();
      try {
        const Item = conn.model(
          'Item',
          new mongoose.Schema({ sku: { type: String, unique: true } })
        );
        await Item.init();
        await Item.create({ sku: 'a' });
        const err = await Item.create({ sku: 'a' }).catch((e: unknown) => e);
        expect((err as { code?: number }).code).to.equal(11000);
        // The same data through TCP, asked for with `port`: one server, two ways in.
        expect(server.uri).to.equal(`mongodb://127.0.0.1:${server.port}/?directConnection=true`);
        const tcp = await mongoose.createConnection(server.uri, { dbName: 'app' }).asPromise();
        expect(await tcp.collection('items').countDocuments()).to.equal(1);
        await tcp.close();
      } finally {
        await conn.close();
      }
    } finally {
      await server.stop();
    }
    expect(fs.existsSync(socket)).to.equal(false);
  });

  it('listens on no TCP port unless asked: its URI is the socket', async () => {
    const server = await startEmbeddedMongo({ dataDir: dir, logger: testLogger() });
    try {
      expect(server.port).to.equal(undefined);
      expect(server.uri).to.equal(server.localUri);
      await ping(server.uri);
    } finally {
      await server.stop();
    }
  });

  it('puts the socket in the temp folder when the data folder cannot hold one, still no TCP', async () => {
    // A folder where a socket cannot be bound: a file of that name blocks the path.
    const blocked = path.join(dir, 'blocked');
    fs.mkdirSync(blocked);
    fs.mkdirSync(path.join(blocked, 'mongod.sock'));
    const server = await startEmbeddedMongo({ dataDir: blocked, logger: testLogger() });
    try {
      expect(server.port).to.equal(undefined);
      expect(path.dirname(socketOf(server.uri))).to.equal(os.tmpdir());
      await ping(server.uri);
    } finally {
      await server.stop();
    }
  });

  it('starts over a socket file a crashed run left behind', async () => {
    const first = await startEmbeddedMongo({ dataDir: dir, logger: testLogger() });
    const socket = socketOf(first.localUri!);
    await first.stop();
    fs.writeFileSync(socket, ''); // what a SIGKILLed server leaves (a stale entry)
    const second = await startEmbeddedMongo({ dataDir: dir, logger: testLogger() });
    try {
      await ping(second.localUri!);
    } finally {
      await second.stop();
    }
  });

  it("never takes over a running server's socket: a second start on the folder fails on the lock", async () => {
    const running = await startEmbeddedMongo({ dataDir: dir, logger: testLogger() });
    try {
      const err = await startEmbeddedMongo({ dataDir: dir, logger: testLogger() }).catch(
        (e: unknown) => e as Error
      );
      expect(err).to.be.instanceOf(Error);
      expect((err as Error).message).to.match(/in use|lock/i);
      await ping(running.localUri!);
    } finally {
      await running.stop();
    }
  });

  it('puts the socket in the temp folder when the data folder path is too long for one', async () => {
    const deep = path.join(dir, 'x'.repeat(60), 'y'.repeat(60));
    const server = await startEmbeddedMongo({ dataDir: deep, logger: testLogger() });
    try {
      const socket = socketOf(server.localUri!);
      expect(path.dirname(socket)).to.equal(os.tmpdir());
      expect(Buffer.byteLength(socket)).to.be.at.most(100);
      await ping(server.localUri!);
    } finally {
      await server.stop();
    }
  });

  it('falls back to TCP on 127.0.0.1 where no socket can be made, rather than not starting', async () => {
    const server = await startEmbeddedMongo({
      dataDir: dir,
      logger: testLogger(),
      localSocket: path.join(dir, 'no-such-folder', 'mongod.sock'),
    });
    try {
      expect(server.localUri).to.equal(undefined);
      expect(server.uri).to.equal(`mongodb://127.0.0.1:${server.port}/?directConnection=true`);
      await ping(server.uri);
    } finally {
      await server.stop();
    }
  });

  it('offers TCP only when asked to', async () => {
    const server = await startEmbeddedMongo({
      dataDir: dir,
      logger: testLogger(),
      localSocket: false,
    });
    try {
      expect(server.localUri).to.equal(undefined);
      expect(fs.existsSync(path.join(dir, 'mongod.sock'))).to.equal(false);
    } finally {
      await server.stop();
    }
  });
});
