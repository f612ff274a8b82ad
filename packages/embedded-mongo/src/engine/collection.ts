import { calculateObjectSize, serialize, UUID, type Document } from 'bson';
import { decodeBson } from './bson-values.js';
import { fieldPicker, filterFields } from './bson-fields.js';
import { Errors } from '../errors.js';
import {
  compareValues,
  compileFilter,
  compileSort,
  holdsStrings,
  parseCollation,
  type Collation,
} from '../query/index.js';
import type { JournalOp } from '../storage/data-store.js';
import { duplicateKeyError } from './dup-key.js';
import { IndexStructure, type IndexKey, type IndexSpec } from './index-structure.js';
import { encodeKey } from './key-encoding.js';
import { planAccess, type AccessPlan } from './candidates.js';
import { SortedEntries, type SortedEntry } from './sorted-entries.js';
import { topK } from './top-k.js';
import { compileValidation, validationError, type Validation } from './validation.js';
import type { MongoCommandError } from '../errors.js';
import { makeIndex, TextIndexStructure } from './text-index.js';
import { parseTextOperator, queryLanguage, textQuery } from '../query/text/text-spec.js';
import { setTextScore, type TextSearch } from '../query/text/score.js';

/** Largest document a client may store (BSONObjMaxUserSize). */
export const MAX_BSON_SIZE = 16 * 1024 * 1024;

/** The `_id` index as listIndexes shows it. */
export const ID_INDEX_SPEC: IndexSpec = { v: 2, key: { _id: 1 }, name: '_id_' };

/** How a query reads: its collation (undefined: simple) and its `let` variables. */
export interface QueryEnv {
  collation?: Collation;
  variables?: Document;
}

/** A stored document: its `_id` key and its decoded value. */
export interface Hit {
  key: string;
  doc: Document;
}

/**
 * One collection: documents kept as their BSON (compact, and decoding gives every reader a
 * private copy) in a map keyed by the canonical `_id` encoding, which doubles as the `_id` index.
 * Every mutating method is synchronous and returns the journal ops describing it.
 *
 * The BSON is held as a latin1 string (one byte per char) rather than a Buffer: V8 keeps such a
 * string in its compacting heap at ~16 bytes overhead, whereas small Buffers are slices of
 * shared 8 KiB pools that one surviving document keeps alive, so updates would fragment memory.
 */
export class Collection {
  readonly docs = new Map<string, string>();
  readonly indexes: IndexStructure[] = [];
  readonly uuid = new UUID();
  bsonSize = 0;
  /** The default collation (`create` with `collation`); undefined: simple. */
  readonly collation?: Collation;

  /**
   * Under a default collation the `_id` index is collated too (mongod's rule): `_id`s in
   * collator order, so `'a'` and `'A'` clash under strength 2, and a query under that collation
   * finds a string `_id` without a scan. The binary map `docs` stays the primary store.
   */
  readonly idOrder?: SortedEntries;

  constructor(
    readonly db: string,
    readonly name: string,
    public options: Document
  ) {
    this.collation = parseCollation(options.collation);
    const strings = this.collation?.compare;
    if (strings) {
      this.idOrder = new SortedEntries((a, b) => {
        const c = compareValues(a.key, b.key, strings);
        if (c !== 0) return c;
        return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
      });
    }
  }

  /** `_id` keys of the documents whose `_id` equals `id` under the default collation. */
  *collatedIds(id: unknown): Generator<string> {
    const order = this.idOrder;
    const strings = this.collation?.compare;
    if (!order || !strings) return;
    const rel = (e: SortedEntry) => compareValues(e.key, id, strings);
    for (const e of order.scan(
      (e) => rel(e) < 0,
      (e) => rel(e) > 0,
      1
    ))
      yield e.id;
  }

  private validationOf?: { options: Document; validation?: Validation };

  /** The collection's document validation (from its options), compiled once per options. */
  get validation(): Validation | undefined {
    if (this.validationOf?.options !== this.options)
      this.validationOf = { options: this.options, validation: compileValidation(this.options) };
    return this.validationOf.validation;
  }

