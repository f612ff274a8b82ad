import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { deserialize, Long, serialize, type Document } from 'bson';
import { testLogger } from '../../src/logger.js';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../src/start.js';
import { crc32c } from '../../src/wire/crc32c.js';

/** A raw socket client speaking just enough wire protocol to test framing. */
class RawClient {
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private nextId = 1;
  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new RawClient(s)));
      s.once('error', reject);
    });
  }

  /**
   * Frames and sends a message; `split` writes it in pieces of that many bytes. `checksum`
   * appends the CRC-32C of the message (header included), or a wrong one.
   */
  send(opCode: number, body: Buffer, split = 0, checksum?: 'valid' | 'wrong'): number {
    const id = this.nextId++;
    const h = Buffer.alloc(16);
    h.writeInt32LE(16 + body.length + (checksum ? 4 : 0), 0);
    h.writeInt32LE(id, 4);
    h.writeInt32LE(0, 8);
    h.writeInt32LE(opCode, 12);
    let msg = Buffer.concat([h, body]);
    if (checksum) {
      const crc = Buffer.alloc(4);
      crc.writeUInt32LE((crc32c(msg) ^ (checksum === 'wrong' ? 1 : 0)) >>> 0);
      msg = Buffer.concat([msg, crc]);
    }
    if (split <= 0) this.socket.write(msg);
    else for (let i = 0; i < msg.length; i += split) this.socket.write(msg.subarray(i, i + split));
    return id;
  }

  /** Several messages in one write, as a pipelining client would send them. */
  sendRaw(data: Buffer): void {
    this.socket.write(data);
  }

  sendMsg(
    cmd: Document,
    opts: {
      flags?: number;
      sequences?: Array<[string, Document[]]>;
      checksum?: 'valid' | 'wrong';
    } = {}
  ): number {
    const parts: Buffer[] = [];
    const flags = Buffer.alloc(4);
    flags.writeUInt32LE((opts.flags ?? 0) | (opts.checksum ? 1 : 0));
    parts.push(flags, Buffer.from([0]), Buffer.from(serialize(cmd)));
    for (const [id, docs] of opts.sequences ?? []) {
      const payload = Buffer.concat([
        Buffer.from(id + '\0'),
        ...docs.map((d) => Buffer.from(serialize(d))),
      ]);
      const size = Buffer.alloc(4);
      size.writeInt32LE(4 + payload.length);
      parts.push(Buffer.from([1]), size, payload);
    }
    return this.send(2013, Buffer.concat(parts), 0, opts.checksum);
  }

  async read(timeoutMs = 2000): Promise<{ responseTo: number; opCode: number; doc: Document }> {
    const deadline = Date.now() + timeoutMs;
    while (this.buf.length < 4 || this.buf.length < this.buf.readInt32LE(0)) {
      if (Date.now() > deadline) throw new Error('timed out waiting for a reply');
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
    const len = this.buf.readInt32LE(0);
    const msg = this.buf.subarray(0, len);
    this.buf = this.buf.subarray(len);
    const opCode = msg.readInt32LE(12);
    const responseTo = msg.readInt32LE(8);
    const docStart = opCode === 1 ? 36 : 21;
    return {
      responseTo,
      opCode,
      doc: deserialize(msg.subarray(docStart), { promoteLongs: false }),
    };
  }

  pendingBytes(): number {
    return this.buf.length;
  }

  close(): void {
    this.socket.destroy();
  }

  /** Resolves when the server closes the connection. */
  closed(): Promise<void> {
    return new Promise((resolve) => this.socket.once('close', () => resolve()));
  }
}

