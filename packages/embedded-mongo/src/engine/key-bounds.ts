import { Binary, Decimal128, Double, Int32, Long, ObjectId, type Document } from 'bson';
import { compareValues } from '../query/index.js';

/**
 * The values one indexed field may take: one value, or a range inside one BSON type bracket
 * (MongoDB's `$gt: 5` matches numbers only, `$lt: 'm'` strings only).
 */
export type Interval =
  | { kind: 'point'; value: unknown }
  | {
      kind: 'range';
      bracket: Bracket;
      lo?: unknown;
      loInc: boolean;
      hi?: unknown;
      hiInc: boolean;
    };

/** The type brackets a range bound may have: others make the engine scan instead. */
export type Bracket = 'number' | 'string' | 'date' | 'objectId' | 'bool';

/** Values whose equality match is exactly "index key equals" (no arrays, documents, null...). */
export function isPlainScalar(v: unknown): boolean {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return true;
  return (
    v instanceof ObjectId ||
    v instanceof Date ||
    v instanceof Long ||
    v instanceof Int32 ||
    v instanceof Double ||
    v instanceof Decimal128 ||
    v instanceof Binary
  );
}

/** The bracket of a usable range bound; undefined for NaN and for types left to a scan. */
export function bracketOf(v: unknown): Bracket | undefined {
  if (typeof v === 'number') return Number.isNaN(v) ? undefined : 'number';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : 'date';
  if (v instanceof ObjectId) return 'objectId';
  if (v instanceof Int32 || v instanceof Double) {
    return Number.isNaN(v.value) ? undefined : 'number';
  }
  if (v instanceof Long) return 'number';
  if (v instanceof Decimal128) return /nan/i.test(v.toString()) ? undefined : 'number';
  return undefined;
}

function inBracket(v: unknown, bracket: Bracket): boolean {
  switch (bracket) {
    case 'number':
      return (
        typeof v === 'number' ||
        v instanceof Int32 ||
        v instanceof Double ||
        v instanceof Long ||
        v instanceof Decimal128
      );
    case 'string':
      return typeof v === 'string' || (v as { _bsontype?: string })?._bsontype === 'BSONSymbol';
    case 'date':
      return v instanceof Date;
    case 'objectId':
      return v instanceof ObjectId;
    case 'bool':
      return typeof v === 'boolean';
  }
}

/**
 * Where `v` lies relative to the interval in ascending order: -1 below, 0 inside, 1 above.
 * Values of another type bracket compare by bracket, which is how `compareValues` orders them.
 */
export function position(
  v: unknown,
  iv: Interval,
  strings?: (a: string, b: string) => number
): number {
  if (iv.kind === 'point') return Math.sign(compareValues(v, iv.value, strings));
  const rep = iv.lo !== undefined ? iv.lo : iv.hi;
  if (!inBracket(v, iv.bracket)) return Math.sign(compareValues(v, rep, strings));
  if (iv.lo !== undefined) {
    const c = compareValues(v, iv.lo, strings);
    if (c < 0 || (c === 0 && !iv.loInc)) return -1;
  }
  if (iv.hi !== undefined) {
    const c = compareValues(v, iv.hi, strings);
    if (c > 0 || (c === 0 && !iv.hiInc)) return 1;
  }
  return 0;
}

const LOWER = ['$gt', '$gte'];
const UPPER = ['$lt', '$lte'];
const RANGE_OPS = new Set([...LOWER, ...UPPER]);

/** What a filter asks of one field, as index bounds. */
export interface FieldBounds {
  /** Equality values (sorted ascending, distinct) or a range. */
  points?: unknown[];
  range?: Interval & { kind: 'range' };
  /** True when the bounds say exactly what the condition says (so a match needs no recheck). */
  exact: boolean;
}

/** Index bounds for one field condition of a filter; undefined when it gives none. */
export function boundsOf(cond: unknown): FieldBounds | undefined {
  if (isPlainScalar(cond)) return { points: [cond], exact: true };
  if (cond === null || typeof cond !== 'object' || Array.isArray(cond)) return undefined;
  if (!isOperatorObject(cond as Document)) return undefined;
  const c = cond as Document;
  const ops = Object.keys(c);
  if ('$eq' in c && isPlainScalar(c.$eq)) return { points: [c.$eq], exact: ops.length === 1 };
  if ('$in' in c && Array.isArray(c.$in) && c.$in.length <= 1000 && c.$in.every(isPlainScalar))
    return { points: distinctSorted(c.$in), exact: ops.length === 1 };
  return rangeOf(c, ops);
}

function isOperatorObject(c: Document): boolean {
  const ops = Object.keys(c);
  return ops.length > 0 && ops.every((k) => k.startsWith('$'));
}

function rangeOf(c: Document, ops: string[]): FieldBounds | undefined {
  const lowOp = LOWER.find((op) => op in c && bracketOf(c[op]) !== undefined);
  const highOp = UPPER.find((op) => op in c && bracketOf(c[op]) !== undefined);
  if (!lowOp && !highOp) return undefined;
  const bracket = bracketOf(c[(lowOp ?? highOp) as string]) as Bracket;
  // Bounds in two brackets match nothing; keeping one side stays a superset.
  const useHigh = highOp !== undefined && bracketOf(c[highOp]) === bracket;
  const range: Interval & { kind: 'range' } = {
    kind: 'range',
    bracket,
    lo: lowOp ? c[lowOp] : undefined,
    loInc: lowOp === '$gte',
    hi: useHigh ? c[highOp as string] : undefined,
    hiInc: highOp === '$lte',
  };
  if (bracket === 'number') {
    // NaN sorts below every number but matches no comparison, so the range stops short of it.
    if (range.lo === undefined) [range.lo, range.loInc] = [-Infinity, true];
    if (range.hi === undefined) [range.hi, range.hiInc] = [Infinity, true];
  }
  const usedOps = (lowOp ? 1 : 0) + (useHigh ? 1 : 0);
  const exact = ops.every((op) => RANGE_OPS.has(op)) && usedOps === ops.length;
  return { range, exact };
}

function distinctSorted(values: unknown[]): unknown[] {
  const sorted = [...values].sort(compareValues);
  return sorted.filter((v, i) => i === 0 || compareValues(sorted[i - 1], v) !== 0);
}

/** Keeps only one side of a range: a multikey field's two bounds may be met by two elements. */
export function oneSided(range: Interval & { kind: 'range' }): Interval & { kind: 'range' } {
  if (range.lo === undefined || range.hi === undefined) return range;
  if (range.bracket === 'number') {
    return range.lo === -Infinity ? range : { ...range, hi: Infinity, hiInc: true };
  }
  return { ...range, hi: undefined, hiInc: false };
}
