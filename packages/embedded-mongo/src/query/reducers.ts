import { Decimal128 } from 'bson';
import { isNumeric } from './bson-types.js';
import { compareValues } from './compare.js';
import { fastNumber, toExact } from './numbers.js';
import { arith, numericKind } from './update/arith.js';

function toDouble(v: unknown): number {
  const f = fastNumber(v);
  if (f !== undefined) return f;
  const e = toExact(v);
  if (!e || e.kind === 'nan') return NaN;
  if (e.kind === 'inf') return e.neg ? -Infinity : Infinity;
  return Number(e.num) / Number(e.den);
}

/** Sum with MongoDB's promotion (int -> long -> double -> decimal); non-numbers are ignored. */
export function sumValues(values: Iterable<unknown>): unknown {
  let total: unknown = 0;
  for (const v of values) {
    if (!isNumeric(v)) continue;
    const next = arith(total, v, 'add');
    // $sum never fails on long overflow: it continues as a double.
    total = next === undefined ? toDouble(total) + toDouble(v) : next;
  }
  return total;
}

/** Average of the numeric values as a double (decimal if any is decimal); null when there is none. */
export function avgValues(values: Iterable<unknown>): unknown {
  let count = 0;
  const nums: unknown[] = [];
  for (const v of values) {
    if (!isNumeric(v)) continue;
    nums.push(v);
    count++;
  }
  if (count === 0) return null;
  const sum = sumValues(nums);
  if (numericKind(sum) === 'decimal')
    return Decimal128.fromStringWithRounding(String(toDouble(sum) / count));
  return toDouble(sum) / count;
}

/** Smallest (or largest) non-null value by MongoDB order; null when all are null or missing. */
export function extremeValue(values: Iterable<unknown>, max: boolean): unknown {
  let best: unknown;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (best === undefined || (max ? compareValues(v, best) > 0 : compareValues(v, best) < 0))
      best = v;
  }
  return best === undefined ? null : best;
}
