import type { Document } from 'bson';
import {
  compareValues,
  holdsStrings,
  sameCollation,
  type Collation,
  type StringCompare,
} from '../query/index.js';
import type { Collection } from './collection.js';
import type { IndexStructure } from './index-structure.js';
import { boundsOf, oneSided, position, type FieldBounds, type Interval } from './key-bounds.js';
import { encodeKey } from './key-encoding.js';
import type { EntryTest, SortedEntry } from './sorted-entries.js';

/** An equality on the first field yielding this few documents wins without further planning. */
const QUICK_HASH_HIT = 16;
/** Cap on the point combinations (`$in` x `$in` ...) one plan scans. */
const MAX_PREFIXES = 1000;
/** Cap on the point ranges merged into one sorted stream. */
const MAX_MERGED = 64;

/**
 * How a query finds its candidates: `_id` keys (IDHACK), an index (IXSCAN) or every document
 * (no `index`). Candidates are always re-checked by the full filter unless `exact` says the
 * bounds alone decide a match (used to count without decoding).
 */
export interface AccessPlan {
  /** `_id_`, another index's name, or undefined for a collection scan. */
  index?: string;
  /** The `_id` keys of the candidates, lazily, deduplicated; undefined for a scan. */
  ids?: () => Iterable<string>;
  /** Candidates come in the order of the requested sort. */
  sorted: boolean;
  /** 1 forward, -1 backward over the index. */
  direction: 1 | -1;
  /** Every candidate matches the filter. */
  exact: boolean;
  /** Estimated candidates (exact for equality and range bounds). */
  estimate: number;
  /** The index's key pattern and multikey state, for explain. */
  keyPattern?: Document;
  isMultiKey?: boolean;
  /** Per field of the index, the bounds scanned (explain's `indexBounds`). */
  bounds?: Interval[][];
  /** The index's collation spec, for explain. */
  collation?: Document;
}

/** Whether bounds compare strings (then only an index under the query's collation serves them). */
function boundsHoldStrings(b: FieldBounds): boolean {
  if (b.points) return b.points.some(holdsStrings);
  return b.range?.bracket === 'string';
}

/** A sort spec as fields and directions; undefined when an index cannot serve it ($meta...). */
function sortFields(sort: Document | undefined): Array<[string, 1 | -1]> | undefined {
  if (!sort) return undefined;
  const out: Array<[string, 1 | -1]> = [];
  for (const [field, dir] of Object.entries(sort)) {
    const n = typeof dir === 'object' && dir !== null && !('_bsontype' in dir) ? NaN : Number(dir);
    if (n !== 1 && n !== -1) return undefined;
    out.push([field, n]);
  }
  return out;
}

/** Bounds for each field the filter's top level and its `$and` branches constrain. */
function collectBounds(filter: Document, out: Map<string, FieldBounds>): void {
  for (const [field, cond] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(cond)) {
      for (const branch of cond)
        if (branch && typeof branch === 'object') collectBounds(branch as Document, out);
      continue;
    }
    if (field.startsWith('$')) continue;
    const b = boundsOf(cond);
    if (!b) continue;
    const had = out.get(field);
    // Two conditions on one field: either alone is a superset; equality narrows best.
    if (!had) out.set(field, b);
    else out.set(field, { ...(had.points || !b.points ? had : b), exact: false });
  }
}

/** The filter's fields when it is only field conditions (no `$and`, `$or`, `$expr`...). */
function plainFields(filter: Document): string[] | undefined {
  const fields = Object.keys(filter);
  return fields.some((f) => f.startsWith('$')) ? undefined : fields;
}

/**
 * True when every document matching `filter` satisfies the partial index's expression: each of
 * its conditions appears verbatim in the filter, or is `$exists: true` on a field the filter
 * bounds to non-null values. Anything subtler is refused (the index is then not used).
 */
function impliesPartial(
  filter: Document,
  expr: Document,
  bounds: Map<string, FieldBounds>
): boolean {
  const conds = new Map<string, string>();
  const gather = (f: Document): void => {
    for (const [k, v] of Object.entries(f)) {
      if (k === '$and' && Array.isArray(v)) v.forEach((b) => b && gather(b as Document));
      else if (!k.startsWith('$')) conds.set(k + '\u0000' + encodeKey(v), k);
    }
  };
  gather(filter);
  const holds = (e: Document): boolean =>
    Object.entries(e).every(([k, v]) => {
      if (k === '$and' && Array.isArray(v)) return v.every((b) => holds(b as Document));
      if (k.startsWith('$')) return false;
      if (conds.has(k + '\u0000' + encodeKey(v))) return true;
      const existsOnly =
        v !== null && typeof v === 'object' && Object.keys(v).length === 1 && v.$exists === true;
      return existsOnly && bounds.has(k);
    });
  return holds(expr);
}

