import type { Document } from 'bson';
import { Errors } from '../errors.js';
import type {
  DataStore,
  JournalOp,
  RecoveredCollection,
  SnapshotCollection,
} from '../storage/data-store.js';
import { Collection } from './collection.js';
import type { IndexSpec } from './index-structure.js';

const VALID_DB = /^[^/\\. "$*<>:|?]+$/;

/**
 * All databases and collections in memory. Mutations are synchronous and return journal ops;
 * `commit` hands them to the store in the same tick, so journal order equals memory order.
 */
export class Catalog {
  private readonly dbs = new Map<string, Map<string, Collection>>();

  constructor(private readonly store: DataStore) {
    store.setSnapshotSource(() => this.snapshot());
  }

  /** Rebuilds memory from the store's recovered state (no journaling). */
  loadRecovered(states: RecoveredCollection[]): void {
    for (const state of states) {
      const dot = state.ns.indexOf('.');
      const coll = withContext(`collection ${state.ns}`, () =>
        this.createUnjournaled(state.ns.slice(0, dot), state.ns.slice(dot + 1), state.options)
      );
      for (const spec of state.indexes) {
        if (spec.name !== '_id_')
          withContext(`index ${String(spec.name)} of ${state.ns}`, () =>
            coll.addIndex(spec as IndexSpec)
          );
      }
      // A document the (now collated) unique indexes refuse stops the open with this name.
      withContext(`the documents of ${state.ns}`, () => {
        for (const bson of state.docs) coll.load(bson);
      });
    }
  }

  /**
   * Appends ops to the journal now; the promise resolves when they are durable. With no ops
   * (a write that matched or changed nothing) it still waits for every record already queued,
   * as mongod makes a no-op write wait for the journal to cover what it read: otherwise a loser
   * of a conditional update could hear "someone else won" before the winner's write survives a
   * crash.
   */
  commit(ops: JournalOp[]): Promise<void> {
    return this.store.commit(ops);
  }

  databaseNames(): string[] {
    return [...this.dbs.keys()];
  }

  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }

  allCollections(): Collection[] {
    return [...this.dbs.values()].flatMap((m) => [...m.values()]);
  }

  get(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }

  /** The collection, created implicitly (as an insert or upsert does) when missing. */
  ensure(db: string, name: string, ops: JournalOp[]): Collection {
    return this.get(db, name) ?? this.create(db, name, {}, ops);
  }

  create(db: string, name: string, options: Document, ops: JournalOp[]): Collection {
    validateNames(db, name);
    if (this.get(db, name))
      throw Errors.namespaceExists(`Collection ${db}.${name} already exists.`);
    const coll = this.createUnjournaled(db, name, options);
    ops.push({ op: 'createCollection', ns: coll.ns, options });
    return coll;
  }

  /**
   * Moves a collection (also across databases). Journaled as one record that recreates it under
   * the new name with its indexes and documents and drops the old one, so replay is all-or-nothing.
   */
  rename(from: Collection, db: string, name: string, ops: JournalOp[]): Collection {
    validateNames(db, name);
    this.drop(from.db, from.name, []);
    const moved = from.renamed(db, name);
    let colls = this.dbs.get(db);
    if (!colls) {
      colls = new Map();
      this.dbs.set(db, colls);
    }
    colls.set(name, moved);
    ops.push({ op: 'createCollection', ns: moved.ns, options: moved.options });
    for (const ix of moved.indexes) ops.push({ op: 'createIndex', ns: moved.ns, spec: ix.spec });
    for (const bson of moved.bsonDocuments()) {
      ops.push({ op: 'put', ns: moved.ns, doc: {}, bson });
    }
    ops.push({ op: 'dropCollection', ns: from.ns });
    return moved;
  }

  /**
   * Puts a collection built outside the catalog (`$out`) in place, journaled as one record that
   * creates it with its indexes and documents (the caller drops any previous one first).
   */
  adopt(coll: Collection, ops: JournalOp[]): void {
    validateNames(coll.db, coll.name);
    let colls = this.dbs.get(coll.db);
    if (!colls) {
      colls = new Map();
      this.dbs.set(coll.db, colls);
    }
    colls.set(coll.name, coll);
    ops.push({ op: 'createCollection', ns: coll.ns, options: coll.options });
    for (const ix of coll.indexes) ops.push({ op: 'createIndex', ns: coll.ns, spec: ix.spec });
    for (const bson of coll.bsonDocuments()) ops.push({ op: 'put', ns: coll.ns, doc: {}, bson });
  }

  drop(db: string, name: string, ops: JournalOp[]): Collection | undefined {
    const coll = this.get(db, name);
    if (!coll) return undefined;
    const colls = this.dbs.get(db)!;
    colls.delete(name);
    if (colls.size === 0) this.dbs.delete(db);
    ops.push({ op: 'dropCollection', ns: coll.ns });
    return coll;
  }

  dropDatabase(db: string, ops: JournalOp[]): void {
    if (!this.dbs.has(db)) return;
    this.dbs.delete(db);
    ops.push({ op: 'dropDatabase', db });
  }

  /** The full state for a storage snapshot, documents as BSON bytes (no decode/encode). */
  snapshot(): SnapshotCollection[] {
    return this.allCollections().map((coll) => ({
      ns: coll.ns,
      options: coll.options,
      indexes: coll.specs(),
      docs: coll.bsonDocuments(),
    }));
  }

  private createUnjournaled(db: string, name: string, options: Document): Collection {
    let colls = this.dbs.get(db);
    if (!colls) {
      colls = new Map();
      this.dbs.set(db, colls);
    }
    const coll = new Collection(db, name, options);
    colls.set(name, coll);
    return coll;
  }
}

/**
 * Runs a recovery step, naming what it was loading when it fails (a stored collation this
 * version refuses, say), so the operator learns which collection or index to fix.
 */
function withContext<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot load ${what} from the data folder: ${msg}`, { cause: err });
  }
}

function validateNames(db: string, name: string): void {
  if (!VALID_DB.test(db)) throw Errors.invalidNamespace(`Invalid database name: '${db}'`);
  if (!name || name.includes('$') || name.startsWith('.') || name.includes('\0')) {
    throw Errors.invalidNamespace(`Invalid collection name: ${name}`);
  }
}
