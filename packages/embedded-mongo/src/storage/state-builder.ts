import type { Document } from 'bson';
import { encodeDoc } from './bson-codec.js';
import { rawIdKey } from './bson-raw.js';
import { idKey } from './id-key.js';
import type { JournalOp } from './journal-op.js';

/** A collection rebuilt at open, its documents still as BSON (each in its own small buffer). */
export interface RecoveredCollection {
  ns: string;
  options: Document;
  indexes: Document[];
  docs: Buffer[];
}

interface BuildingCollection {
  options: Document;
  indexes: Document[];
  docs: Map<string, Buffer>;
}

/**
 * Rebuilds the state at open: a snapshot's collections, then the journal's ops applied in order.
 * Documents stay BSON: only their `_id` is read, so a document overwritten later in the journal
 * costs no decoding, and the engine (which stores BSON) need not encode them again.
 */
export class StateBuilder {
  private readonly collections = new Map<string, BuildingCollection>();

  addCollection(ns: string, options: Document, indexes: Document[]): void {
    this.collections.set(ns, { options, indexes, docs: new Map() });
  }

  /** Upserts a document by `_id`; `bson` must be a buffer of its own (it is kept). */
  putRaw(ns: string, bson: Buffer): void {
    this.ensure(ns).docs.set(rawIdKey(bson), bson);
  }

  apply(op: JournalOp): void {
    switch (op.op) {
      case 'put':
        this.putRaw(op.ns, encodeDoc(op.doc));
        return;
      case 'del':
        this.collections.get(op.ns)?.docs.delete(idKey(op.id));
        return;
      case 'createCollection': {
        const existing = this.collections.get(op.ns);
        if (existing) existing.options = op.options;
        else this.addCollection(op.ns, op.options, []);
        return;
      }
      case 'dropCollection':
        this.collections.delete(op.ns);
        return;
      case 'createIndex': {
        const c = this.ensure(op.ns);
        const at = c.indexes.findIndex((i) => i.name === op.spec.name);
        if (at >= 0) c.indexes[at] = op.spec;
        else c.indexes.push(op.spec);
        return;
      }
      case 'dropIndex': {
        const c = this.collections.get(op.ns);
        if (!c) return;
        c.indexes = c.indexes.filter((i) =>
          op.name === '*' ? i.name === '_id_' : i.name !== op.name
        );
        return;
      }
      case 'dropDatabase': {
        const prefix = op.db + '.';
        for (const ns of [...this.collections.keys()]) {
          if (ns.startsWith(prefix)) this.collections.delete(ns);
        }
        return;
      }
      default:
        throw new Error(`Unknown journal op ${JSON.stringify((op as { op?: unknown }).op)}`);
    }
  }

  /** Hands the state over and forgets it, so the recovered documents are held only once. */
  finish(): RecoveredCollection[] {
    const out: RecoveredCollection[] = [];
    for (const [ns, c] of this.collections) {
      out.push({ ns, options: c.options, indexes: c.indexes, docs: Array.from(c.docs.values()) });
      c.docs.clear();
    }
    this.collections.clear();
    return out;
  }

  private ensure(ns: string): BuildingCollection {
    let c = this.collections.get(ns);
    if (!c) {
      // MongoDB creates a collection implicitly on first write; the engine adds its _id index.
      c = { options: {}, indexes: [], docs: new Map() };
      this.collections.set(ns, c);
    }
    return c;
  }
}