/** Whether map-key equality is MongoDB equality for this value (not so for fractions). */
function hashesExactly(v: unknown): boolean {
  if (typeof v === 'number') return Number.isInteger(v);
  const tag = (v as { _bsontype?: string })?._bsontype;
  if (tag === 'Double') return Number.isInteger((v as { value: number }).value);
  return tag !== 'Decimal128';
}

/** Index entry tests for one prefix of intervals: before the range / after it, in key order. */
function rangeTests(ix: IndexStructure, prefix: Interval[]): [EntryTest, EntryTest] {
  const single = ix.fields.length === 1;
  const dirs = ix.directions ?? [];
  const strings = ix.collation?.compare;
  const rel = (e: SortedEntry): number => {
    for (let i = 0; i < prefix.length; i++) {
      const v = single ? e.key : (e.key as unknown[])[i];
      const p = position(v, prefix[i], strings) * (dirs[i] ?? 1);
      if (p !== 0) return p;
    }
    return 0;
  };
  return [(e) => rel(e) < 0, (e) => rel(e) > 0];
}

interface IndexBounds {
  prefixes: Interval[][];
  /** Leading fields pinned to one value. */
  pinned: number;
  /** Leading fields bounded by points (one or several values). */
  points: number;
  /** Filter fields the bounds state exactly. */
  exactFields: Set<string>;
}

/**
 * The bounds an index can use: all of them under the query's own collation; under another,
 * only those that compare no strings (mongod's rule: index keys of strings are collation keys).
 */
function usableBounds(
  ix: IndexStructure,
  bounds: Map<string, FieldBounds>,
  collation: Collation | undefined
): (field: string) => FieldBounds | undefined {
  if (sameCollation(ix.collation, collation)) return (field) => bounds.get(field);
  return (field) => {
    const b = bounds.get(field);
    return b && !boundsHoldStrings(b) ? b : undefined;
  };
}

/** Points in the index's order, those equal under its collation merged. */
function collatedPoints(points: unknown[], strings: StringCompare): unknown[] {
  const sorted = [...points].sort((a, b) => compareValues(a, b, strings));
  return sorted.filter((v, i) => i === 0 || compareValues(sorted[i - 1], v, strings) !== 0);
}

function indexBounds(
  ix: IndexStructure,
  boundsOf: (field: string) => FieldBounds | undefined
): IndexBounds {
  let prefixes: Interval[][] = [[]];
  let pinned = 0;
  let pinning = true;
  let points = 0;
  const exactFields = new Set<string>();
  for (let i = 0; i < ix.fields.length; i++) {
    const field = ix.fields[i];
    const b = boundsOf(field);
    if (!b) break;
    // A multikey dotted path may mix elements of different subdocuments: always re-check.
    const exact = b.exact && (!ix.multikey || !field.includes('.'));
    if (b.points) {
      const inOrder = ix.collation ? collatedPoints(b.points, ix.collation.compare) : b.points;
      if (prefixes.length * inOrder.length > MAX_PREFIXES) break;
      const pts = ix.directions?.[i] === -1 ? [...inOrder].reverse() : inOrder;
      prefixes = prefixes.flatMap((p) =>
        pts.map((value): Interval[] => [...p, { kind: 'point', value }])
      );
      if (pinning && inOrder.length === 1) pinned += 1;
      else pinning = false;
      points += 1;
      if (exact) exactFields.add(field);
      continue;
    }
    const range = ix.multikey && b.range ? oneSided(b.range) : b.range!;
    prefixes = prefixes.map((p) => [...p, range]);
    if (exact && range === b.range) exactFields.add(field);
    break;
  }
  return { prefixes, pinned, points, exactFields };
}

/** How an index scan yields a sort's order. */
interface IndexOrder {
  direction: 1 | -1;
  /** Set when the point ranges must be merged on the fields from this one on. */
  mergeFrom?: number;
}

/** Whether `sort` (pinned fields left out) is the index's key order from field `start` on. */
function orderFrom(
  ix: IndexStructure,
  start: number,
  rest: Array<[string, 1 | -1]>
): 1 | -1 | undefined | false {
  let direction: 1 | -1 | undefined;
  for (let j = 0; j < rest.length; j++) {
    const i = start + j;
    if (ix.fields[i] !== rest[j][0]) return false;
    const d = (rest[j][1] * ix.directions![i]) as 1 | -1;
    if (direction !== undefined && d !== direction) return false;
    direction = d;
  }
  return direction;
}