  /**
   * Checks a document about to be written against the validator, as mongod does: nothing when
   * validation is off or bypassed; under `moderate`, an update of a document that already
   * failed is not checked. Throws 121 under `validationAction: 'error'`; under `'warn'` returns
   * the error for the caller to log, and the write goes ahead.
   */
  checkValidation(
    doc: Document,
    old: Document | undefined,
    bypass: boolean
  ): MongoCommandError | undefined {
    const v = this.validation;
    if (!v || v.level === 'off' || bypass) return undefined;
    if (old && v.level === 'moderate' && !v.matches(old)) return undefined;
    if (v.matches(doc)) return undefined;
    const err = validationError(v, doc);
    if (v.action === 'error') throw err;
    return err;
  }

  /** A command's collation, else this collection's default (`{ locale: 'simple' }`: binary). */
  collationFor(requested: unknown): Collation | undefined {
    return requested === undefined ? this.collation : parseCollation(requested);
  }

  /** A view (`create` with `viewOn` and `pipeline`): no documents, read through its pipeline. */
  get isView(): boolean {
    return typeof this.options.viewOn === 'string';
  }

  get ns(): string {
    return `${this.db}.${this.name}`;
  }

  /** The collection's text index (there is at most one, as on mongod). */
  get textIndex(): TextIndexStructure | undefined {
    return this.indexes.find((ix): ix is TextIndexStructure => ix instanceof TextIndexStructure);
  }

  /** Results of `$text` searches, per operator object (one command's query). */
  private readonly textResults = new WeakMap<object, Map<string, number>>();

  /** The documents a `$text` operator finds through the text index, with their scores. */
  textScores(raw: unknown, root: Document): Map<string, number> {
    const spec = parseTextOperator(raw);
    const cached = this.textResults.get(raw as object);
    if (cached) return cached;
    const ix = this.textIndex;
    // A hidden text index cannot serve queries, so $text has none (as on mongod).
    if (!ix || ix.hidden) throw Errors.indexNotFound('text index required for $text query');
    const q = textQuery(spec, queryLanguage(spec, ix.text));
    const scores = ix.search(root, q.boundsTerms);
    this.textResults.set(raw as object, scores);
    return scores;
  }

  /**
   * `$text` as a filter predicate (mongod's TEXT_OR then TEXT_MATCH): the document must be
   * among the index's hits; under case or diacritic sensitivity it must hold a term exactly;
   * then negated terms and phrases are checked on its strings. A match carries its score.
   */
  readonly textSearch: TextSearch = (raw, root) => {
    const scores = this.textScores(raw, root);
    const ix = this.textIndex!;
    const spec = raw as Document;
    const q = textQuery(spec, queryLanguage(spec, ix.text));
    const opts = {
      filterStopWords: false,
      caseSensitive: q.caseSensitive,
      diacriticSensitive: q.diacriticSensitive,
    };
    const sensitive = q.caseSensitive || q.diacriticSensitive;
    return (doc) => {
      const score = scores.get(idKeyOf(doc._id));
      if (score === undefined) return false;
      if (sensitive && !ix.text.holdsTerm(doc, q.positiveTerms, opts)) return false;
      if (q.negatedTerms.size > 0 && ix.text.holdsTerm(doc, q.negatedTerms, opts)) return false;
      for (const p of q.positivePhrases) if (!ix.text.holdsPhrase(doc, p, opts)) return false;
      for (const p of q.negatedPhrases) if (ix.text.holdsPhrase(doc, p, opts)) return false;
      setTextScore(doc, score);
      return true;
    };
  };

  /** Index specs as listIndexes returns them, `_id_` first. */
  specs(): IndexSpec[] {
    return [ID_INDEX_SPEC, ...this.indexes.map((i) => i.spec)];
  }

  decode(stored: string | Uint8Array): Document {
    return decodeBson(typeof stored === 'string' ? Buffer.from(stored, 'latin1') : stored);
  }

  /** The stored BSON of every document, for a storage snapshot. */
  bsonDocuments(): Buffer[] {
    const out: Buffer[] = [];
    for (const s of this.docs.values()) out.push(Buffer.from(s, 'latin1'));
    return out;
  }

  getByKey(key: string): Document | undefined {
    const buf = this.docs.get(key);
    return buf ? this.decode(buf) : undefined;
  }