describe('embedded server wire protocol', () => {
  let dir: string;
  let server: EmbeddedMongo;
  let client: RawClient;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-wire-'));
    // Over TCP, asked for: raw frames on a port.
    server = await startEmbeddedMongo({ dataDir: dir, port: 0, logger: testLogger() });
  });
  beforeEach(async () => {
    client = await RawClient.connect(server.port!);
  });
  afterEach(() => client.close());
  after(async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers the legacy OP_QUERY isMaster handshake with an OP_REPLY describing a standalone', async () => {
    const body = Buffer.concat([
      Buffer.from([0, 0, 0, 0]),
      Buffer.from('admin.$cmd\0'),
      Buffer.from([0, 0, 0, 0, 255, 255, 255, 255]),
      Buffer.from(serialize({ isMaster: 1, helloOk: true, client: { driver: { name: 'raw' } } })),
    ]);
    const id = client.send(2004, body);
    const reply = await client.read();
    expect(reply.opCode).to.equal(1);
    expect(reply.responseTo).to.equal(id);
    expect(reply.doc).to.include({ ismaster: true, helloOk: true, maxWireVersion: 21, ok: 1 });
    expect(reply.doc.maxBsonObjectSize).to.equal(16 * 1024 * 1024);
    expect(reply.doc).to.not.have.property('setName');
  });

  it('folds kind-1 document sequences into the command and checks a CRC-32C checksum', async () => {
    client.sendMsg(
      { insert: 'seq', $db: 'wiretest' },
      { sequences: [['documents', [{ _id: 1 }, { _id: 2 }, { _id: 3 }]]], checksum: 'valid' }
    );
    expect((await client.read()).doc).to.include({ n: 3, ok: 1 });
    client.sendMsg({ count: 'seq', $db: 'wiretest' });
    expect((await client.read()).doc).to.include({ n: 3, ok: 1 });
  });

  it('drops a connection whose message fails its checksum, and applies none of it', async () => {
    const closed = client.closed();
    client.sendMsg(
      { insert: 'damaged', $db: 'wiretest' },
      { sequences: [['documents', [{ _id: 1 }]]], checksum: 'wrong' }
    );
    await closed;
    const other = await RawClient.connect(server.port!);
    try {
      other.sendMsg({ count: 'damaged', $db: 'wiretest' });
      expect((await other.read()).doc).to.include({ n: 0, ok: 1 });
    } finally {
      other.close();
    }
  });

  it('computes CRC-32C as the standard says (check value of "123456789")', () => {
    expect(crc32c(Buffer.from('123456789'))).to.equal(0xe3069283);
  });

  it('sends no reply to a moreToCome message, keeping later replies in step', async () => {
    client.sendMsg({ endSessions: [], $db: 'admin' }, { flags: 2 });
    const id = client.sendMsg({ ping: 1, $db: 'admin' });
    const reply = await client.read();
    expect(reply.responseTo).to.equal(id);
    expect(reply.doc.ok).to.equal(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(client.pendingBytes()).to.equal(0);
  });

  it('returns Long cursor ids and ns on find/getMore, and 43 for an unknown cursor', async () => {
    client.sendMsg({
      insert: 'cur',
      $db: 'wiretest',
      documents: Array.from({ length: 5 }, (_, i) => ({ i })),
    });
    await client.read();
    client.sendMsg({ find: 'cur', $db: 'wiretest', batchSize: 2 });
    const first = (await client.read()).doc;
    expect(first.cursor.id).to.be.instanceOf(Long);
    expect(first.cursor.id.isZero()).to.equal(false);
    expect(first.cursor.ns).to.equal('wiretest.cur');
    expect(first.cursor.firstBatch).to.have.length(2);
    client.sendMsg({ getMore: first.cursor.id, collection: 'cur', $db: 'wiretest' });
    const next = (await client.read()).doc;
    expect(next.cursor.nextBatch).to.have.length(3);
    expect(next.cursor.id.isZero()).to.equal(true);
    client.sendMsg({ getMore: first.cursor.id, collection: 'cur', $db: 'wiretest' });
    expect((await client.read()).doc).to.include({ ok: 0, code: 43 });
  });

  it('reassembles messages that arrive a few bytes at a time or several per packet', async () => {
    const body = (cmd: Document) =>
      Buffer.concat([Buffer.from([0, 0, 0, 0, 0]), Buffer.from(serialize(cmd))]);
    const id = client.send(2013, body({ ping: 1, $db: 'admin' }), 3);
    expect((await client.read()).responseTo).to.equal(id);
    const frame = (reqId: number, cmd: Document) => {
      const b = body(cmd);
      const h = Buffer.alloc(16);
      h.writeInt32LE(16 + b.length, 0);
      h.writeInt32LE(reqId, 4);
      h.writeInt32LE(2013, 12);
      return Buffer.concat([h, b]);
    };
    client.sendRaw(
      Buffer.concat([frame(900, { ping: 1, $db: 'admin' }), frame(901, { ping: 1, $db: 'admin' })])
    );
    const replies = [await client.read(), await client.read()];
    expect(replies.map((r) => r.responseTo)).to.deep.equal([900, 901]);
  });

  it('answers an unknown command with code 59 and a transaction number with code 20', async () => {
    client.sendMsg({ frobnicate: 1, $db: 'admin' });
    expect((await client.read()).doc).to.include({ ok: 0, code: 59, codeName: 'CommandNotFound' });
    client.sendMsg({ find: 'x', txnNumber: Long.fromNumber(1), $db: 'wiretest' });
    expect((await client.read()).doc).to.include({ ok: 0, code: 20, codeName: 'IllegalOperation' });
  });
});