/**
 * How to scan this index to get `sort`'s order, or undefined if it cannot: the ranges in turn
 * when the sort continues the pinned fields (fields equal to one value are left out of it), or
 * merged when it continues past fields bounded by several values (`state: { $in: [...] }` with
 * a sort on `dueAt`). A multikey index cannot: a document sorts by one of its several keys.
 */
function indexOrder(
  ix: IndexStructure,
  ib: IndexBounds,
  sort: Array<[string, 1 | -1]>
): IndexOrder | undefined {
  if (!ix.directions || ix.multikey) return undefined;
  const pinnedFields = new Set(ix.fields.slice(0, ib.pinned));
  const rest = sort.filter(([f]) => !pinnedFields.has(f));
  const inTurn = orderFrom(ix, ib.pinned, rest);
  if (inTurn !== false) return { direction: inTurn ?? 1 };
  if (ib.points === ib.pinned || ib.prefixes.length > MAX_MERGED) return undefined;
  const merged = orderFrom(ix, ib.points, rest);
  if (merged === false) return undefined;
  return { direction: merged ?? 1, mergeFrom: ib.points };
}

/**
 * Picks how to find a query's candidates: `_id` equality, else the index whose bounds yield the
 * fewest entries, preferring one that also gives the sort order (so a sorted query with a limit
 * stops early) unless it would scan more than twice as many entries; a scan when nothing helps.
 * Sparse indexes are never used (a missing field is not in them); hidden ones neither; partial
 * ones only when the filter visibly implies their expression.
 */
export function planAccess(
  coll: Collection,
  filter: Document,
  sort?: Document,
  collation?: Collation
): AccessPlan {
  const bounds = new Map<string, FieldBounds>();
  collectBounds(filter, bounds);
  const fields = plainFields(filter);
  const wantsSort = sort !== undefined && Object.keys(sort).length > 0;
  // Undefined when no index can give this order ($meta, bad directions): sorted in memory.
  const wanted = sortFields(sort);
  // A top-level $text reads the text index's hits (mongod's TEXT_OR), whatever else the filter says.
  const textIx = filter.$text !== undefined ? coll.textIndex : undefined;
  if (textIx) {
    const hits = coll.textScores(filter.$text, filter);
    return {
      index: textIx.name,
      ids: () => hits.keys(),
      sorted: !wantsSort,
      direction: 1,
      exact: false,
      estimate: hits.size,
      keyPattern: textIx.spec.key,
      isMultiKey: true,
    };
  }
  const scan: AccessPlan = {
    sorted: !wantsSort,
    direction: 1,
    exact: fields !== undefined && fields.length === 0,
    estimate: coll.docs.size,
  };
  // The `_id` map compares binary: under a collation it serves only `_id`s without strings;
  // strings go through the collated `_id` order when the query has the collection's collation.
  const ids = bounds.get('_id')?.points;
  if (ids && collation && ids.some(holdsStrings) && sameCollation(collation, coll.collation)) {
    return {
      index: '_id_',
      ids: () => {
        const found = new Set<string>();
        for (const id of ids) {
          if (holdsStrings(id)) for (const k of coll.collatedIds(id)) found.add(k);
          else found.add(encodeKey(id));
        }
        return found;
      },
      sorted: !wantsSort,
      direction: 1,
      exact: false,
      estimate: ids.length,
    };
  }
  if (ids && (!collation || !ids.some(holdsStrings))) {
    const keys = [...new Set(ids.map(encodeKey))];
    const exact = fields?.length === 1 && bounds.get('_id')!.exact && ids.every(hashesExactly);
    return {
      index: '_id_',
      ids: () => keys,
      sorted: !wantsSort || keys.length <= 1,
      direction: 1,
      exact: exact === true,
      estimate: keys.length,
    };
  }
  const usable = coll.indexes.filter(
    (ix) =>
      !ix.isText &&
      !ix.hidden &&
      !ix.sparse &&
      (!ix.spec.partialFilterExpression ||
        impliesPartial(filter, ix.spec.partialFilterExpression, bounds))
  );
  let best: AccessPlan | undefined;
  // A few hits by equality on a first field: sorting them beats building ordered entries.
  for (const ix of usable) {
    const pts = bounds.get(ix.fields[0])?.points;
    if (!pts) continue;
    // The equality map holds binary keys: strings need both sides binary.
    if ((ix.collation || collation) && pts.some(holdsStrings)) continue;
    const keys = pts.map(encodeKey);
    const estimate = keys.reduce((n, k) => n + ix.countFirst(k), 0);
    if (best && estimate >= best.estimate) continue;
    // The map's keys equate 0.1 with Decimal128('0.1'), which MongoDB does not: re-check those.
    const exact =
      fields?.length === 1 &&
      fields[0] === ix.fields[0] &&
      bounds.get(fields[0])!.exact &&
      pts.every(hashesExactly);
    best = {
      index: ix.name,
      ids: () => {
        const found = new Set<string>();
        for (const k of keys) for (const id of ix.lookupFirst(k)) found.add(id);
        return found;
      },
      sorted: !wantsSort,
      direction: 1,
      exact: exact === true && (!ix.multikey || !ix.fields[0].includes('.')),
      estimate,
      keyPattern: ix.spec.key,
      isMultiKey: ix.multikey,
      bounds: pts.map((value): Interval[] => [{ kind: 'point', value }]),
    };
  }
  if (best && best.estimate <= QUICK_HASH_HIT) return best;
  let bestSorted: AccessPlan | undefined;
  for (const ix of usable) {
    if (!ix.directions) continue;
    const boundsFor = usableBounds(ix, bounds, collation);
    const constrained = boundsFor(ix.fields[0]) !== undefined;
    // An index orders strings by its own collation: it gives no other collation's order.
    const ordersLikeQuery = sameCollation(ix.collation, collation);
    if (!constrained && !(wantsSort && ordersLikeQuery)) continue;
    // A full index scan for the sort order needs every document in the index.
    if (!constrained && !ix.complete) continue;
    const ib = indexBounds(ix, boundsFor);
    const order = !wantsSort
      ? { direction: 1 as const }
      : wanted && ordersLikeQuery
        ? indexOrder(ix, ib, wanted)
        : undefined;
    if (!constrained && order === undefined) continue;
    const plan = indexPlan(coll, ix, ib, fields, order);
    // On a tie the ordered scan wins over the equality map: it is lazy and in index order.
    if (constrained && (!best || plan.estimate <= best.estimate)) best = plan;
    if (plan.sorted && (!bestSorted || plan.estimate < bestSorted.estimate)) bestSorted = plan;
  }
  if (wantsSort && bestSorted && bestSorted.estimate <= 2 * (best ?? scan).estimate)
    return bestSorted;
  return best ?? scan;
}

