import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { MongoClient, MongoServerError } from 'mongodb';
import { startEmbeddedMongo } from '../../src/start.js';
import { encodeDoc } from '../../src/storage/bson-codec.js';
import { encodeFrame } from '../../src/storage/frame-codec.js';
import { testLogger } from '../../src/logger.js';
import { payloadFor } from './crash-data.js';

const WRITER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'crash-writer.ts');

/** What the killed child reported as acknowledged. */
interface AckLog {
  acked: Set<string>;
  /** Deletes sent: done or not, as the kill may have come before or after. */
  deleting: Set<string>;
  /** Deletes acknowledged. */
  deleted: Set<string>;
  counters: Map<string, number>;
}

/** Runs the writer child until it has `acks` acknowledged inserts, then SIGKILLs it. */
function runAndKill(
  dataDir: string,
  runId: string,
  acks: number,
  log: AckLog,
  compactAfterBytes?: number
): Promise<void> {
  const args = [WRITER, dataDir, runId, ...(compactAfterBytes ? [String(compactAfterBytes)] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let pending = '';
    let inserted = 0;
    let killed = false;
    const kill = () => {
      if (killed) return;
      killed = true;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(kill, 12_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const [kind, a, b] = line.split(' ');
        if (kind === 'ACK') {
          log.acked.add(a);
          if (++inserted === acks) setTimeout(kill, Math.floor(Math.random() * 30));
        } else if (kind === 'DELETING') log.deleting.add(a);
        else if (kind === 'DEL') log.deleted.add(a);
        else if (kind === 'SET') log.counters.set(a, Number(b));
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL' && inserted >= acks) resolve();
      else reject(new Error(`writer exited (${code ?? signal}) after ${inserted} acks: ${stderr}`));
    });
  });
}

/** Restarts the server on the folder and checks everything the killed writer was told. */
async function verify(dataDir: string, log: AckLog, ghosts: string[] = []): Promise<void> {
  const server = await startEmbeddedMongo({ dataDir, logger: testLogger() });
  const client = await MongoClient.connect(server.uri);
  try {
    const db = client.db('crash');
    const items = db.collection<{ _id: string; email: string; payload: string }>('items');
    const docs = await items.find().toArray();
    const ids = new Set(docs.map((d) => d._id));
    const missing = [...log.acked].filter((id) => !log.deleting.has(id) && !ids.has(id));
    expect(missing, 'acknowledged inserts lost').to.deep.equal([]);
    expect(
      [...log.deleted].filter((id) => ids.has(id)),
      'acknowledged deletes undone'
    ).to.deep.equal([]);
    for (const ghost of ghosts) expect(ids.has(ghost), 'torn record replayed').to.equal(false);
    for (const d of docs) {
      expect(d.email).to.equal(`${d._id}@example.test`);
      expect(d.payload).to.equal(payloadFor(d._id));
    }
    const counters = await db.collection<{ _id: string; n: number }>('counters').find().toArray();
    for (const [w, n] of log.counters) {
      expect(counters.find((c) => c._id === `counter-${w}`)?.n ?? -1).to.be.at.least(n);
    }
    // The unique index survived: listed, and still refusing a duplicate.
    const email = (await items.indexes()).find((ix) => ix.name === 'email_1');
    expect(email?.unique).to.equal(true);
    expect(new Set(docs.map((d) => d.email)).size).to.equal(docs.length);
    const dup = await items.insertOne({ _id: 'dup-check', email: docs[0].email, payload: '' }).then(
      () => undefined,
      (err: unknown) => err
    );
    expect(dup).to.be.instanceOf(MongoServerError);
    expect((dup as MongoServerError).code).to.equal(11000);
  } finally {
    await client.close();
    await server.stop();
  }
}

function latestJournal(dir: string): string {
  const journals = fs.readdirSync(dir).filter((n) => /^journal\.\d+$/.test(n));
  journals.sort((a, b) => Number(a.slice(8)) - Number(b.slice(8)));
  return path.join(dir, journals[journals.length - 1]);
}

const newLog = (): AckLog => ({
  acked: new Set(),
  deleting: new Set(),
  deleted: new Set(),
  counters: new Map(),
});

describe('crash recovery (SIGKILL under load)', function () {
  this.timeout(120_000);
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'crash-test-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every acknowledged write, intact, with the unique index holding', async () => {
    const log = newLog();
    await runAndKill(dataDir, 'a', 300, log);
    // The dead writer's lock file is stale: the restart must take it over.
    expect(fs.existsSync(path.join(dataDir, 'mongod.lock'))).to.equal(true);
    await verify(dataDir, log);
  });

  it('drops a torn journal tail, keeps the acknowledged writes, and keeps going after it', async () => {
    const log = newLog();
    await runAndKill(dataDir, 'a', 200, log);
    // A record the crash interrupted mid-write: its header promises more bytes than exist.
    const ghost = encodeFrame([
      encodeDoc({
        op: 'put',
        ns: 'crash.items',
        doc: { _id: 'ghost', email: 'ghost@example.test' },
      }),
    ]);
    fs.appendFileSync(latestJournal(dataDir), ghost.subarray(0, ghost.length - 7));
    await verify(dataDir, log, ['ghost']);

    // The server appends after the cut tail: a second crash loses nothing from either run.
    await runAndKill(dataDir, 'b', 150, log);
    fs.appendFileSync(latestJournal(dataDir), Buffer.from('\x13\x00\x00\x00garbage after a crash'));
    await verify(dataDir, log, ['ghost']);
  });

  it('recovers acknowledged writes when killed while compacting over and over', async () => {
    const log = newLog();
    await runAndKill(dataDir, 'a', 400, log, 32 * 1024);
    const names = fs.readdirSync(dataDir);
    expect(
      names.some((n) => n.startsWith('snapshot.')),
      names.join(' ')
    ).to.equal(true);
    await verify(dataDir, log);
  });
});