  /**
   * A test of stored documents against `filter` giving the decoded document when it matches.
   * When the filter reads only some top-level fields, those are decoded first and most
   * documents that cannot match are never decoded whole. `exact`: the plan's index bounds
   * already decided the match (see AccessPlan), so the filter only has to compile.
   */
  matcher(
    filter: Document,
    exact = false,
    env: QueryEnv = {}
  ): (stored: string) => Document | undefined {
    const matches = compileFilter(filter, env.variables, env.collation?.compare, this.textSearch);
    if (exact) return (stored) => this.decode(stored);
    const fields = filterFields(filter);
    if (!fields || fields.size === 0) {
      return (stored) => {
        const doc = this.decode(stored);
        return matches(doc) ? doc : undefined;
      };
    }
    const pick = fieldPicker(fields);
    return (stored) => {
      const part = pick(stored);
      if (part === undefined) {
        const doc = this.decode(stored);
        return matches(doc) ? doc : undefined;
      }
      return matches(this.decode(part)) ? this.decode(stored) : undefined;
    };
  }

  /** The index's entries in key order, built from the documents on first use. */
  sortedIndex(ix: IndexStructure): SortedEntries {
    if (!ix.sorted) {
      const entries: SortedEntry[] = [];
      // Only the indexed fields (and a partial index's filter fields) need decoding.
      const pfe = ix.spec.partialFilterExpression;
      const fields = pfe ? filterFields(pfe) : new Set<string>();
      for (const f of ix.fields) fields?.add(f.split('.')[0]);
      const pick = fields ? fieldPicker(fields) : undefined;
      for (const [key, buf] of this.docs) {
        const doc = this.decode((pick && pick(buf)) ?? buf);
        for (const e of ix.sortedEntries(key, ix.keysOf(doc))) entries.push(e);
      }
      ix.sorted = SortedEntries.from(entries, ix.compareEntries);
    }
    return ix.sorted;
  }

  /**
   * Stored entries a plan selects: its index hits, or every entry for a scan. A scan iterates
   * the live map and an index scan finds its place again after a write, so both are safe under
   * later writes: replaced documents keep their place and deleted ones are skipped.
   */
  *entries(plan: AccessPlan): Generator<[string, string]> {
    if (!plan.ids) {
      yield* this.docs.entries();
      return;
    }
    for (const k of plan.ids()) {
      const buf = this.docs.get(k);
      if (buf !== undefined) yield [k, buf];
    }
  }

  /** Stored entries that may match `filter` (see `planAccess`). */
  candidates(filter: Document | undefined): Iterable<[string, string]> {
    return this.entries(planAccess(this, filter ?? {}));
  }

  /**
   * Documents matching `filter`, decoded, in `sort` order (natural order without one); stops
   * after `limit` when given. An index giving the sort order lets it stop early.
   */
  find(filter: Document | undefined, limit = 0, sort?: Document, env: QueryEnv = {}): Hit[] {
    const plan = planAccess(this, filter ?? {}, sort, env.collation);
    const match = this.matcher(filter ?? {}, plan.exact, env);
    const inOrder = plan.sorted || !sort || Object.keys(sort).length === 0;
    const hits: Hit[] = [];
    for (const [key, buf] of this.entries(plan)) {
      const doc = match(buf);
      if (!doc) continue;
      hits.push({ key, doc });
      if (inOrder && limit > 0 && hits.length >= limit) break;
    }
    if (inOrder) return hits;
    const cmp = compileSort(sort!, env.collation?.compare);
    const byDoc = (a: Hit, b: Hit): number => cmp(a.doc, b.doc);
    return limit > 0 ? topK(hits, limit, byDoc) : hits.sort(byDoc);
  }

  /** Inserts a document that already has its `_id`. Throws 11000 before changing anything. */
  insert(doc: Document, encoded?: Buffer): JournalOp {
    const buf = encoded ?? encodeForStorage(doc, 'insert');
    const key = idKeyOf(doc._id);
    if (this.docs.has(key)) throw duplicateKeyError(this.ns, '_id_', doc._id);
    if (this.idOrder && holdsStrings(doc._id)) {
      for (const other of this.collatedIds(doc._id))
        if (other !== key) throw duplicateKeyError(this.ns, '_id_', doc._id);
    }
    const keys = this.indexKeys(doc, key);
    this.docs.set(key, buf.toString('latin1'));
    this.bsonSize += buf.length;
    this.indexes.forEach((ix, i) => ix.add(key, keys[i]));
    this.idOrder?.insert({ key: doc._id, id: key });
    return { op: 'put', ns: this.ns, doc, bson: buf };
  }