function indexPlan(
  coll: Collection,
  ix: IndexStructure,
  ib: IndexBounds,
  fields: string[] | undefined,
  order: IndexOrder | undefined
): AccessPlan {
  const sorted = coll.sortedIndex(ix);
  const tests = ib.prefixes.map((p) => rangeTests(ix, p));
  const estimate = tests.reduce((n, [before, after]) => n + sorted.count(before, after), 0);
  const dir = order?.direction ?? 1;
  const multikey = ix.multikey;
  const ranges = dir === 1 ? tests : [...tests].reverse();
  function* inTurn(): Generator<string> {
    const seen = multikey ? new Set<string>() : undefined;
    for (const [before, after] of ranges) {
      for (const e of sorted.scan(before, after, dir)) {
        if (seen) {
          if (seen.has(e.id)) continue;
          seen.add(e.id);
        }
        yield e.id;
      }
    }
  }
  const mergeFrom = order?.mergeFrom;
  function* merged(from: number): Generator<string> {
    const dirs = ix.directions!;
    const cmp = (a: SortedEntry, b: SortedEntry): number => {
      const ka = a.key as unknown[];
      const kb = b.key as unknown[];
      for (let i = from; i < ka.length; i++) {
        const c = compareValues(ka[i], kb[i], ix.collation?.compare) * dirs[i];
        if (c !== 0) return c * dir;
      }
      return (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) * dir;
    };
    const scans = ranges.map(([before, after]) => sorted.scan(before, after, dir));
    const heads = scans.map((s) => s.next());
    for (;;) {
      let min = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (!h.done && (min < 0 || cmp(h.value, heads[min].value as SortedEntry) < 0)) min = i;
      }
      if (min < 0) return;
      yield (heads[min].value as SortedEntry).id;
      heads[min] = scans[min].next();
    }
  }
  const exact = fields !== undefined && fields.every((f) => ib.exactFields.has(f));
  return {
    index: ix.name,
    ids: mergeFrom !== undefined && ranges.length > 1 ? () => merged(mergeFrom) : inTurn,
    sorted: order !== undefined,
    direction: dir,
    exact,
    estimate,
    keyPattern: ix.spec.key,
    isMultiKey: multikey,
    bounds: ib.prefixes,
    collation: ix.collation?.spec,
  };
}
