import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Document } from 'bson';
import { testLogger } from '../../src/logger.js';
import {
  DataStore,
  type CollectionState,
  type DataStoreOptions,
  type JournalOp,
} from '../../src/storage/data-store.js';
import { idKey } from '../../src/storage/id-key.js';

/** A fresh temp folder; removed by `removeDirs()`. */
const dirs: string[] = [];
export function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'storage-test-'));
  dirs.push(d);
  return d;
}
export function removeDirs(): void {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export function openStore(dir: string, opts: DataStoreOptions = {}): Promise<DataStore> {
  return DataStore.open(dir, { logger: testLogger(), ...opts });
}

/**
 * A stand-in for the engine: applies ops to an in-memory model, then commits them, exactly as
 * the engine must (memory first, commit in the same tick), and serves as the snapshot source.
 */
export class ModelEngine {
  readonly colls = new Map<
    string,
    { options: Document; indexes: Document[]; docs: Map<string, Document> }
  >();

  constructor(readonly store: DataStore) {
    for (const c of store.takeRecovered()) {
      this.colls.set(c.ns, {
        options: c.options,
        indexes: c.indexes,
        docs: new Map(c.docs.map((d) => [idKey(d._id), d])),
      });
    }
    store.setSnapshotSource(() => this.state());
  }

  put(ns: string, doc: Document): Promise<void> {
    this.coll(ns).docs.set(idKey(doc._id), doc);
    return this.store.commit([{ op: 'put', ns, doc }]);
  }

  del(ns: string, id: unknown): Promise<void> {
    this.colls.get(ns)?.docs.delete(idKey(id));
    return this.store.commit([{ op: 'del', ns, id }]);
  }

  apply(ops: JournalOp[]): Promise<void> {
    for (const op of ops) {
      if (op.op === 'put') this.coll(op.ns).docs.set(idKey(op.doc._id), op.doc);
      else if (op.op === 'del') this.colls.get(op.ns)?.docs.delete(idKey(op.id));
      else throw new Error('ModelEngine.apply handles put/del only');
    }
    return this.store.commit(ops);
  }

  state(): CollectionState[] {
    return [...this.colls].map(([ns, c]) => ({
      ns,
      options: c.options,
      indexes: c.indexes,
      docs: [...c.docs.values()],
    }));
  }

  private coll(ns: string) {
    let c = this.colls.get(ns);
    if (!c) {
      c = { options: {}, indexes: [], docs: new Map() };
      this.colls.set(ns, c);
    }
    return c;
  }
}

/** Recovered state as `{ ns: { id-key: doc } }`, sorted, for deep comparisons. */
export function byNs(state: CollectionState[]): Record<string, Record<string, Document>> {
  const out: Record<string, Record<string, Document>> = {};
  for (const c of [...state].sort((a, b) => a.ns.localeCompare(b.ns))) {
    out[c.ns] = Object.fromEntries(c.docs.map((d) => [idKey(d._id), d]));
  }
  return out;
}

/** Copies a data folder as it is on disk right now: what a crash at this instant leaves. */
export function crashCopy(dir: string): string {
  const copy = tempDir();
  fs.cpSync(dir, copy, { recursive: true });
  return copy;
}

export function journalPath(dir: string): string {
  const journals = fs
    .readdirSync(dir)
    .filter((n) => /^journal\.\d+$/.test(n))
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
  return path.join(dir, journals[journals.length - 1]);
}
