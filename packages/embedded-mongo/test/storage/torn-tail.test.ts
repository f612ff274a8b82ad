import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { pino } from 'pino';
import { DataStore } from '../../src/storage/data-store.js';
import {
  ModelEngine,
  crashCopy,
  journalPath,
  openStore,
  removeDirs,
  tempDir,
} from './storage-helpers.js';

/** Writes docs 1..n as n separate frames and returns the journal size before the last one. */
async function writeJournal(dir: string, n: number): Promise<number> {
  const store = await openStore(dir);
  let sizeBeforeLast = 0;
  for (let i = 1; i <= n; i++) {
    if (i === n) sizeBeforeLast = fs.statSync(journalPath(dir)).size;
    await store.commit([{ op: 'put', ns: 'db.c', doc: { _id: i, text: 'x'.repeat(40) } }]);
  }
  await store.close();
  return sizeBeforeLast;
}

async function recoveredIds(dir: string): Promise<number[]> {
  const store = await openStore(dir);
  const state = store.takeRecovered();
  await store.close();
  const docs = state[0]?.docs ?? [];
  return docs.map((d) => d._id as number).sort((a, b) => a - b);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('DataStore: torn and damaged journals', () => {
  afterEach(removeDirs);

  for (const cut of [1, 4, 7, 8, 9, 30, -1]) {
    it(`drops a last record cut ${cut < 0 ? 'one byte short' : `after ${cut} bytes`} and keeps the rest`, async () => {
      const dir = tempDir();
      const before = await writeJournal(dir, 5);
      const full = fs.statSync(journalPath(dir)).size;
      const keep = cut < 0 ? full - 1 : before + cut;
      fs.truncateSync(journalPath(dir), keep);

      expect(await recoveredIds(dir)).to.deep.equal(range(4));
      // The file is cut back to the last good record, so new writes follow it cleanly.
      expect(fs.statSync(journalPath(dir)).size).to.equal(before);
      const store = await openStore(dir);
      store.takeRecovered();
      await store.commit([{ op: 'put', ns: 'db.c', doc: { _id: 99 } }]);
      await store.close();
      expect(await recoveredIds(dir)).to.deep.equal([...range(4), 99]);
    });
  }

  for (const where of ['length', 'checksum', 'body']) {
    it(`drops a last record whose ${where} has a flipped byte`, async () => {
      const dir = tempDir();
      const before = await writeJournal(dir, 5);
      const offset = before + { length: 1, checksum: 5, body: 20 }[where]!;
      const bytes = fs.readFileSync(journalPath(dir));
      bytes[offset] ^= 0x5a;
      fs.writeFileSync(journalPath(dir), bytes);

      expect(await recoveredIds(dir)).to.deep.equal(range(4));
    });
  }

  it('drops garbage appended after the last record', async () => {
    const dir = tempDir();
    const full = (await writeJournal(dir, 5), fs.statSync(journalPath(dir)).size);
    fs.appendFileSync(journalPath(dir), Buffer.from('garbage that is not a frame at all \x00\x01'));
    expect(await recoveredIds(dir)).to.deep.equal(range(5));
    expect(fs.statSync(journalPath(dir)).size).to.equal(full);
  });

  it('drops a tail of zeros (pages the crash never wrote)', async () => {
    const dir = tempDir();
    await writeJournal(dir, 3);
    fs.appendFileSync(journalPath(dir), Buffer.alloc(4096));
    expect(await recoveredIds(dir)).to.deep.equal(range(3));
  });

  for (const where of ['body', 'length'] as const) {
    it(`refuses to open when a record with a damaged ${where} is followed by good ones`, async () => {
      const dir = tempDir();
      const before = await writeJournal(dir, 5);
      const bytes = fs.readFileSync(journalPath(dir));
      // Damage record 3 of 5: records 4 and 5 behind it are intact.
      const recordSize = bytes.length - before;
      bytes[before - 2 * recordSize + (where === 'body' ? 20 : 1)] ^= 0xff;
      fs.writeFileSync(journalPath(dir), bytes);

      let error: Error | undefined;
      await openStore(dir).catch((e: Error) => (error = e));
      expect(error?.message).to.contain(journalPath(dir));
      expect(error?.message).to.match(/damaged at byte \d+ \(.+\) and valid records follow/);
      // Nothing was cut: the damaged file is left as it was for inspection or repair.
      expect(fs.readFileSync(journalPath(dir))).to.deep.equal(bytes);
      // The refusal released the lock, so a repaired folder can be opened by this process.
      expect(fs.existsSync(dir + '/mongod.lock')).to.equal(false);
    });
  }

  it('refuses to open when an older journal is damaged and a newer one exists', async () => {
    const dir = tempDir();
    let copy = '';
    const store = await openStore(dir, {
      compactionProbe: (point) => {
        if (point === 'rotated') copy = crashCopy(dir);
      },
    });
    const engine = new ModelEngine(store);
    for (let i = 1; i <= 5; i++) await engine.put('db.c', { _id: i });
    await store.compact();
    await store.close();
    // journal.2 was started only after journal.1 was durable: a bad journal.1 tail is damage.
    const first = path.join(copy, 'journal.1');
    fs.truncateSync(first, fs.statSync(first).size - 3);
    let error: Error | undefined;
    await openStore(copy).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/journal\.1 is damaged at byte \d+ .* valid records follow/);
  });

  it('drops a torn tail of the journal that follows a snapshot', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const engine = new ModelEngine(store);
    for (let i = 1; i <= 3; i++) await engine.put('db.c', { _id: i });
    await store.compact();
    for (let i = 4; i <= 6; i++) await engine.put('db.c', { _id: i });
    await store.close();
    expect(journalPath(dir)).to.match(/journal\.2$/);
    fs.truncateSync(journalPath(dir), fs.statSync(journalPath(dir)).size - 2);
    expect(await recoveredIds(dir)).to.deep.equal(range(5));
  });

  it('logs a warning naming the journal and the bytes dropped', async () => {
    const dir = tempDir();
    await writeJournal(dir, 2);
    fs.appendFileSync(journalPath(dir), Buffer.from([9, 9, 9]));
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const store = await DataStore.open(dir, { logger });
    await store.close();
    const warnings = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.include({ journal: journalPath(dir), droppedBytes: 3, level: 40 });
  });

  it('recovers when a crash left a new journal with only part of its header', async () => {
    const dir = tempDir();
    await writeJournal(dir, 3);
    fs.writeFileSync(path.join(dir, 'journal.2'), Buffer.from([40, 0, 0]));
    expect(await recoveredIds(dir)).to.deep.equal(range(3));
    const store = await openStore(dir);
    await store.commit([{ op: 'put', ns: 'db.c', doc: { _id: 4 } }]);
    await store.close();
    expect(await recoveredIds(dir)).to.deep.equal(range(4));
  });
});
