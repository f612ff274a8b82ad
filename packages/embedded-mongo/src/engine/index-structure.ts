import type { Document } from 'bson';
import { compareValues, compileFilter, parseCollation, type Collation } from '../query/index.js';
import { encodeKey } from './key-encoding.js';
import { SortedEntries, type SortedEntry } from './sorted-entries.js';

/** An index as listIndexes shows it. */
export interface IndexSpec {
  v: number;
  key: Document;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
  [option: string]: unknown;
}

/** One entry a document contributes to an index. */
export interface IndexKey {
  /** Encoding of the whole (compound) key: the map key. */
  full: string;
  /** Encoding of the first field's value: lets equality on the first field use compound indexes. */
  first: string;
  /** The key's values, one per indexed field (null for a missing field). */
  values: unknown[];
}

/** A multimap whose single-holder entries stay a plain string, keeping unique indexes small. */
export class KeyMultiMap {
  readonly map = new Map<string, string | Set<string>>();

  add(key: string, id: string): void {
    const cur = this.map.get(key);
    if (cur === undefined) this.map.set(key, id);
    else if (typeof cur === 'string') {
      if (cur !== id) this.map.set(key, new Set([cur, id]));
    } else cur.add(id);
  }

  remove(key: string, id: string): void {
    const cur = this.map.get(key);
    if (cur === undefined) return;
    if (typeof cur === 'string') {
      if (cur === id) this.map.delete(key);
    } else {
      cur.delete(id);
      if (cur.size === 1) this.map.set(key, cur.values().next().value as string);
      else if (cur.size === 0) this.map.delete(key);
    }
  }

  get(key: string): string[] {
    const cur = this.map.get(key);
    if (cur === undefined) return [];
    return typeof cur === 'string' ? [cur] : [...cur];
  }

  /** First holder other than `exceptId`, if any. */
  other(key: string, exceptId: string): string | undefined {
    const cur = this.map.get(key);
    if (cur === undefined) return undefined;
    if (typeof cur === 'string') return cur === exceptId ? undefined : cur;
    for (const id of cur) if (id !== exceptId) return id;
    return undefined;
  }
}

/** Set when a path walk went through an array (the index becomes multikey). */
interface PathWalk {
  sawArray: boolean;
}

/** Values a dotted path reaches, traversing arrays the way MongoDB's index keys do. */
export function indexPathValues(
  doc: unknown,
  path: string | string[],
  walk: PathWalk = { sawArray: false }
): unknown[] {
  const parts = typeof path === 'string' ? path.split('.') : path;
  // Fast path: a top-level scalar, the common case for index keys.
  if (parts.length === 1 && doc !== null && typeof doc === 'object') {
    const v = (doc as Document)[parts[0]];
    if (v === undefined) return [];
    if (!Array.isArray(v)) return [v];
  }
  const out: unknown[] = [];
  walkPath(doc, parts, 0, out, walk);
  return out;
}

function walkPath(
  value: unknown,
  parts: string[],
  i: number,
  out: unknown[],
  walk: PathWalk
): void {
  if (Array.isArray(value)) walk.sawArray = true;
  if (i === parts.length) {
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(undefined);
      else for (const v of value) out.push(v);
    } else out.push(value);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    const part = parts[i];
    if (/^\d+$/.test(part) && Number(part) < value.length)
      walkPath(value[Number(part)], parts, i + 1, out, walk);
    for (const el of value)
      if (el !== null && typeof el === 'object' && !Array.isArray(el))
        walkPath(el, parts, i, out, walk);
    return;
  }
  const next = (value as Document)[parts[i]];
  if (next === undefined) return;
  walkPath(next, parts, i + 1, out, walk);
}

const MAX_KEYS_PER_DOC = 10_000;

/**
 * A secondary index: a map from canonical key to the `_id` keys of the documents holding it
 * (equality lookups), plus, once a range or sort query needs it, the same entries in key order.
 */
