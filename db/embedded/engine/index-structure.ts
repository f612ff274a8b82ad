import type { Document } from 'bson';
import { compileFilter } from '../query/index.js';
import { encodeKey } from './key-encoding.js';

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

/** Values a dotted path reaches, traversing arrays the way MongoDB's index keys do. */
export function indexPathValues(doc: unknown, path: string | string[]): unknown[] {
  const parts = typeof path === 'string' ? path.split('.') : path;
  // Fast path: a top-level scalar, the common case for index keys.
  if (parts.length === 1 && doc !== null && typeof doc === 'object') {
    const v = (doc as Document)[parts[0]];
    if (v === undefined) return [];
    if (!Array.isArray(v)) return [v];
  }
  const out: unknown[] = [];
  walkPath(doc, parts, 0, out);
  return out;
}

function walkPath(value: unknown, parts: string[], i: number, out: unknown[]): void {
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
      walkPath(value[Number(part)], parts, i + 1, out);
    for (const el of value)
      if (el !== null && typeof el === 'object' && !Array.isArray(el)) walkPath(el, parts, i, out);
    return;
  }
  const next = (value as Document)[parts[i]];
  if (next === undefined) return;
  walkPath(next, parts, i + 1, out);
}

const MAX_KEYS_PER_DOC = 10_000;

/** A secondary index: map from canonical key to the `_id` keys of the documents holding it. */
export class IndexStructure {
  readonly fields: string[];
  private readonly paths: string[][];
  readonly unique: boolean;
  readonly sparse: boolean;
  readonly entries = new KeyMultiMap();
  private readonly prefix?: KeyMultiMap;
  private readonly partial?: (doc: Document) => boolean;

  constructor(readonly spec: IndexSpec) {
    this.fields = Object.keys(spec.key);
    this.paths = this.fields.map((f) => f.split('.'));
    this.unique = spec.unique === true;
    this.sparse = spec.sparse === true;
    if (spec.partialFilterExpression) this.partial = compileFilter(spec.partialFilterExpression);
    if (this.fields.length > 1) this.prefix = new KeyMultiMap();
  }

  get name(): string {
    return this.spec.name;
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
    const perField = this.paths.map((p) => indexPathValues(doc, p));
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
    return keys.find((k) => this.entries.other(k.full, idKey) !== undefined);
  }

  add(idKey: string, keys: IndexKey[]): void {
    for (const k of keys) {
      this.entries.add(k.full, idKey);
      this.prefix?.add(k.first, idKey);
    }
  }

  remove(idKey: string, keys: IndexKey[]): void {
    for (const k of keys) {
      this.entries.remove(k.full, idKey);
      this.prefix?.remove(k.first, idKey);
    }
  }

  /** `_id` keys of documents whose first indexed field equals the encoded value. */
  lookupFirst(encoded: string): string[] {
    return (this.prefix ?? this.entries).get(encoded);
  }
}