  /** Replaces the stored document under `key` (whose decoded value is `oldDoc`) with `newDoc`. */
  replace(key: string, oldDoc: Document, newDoc: Document): JournalOp {
    const buf = encodeForStorage(newDoc, 'update');
    const newKeys = this.indexKeys(newDoc, key);
    const old = this.docs.get(key);
    this.indexes.forEach((ix) => ix.remove(key, ix.keysOf(oldDoc)));
    this.indexes.forEach((ix, i) => ix.add(key, newKeys[i]));
    this.docs.set(key, buf.toString('latin1'));
    this.bsonSize += buf.length - (old?.length ?? 0);
    return { op: 'put', ns: this.ns, doc: newDoc, bson: buf };
  }

  remove(key: string, oldDoc: Document): JournalOp {
    const old = this.docs.get(key);
    this.indexes.forEach((ix) => ix.remove(key, ix.keysOf(oldDoc)));
    this.idOrder?.remove({ key: oldDoc._id, id: key });
    this.docs.delete(key);
    this.bsonSize -= old?.length ?? 0;
    return { op: 'del', ns: this.ns, id: oldDoc._id };
  }

  /** This collection's documents and indexes under another name (the old object is dropped). */
  renamed(db: string, name: string): Collection {
    const moved = new Collection(db, name, this.options);
    for (const [k, v] of this.docs) {
      moved.docs.set(k, v);
      moved.idOrder?.insert({ key: this.decode(v)._id, id: k });
    }
    for (const ix of this.indexes) moved.indexes.push(ix);
    moved.bsonSize = this.bsonSize;
    return moved;
  }

  /** Loads a recovered document from its BSON. */
  load(bson: Buffer): void {
    this.insert(this.decode(bson), bson);
  }

  /** Builds an index over the existing documents; throws 11000 if a unique one is violated. */
  addIndex(spec: IndexSpec): void {
    const ix = makeIndex(spec);
    for (const [key, buf] of this.docs) {
      const keys = ix.keysOf(this.decode(buf));
      const clash = ix.conflict(keys, key);
      if (clash) throw duplicateKeyError(this.ns, ix, clash);
      ix.add(key, keys);
    }
    this.indexes.push(ix);
  }

  /** Swaps an index's options (same key) without rebuilding its entries, keeping its position. */
  updateIndexSpec(name: string, spec: IndexSpec): void {
    const i = this.indexes.findIndex((ix) => ix.name === name);
    if (i >= 0) this.indexes[i] = this.indexes[i].withSpec(spec);
  }

  dropIndex(name: string): void {
    const i = this.indexes.findIndex((ix) => ix.name === name);
    if (i >= 0) this.indexes.splice(i, 1);
  }

  /** Keys of `doc` per index, after checking every unique index (so a failure changes nothing). */
  private indexKeys(doc: Document, key: string): IndexKey[][] {
    return this.indexes.map((ix) => {
      const keys = ix.keysOf(doc);
      const clash = ix.conflict(keys, key);
      if (clash) throw duplicateKeyError(this.ns, ix, clash);
      return keys;
    });
  }
}

/** Canonical key of an `_id` value. */
export function idKeyOf(id: unknown): string {
  return encodeKey(id);
}

function encodeForStorage(doc: Document, op: 'insert' | 'update'): Buffer {
  let u8: Uint8Array;
  try {
    u8 = serialize(doc, { checkKeys: false, ignoreUndefined: false });
  } catch (err) {
    // bson's serializer overflows its 17 MiB buffer before we can measure the result.
    if (err instanceof RangeError) throw tooLarge(calculateObjectSize(doc), op);
    throw err;
  }
  if (u8.byteLength > MAX_BSON_SIZE) throw tooLarge(u8.byteLength, op);
  return Buffer.isBuffer(u8) ? u8 : Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
}

/** mongod's wording: BadValue on insert, BSONObjectTooLarge when an update grows a document. */
function tooLarge(size: number, op: 'insert' | 'update'): Error {
  return op === 'insert'
    ? Errors.badValue(
        `object to insert too large. size in bytes: ${size}, max size: ${MAX_BSON_SIZE}`
      )
    : Errors.badBson(
        `BSONObj size: ${size} (0x${size.toString(16).toUpperCase()}) is invalid. Size must be between 0 and 16793600(16MB)`
      );
}