export class IndexStructure {
  readonly fields: string[];
  /** 1 or -1 per field; undefined when a field is not ordered (text, hashed, 2dsphere...). */
  readonly directions?: Array<1 | -1>;
  /** Some document had an array on an indexed path: one document, several keys. */
  multikey = false;
  /** The entries in key order; built on first use by the collection, then kept current. */
  sorted?: SortedEntries;
  private readonly paths: string[][];
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly entries = new KeyMultiMap();
  private readonly prefix?: KeyMultiMap;
  protected readonly partial?: (doc: Document) => boolean;
  /**
   * The index's collation (undefined: simple). A collated index orders its entries with the
   * collator and keeps them sorted from the start: its equality map holds binary keys, which do
   * not equate 'contoso' and 'Contoso', so equality, uniqueness and ranges all go through the
   * collator-ordered entries instead.
   */
  readonly collation?: Collation;

  constructor(readonly spec: IndexSpec) {
    this.collation = parseCollation(spec.collation);
    if (this.collation) this.sorted = new SortedEntries(this.compareEntries);
    // A partial index's filter is matched under the index's collation, as on mongod.
    if (spec.partialFilterExpression)
      this.partial = compileFilter(
        spec.partialFilterExpression,
        undefined,
        this.collation?.compare
      );
    this.fields = Object.keys(spec.key);
    this.paths = this.fields.map((f) => f.split('.'));
    this.unique = spec.unique === true;
    this.sparse = spec.sparse === true;
    if (this.fields.length > 1) this.prefix = new KeyMultiMap();
    const dirs = this.fields.map((f) => spec.key[f] as unknown);
    if (dirs.every((d) => typeof d === 'number' || (d as { _bsontype?: string })?._bsontype)) {
      const nums = dirs.map((d) => Number(d));
      if (nums.every((n) => n === 1 || n === -1)) this.directions = nums as Array<1 | -1>;
    }
  }

