import { expect } from 'chai';
import type { Document } from 'bson';
import { Catalog } from '../../src/engine/catalog.js';
import { TtlMonitor } from '../../src/engine/ttl-monitor.js';
import type { DataStore, JournalOp } from '../../src/storage/data-store.js';
import { testLogger } from '../../src/logger.js';

/** Just enough of DataStore to record what the engine journals. */
function recordingStore(): { store: DataStore; commits: JournalOp[][] } {
  const commits: JournalOp[][] = [];
  const store = {
    setSnapshotSource: () => undefined,
    commit: (ops: JournalOp[]) => {
      commits.push(ops);
      return Promise.resolve();
    },
  } as unknown as DataStore;
  return { store, commits };
}

describe('embedded engine TTL monitor', () => {
  it('deletes documents whose date (the earliest, for arrays) is older than expireAfterSeconds, and journals it', async () => {
    const { store, commits } = recordingStore();
    const catalog = new Catalog(store);
    const coll = catalog.ensure('app', 'sessions', []);
    coll.addIndex({ v: 2, key: { at: 1 }, name: 'at_1', expireAfterSeconds: 60 });
    const now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const docs: Document[] = [
      { _id: 'expired', at: new Date(now - 61_000) },
      { _id: 'fresh', at: new Date(now - 59_000) },
      { _id: 'array', at: [new Date(now + 3_600_000), new Date(now - 120_000)] },
      { _id: 'notDate', at: now - 120_000 },
      { _id: 'missing' },
    ];
    for (const d of docs) coll.insert(d);
    await new TtlMonitor(catalog, testLogger()).sweep(now);
    expect([...coll.docs.keys()].map((k) => coll.getByKey(k)?._id)).to.deep.equal([
      'fresh',
      'notDate',
      'missing',
    ]);
    const deleted = commits.flat().filter((op) => op.op === 'del');
    expect(deleted.map((op) => (op as { id: unknown }).id)).to.deep.equal(['expired', 'array']);
  });

  it('leaves collections without a TTL index alone', async () => {
    const { store, commits } = recordingStore();
    const catalog = new Catalog(store);
    const coll = catalog.ensure('app', 'plain', []);
    coll.addIndex({ v: 2, key: { at: 1 }, name: 'at_1' });
    coll.insert({ _id: 1, at: new Date(0) });
    await new TtlMonitor(catalog, testLogger()).sweep(Date.now());
    expect(coll.docs.size).to.equal(1);
    expect(commits).to.have.length(0);
  });
});
