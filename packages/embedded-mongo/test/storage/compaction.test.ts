import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ModelEngine, byNs, crashCopy, openStore, removeDirs, tempDir } from './storage-helpers.js';

const files = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((n) => n !== 'mongod.lock')
    .sort();

async function recovered(dir: string) {
  const store = await openStore(dir);
  const state = byNs(store.takeRecovered());
  await store.close();
  return state;
}

/** Fills a store so that its journal passes `compactAfterBytes` a few times. */
async function writeMany(engine: ModelEngine, from: number, count: number): Promise<void> {
  const writes: Promise<void>[] = [];
  for (let i = from; i < from + count; i++) {
    writes.push(engine.put('db.c', { _id: i, payload: 'p'.repeat(200), i }));
    if (i % 7 === 0) writes.push(engine.del('db.c', i - 3));
    if (i % 50 === 0) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
}

describe('DataStore: snapshots and compaction', () => {
  afterEach(removeDirs);

  it('compacts by size into a snapshot plus a new journal and recovers the same state', async () => {
    const dir = tempDir();
    const store = await openStore(dir, { compactAfterBytes: 20_000 });
    const engine = new ModelEngine(store);
    await engine.store.commit([{ op: 'createCollection', ns: 'db.c', options: { capped: false } }]);
    engine.colls.set('db.c', { options: { capped: false }, indexes: [], docs: new Map() });
    await writeMany(engine, 1, 600);
    await new Promise((r) => setTimeout(r, 50));
    expect(store.stats().compactions).to.be.greaterThan(1);
    const expected = byNs(engine.state());
    await store.close();

    // Old journals and snapshots are gone: one snapshot, the journal(s) after it.
    const left = files(dir);
    expect(left.filter((n) => n.startsWith('snapshot.'))).to.have.length(1);
    const snapSeq = Number(left.find((n) => n.startsWith('snapshot.'))!.split('.')[1]);
    expect(
      left.filter((n) => n.startsWith('journal.')).every((n) => Number(n.split('.')[1]) >= snapSeq)
    ).to.equal(true);

    const reopened = await openStore(dir);
    const state = reopened.takeRecovered();
    expect(state[0].options).to.deep.equal({ capped: false });
    expect(byNs(state)).to.deep.equal(expected);
    await reopened.close();
  });

  it('keeps accepting writes while a snapshot is written, losing none of them', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const engine = new ModelEngine(store);
    await writeMany(engine, 1, 300);
    const compaction = store.compact();
    const during = writeMany(engine, 1000, 200);
    await Promise.all([compaction, during]);
    const expected = byNs(engine.state());
    await store.close();
    expect(await recovered(dir)).to.deep.equal(expected);
  });

  for (const point of ['rotated', 'snapshotWritten'] as const) {
    it(`recovers after a crash at compaction point "${point}"`, async () => {
      const dir = tempDir();
      let copy: string | undefined;
      let expectedAtCrash: unknown;
      let engine: ModelEngine | undefined;
      const store = await openStore(dir, {
        compactionProbe: (p) => {
          if (p !== point) return;
          copy = crashCopy(dir);
          expectedAtCrash = byNs(engine!.state());
        },
      });
      engine = new ModelEngine(store);
      await writeMany(engine, 1, 200);
      await store.compact();
      await store.close();

      const names = files(copy!);
      if (point === 'rotated') expect(names).to.deep.equal(['journal.1', 'journal.2']);
      else expect(names).to.deep.equal(['journal.1', 'journal.2', 'snapshot.2']);
      expect(await recovered(copy!)).to.deep.equal(expectedAtCrash);
      // Recovery finished the cleanup an interrupted compaction left behind.
      expect(files(copy!)).to.deep.equal(
        point === 'rotated' ? ['journal.1', 'journal.2'] : ['journal.2', 'snapshot.2']
      );
    });
  }

  it('ignores and removes a half-written snapshot temp file', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const engine = new ModelEngine(store);
    await writeMany(engine, 1, 50);
    const expected = byNs(engine.state());
    await store.close();
    fs.writeFileSync(path.join(dir, 'snapshot.2.tmp'), Buffer.from('half a snapshot'));
    expect(await recovered(dir)).to.deep.equal(expected);
    expect(files(dir)).to.deep.equal(['journal.1']);
  });

  it('falls back to the journals when the newest snapshot is damaged and they still exist', async () => {
    const dir = tempDir();
    let copy: string | undefined;
    const store = await openStore(dir, {
      compactionProbe: (p) => {
        if (p === 'snapshotWritten') copy = crashCopy(dir);
      },
    });
    const engine = new ModelEngine(store);
    await writeMany(engine, 1, 100);
    const expected = byNs(engine.state());
    await store.compact();
    await store.close();
    const snap = path.join(copy!, 'snapshot.2');
    const bytes = fs.readFileSync(snap);
    bytes[bytes.length >> 1] ^= 0xff;
    fs.writeFileSync(snap, bytes);

    expect(await recovered(copy!)).to.deep.equal(expected);
    expect(files(copy!)).to.include('snapshot.2.corrupt');
  });

  it('refuses to open when the only snapshot is damaged and the journals before it are gone', async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const engine = new ModelEngine(store);
    await writeMany(engine, 1, 100);
    await store.compact();
    await store.close();
    const snap = path.join(dir, 'snapshot.2');
    fs.truncateSync(snap, fs.statSync(snap).size - 10);

    let error: Error | undefined;
    await openStore(dir).catch((e: Error) => (error = e));
    expect(error?.message).to.match(
      /Cannot recover .*: no usable snapshot covers the changes before journal\.2/
    );
  });
});