  /** Key order of this index: field by field (each in its direction), then by `_id` key. */
  readonly compareEntries = (a: SortedEntry, b: SortedEntry): number => {
    const strings = this.collation?.compare;
    if (this.fields.length === 1) {
      const c = compareValues(a.key, b.key, strings) * (this.directions?.[0] ?? 1);
      if (c !== 0) return c;
    } else {
      const ka = a.key as unknown[];
      const kb = b.key as unknown[];
      for (let i = 0; i < ka.length; i++) {
        const c = compareValues(ka[i], kb[i], strings) * (this.directions?.[i] ?? 1);
        if (c !== 0) return c;
      }
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };

  /** The sorted entries for `keys` of document `idKey`. */
  sortedEntries(idKey: string, keys: IndexKey[]): SortedEntry[] {
    const single = this.fields.length === 1;
    return keys.map((k) => ({ key: single ? k.values[0] : k.values, id: idKey }));
  }

  get name(): string {
    return this.spec.name;
  }

  /** A text index (see TextIndexStructure): never chosen for other queries, as on mongod. */
  get isText(): boolean {
    return false;
  }

  /** True when every document appears in the index, so an equality lookup on it is exhaustive. */
  get complete(): boolean {
    return !this.sparse && !this.partial;
  }

  /** Hidden indexes are maintained (and still enforce uniqueness) but never chosen for a query. */
  get hidden(): boolean {
    return this.spec.hidden === true;
  }

  /** The same entries under new options that do not change keys (TTL, hidden). */
  withSpec(spec: IndexSpec): IndexStructure {
    const next = new IndexStructure(spec);
    next.multikey = this.multikey;
    next.sorted = this.sorted;
    for (const [k, v] of this.entries.map)
      next.entries.map.set(k, typeof v === 'string' ? v : new Set(v));
    if (this.prefix && next.prefix) {
      for (const [k, v] of this.prefix.map)
        next.prefix.map.set(k, typeof v === 'string' ? v : new Set(v));
    }
    return next;
  }

  /** The keys a document contributes (none when sparse/partial exclude it). */
  keysOf(doc: Document): IndexKey[] {
    if (this.partial && !this.partial(doc)) return [];
    const walk = { sawArray: false };
    const perField = this.paths.map((p) => indexPathValues(doc, p, walk));
    if (walk.sawArray) this.multikey = true;
    if (perField.length === 1 && perField[0].length === 1) {
      const value = perField[0][0] ?? null;
      const full = encodeKey(value);
      return [{ full, first: full, values: [value] }];
    }
    if (this.sparse && perField.every((vals) => vals.length === 0)) return [];
    const choices = perField.map((vals) => (vals.length === 0 ? [null] : vals));
    let tuples: unknown[][] = [[]];
    for (const vals of choices) {
      const next: unknown[][] = [];
      for (const t of tuples) for (const v of vals) next.push([...t, v === undefined ? null : v]);
      tuples = next.length > MAX_KEYS_PER_DOC ? next.slice(0, MAX_KEYS_PER_DOC) : next;
    }
    const seen = new Set<string>();
    const keys: IndexKey[] = [];
    for (const values of tuples) {
      const encoded = values.map(encodeKey);
      const full = encoded.join('|');
      if (seen.has(full)) continue;
      seen.add(full);
      keys.push({ full, first: encoded[0], values });
    }
    return keys;
  }

  /** The first key of `keys` held by a document other than `idKey` (unique indexes only). */
  conflict(keys: IndexKey[], idKey: string): IndexKey | undefined {
    if (!this.unique) return undefined;
    if (this.collation && this.sorted) {
      const sorted = this.sorted;
      const single = this.fields.length === 1;
      return keys.find((k) => {
        const probe: SortedEntry = { key: single ? k.values[0] : k.values, id: '' };
        const rel = (e: SortedEntry): number => this.compareKeysOnly(e, probe);
        for (const e of sorted.scan(
          (e) => rel(e) < 0,
          (e) => rel(e) > 0,
          1
        ))
          if (e.id !== idKey) return true;
        return false;
      });
    }
    return keys.find((k) => this.entries.other(k.full, idKey) !== undefined);
  }

  /** compareEntries without the `_id` tie-break. */
  private compareKeysOnly(a: SortedEntry, b: SortedEntry): number {
    const strings = this.collation?.compare;
    if (this.fields.length === 1)
      return compareValues(a.key, b.key, strings) * (this.directions?.[0] ?? 1);
    const ka = a.key as unknown[];
    const kb = b.key as unknown[];
    for (let i = 0; i < ka.length; i++) {
      const c = compareValues(ka[i], kb[i], strings) * (this.directions?.[i] ?? 1);
      if (c !== 0) return c;
    }
    return 0;
  }

  add(idKey: string, keys: IndexKey[]): void {
    for (const k of keys) {
      this.entries.add(k.full, idKey);
      this.prefix?.add(k.first, idKey);
    }
    if (this.sorted) for (const e of this.sortedEntries(idKey, keys)) this.sorted.insert(e);
  }

  remove(idKey: string, keys: IndexKey[]): void {
    for (const k of keys) {
      this.entries.remove(k.full, idKey);
      this.prefix?.remove(k.first, idKey);
    }
    if (this.sorted) for (const e of this.sortedEntries(idKey, keys)) this.sorted.remove(e);
  }

  /** How many documents' first indexed field equals the encoded value (multikey: may repeat). */
  countFirst(encoded: string): number {
    const cur = (this.prefix ?? this.entries).map.get(encoded);
    return cur === undefined ? 0 : typeof cur === 'string' ? 1 : cur.size;
  }

  /** `_id` keys of documents whose first indexed field equals the encoded value. */
  lookupFirst(encoded: string): string[] {
    return (this.prefix ?? this.entries).get(encoded);
  }
}
