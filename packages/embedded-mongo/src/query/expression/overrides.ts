import { isTextScoreMeta, textScoreOf } from '../text/score.js';
import { Decimal128, Double, Long, ObjectId } from 'bson';
import { Errors } from '../../errors.js';
import { bsonTag, bsonTypeName, isNumeric, isPlainObject } from '../bson-types.js';
import { activeCollation } from '../collation-scope.js';
import { compareValues } from '../compare.js';
import { fastNumber, toExact } from '../numbers.js';
import { avgValues, extremeValue, sumValues } from '../reducers.js';
import { arith } from '../update/arith.js';
import { argList, mingoOps, sub, type Op } from './scope.js';

/** Long/Decimal128/Int32/Double become JS numbers so mingo's arithmetic understands them. */
export function toPlainNumber(v: unknown): unknown {
  if (typeof v === 'number') return v;
  const f = fastNumber(v);
  if (f !== undefined) return f;
  const tag = bsonTag(v);
  if (tag === 'Long' || tag === 'Decimal128') {
    const e = toExact(v);
    if (!e || e.kind === 'nan') return NaN;
    if (e.kind === 'inf') return e.neg ? -Infinity : Infinity;
    return Number(e.num) / Number(e.den);
  }
  if (Array.isArray(v)) return v.map(toPlainNumber);
  return v;
}

/** Literal form for passing already-evaluated values back to a mingo operator. */
function literal(v: unknown): unknown {
  if (typeof v === 'string' && v.startsWith('$')) return { $literal: v };
  if (isPlainObject(v)) return { $literal: v };
  if (Array.isArray(v)) return v.map(literal);
  return v;
}

function isWide(v: unknown): boolean {
  const tag = bsonTag(v);
  return tag === 'Long' || tag === 'Decimal128';
}

/** Runs mingo's operator on plain numbers, or our exact arithmetic when a long/decimal is involved. */
function numeric(name: string, exact?: (args: unknown[]) => unknown): Op {
  const original = mingoOps[name] as Op;
  return (obj, expr, options) => {
    const args = argList(obj, expr, options);
    if (exact && args.some(isWide) && args.every((a) => isNumeric(a))) return exact(args);
    const plain = args.map(toPlainNumber);
    return original(obj, Array.isArray(expr) ? plain.map(literal) : literal(plain[0]), options);
  };
}

function negate(v: unknown): unknown {
  return arith(v, -1, 'mul');
}

function comparison(test: (c: number) => boolean | number): Op {
  return (obj, expr, options) => {
    const [a, b] = argList(obj, expr, options);
    return test(compareValues(a, b, activeCollation()));
  };
}

/** `$sum: [a, b]` reduces its operands; `$sum: '$arr'` reduces the array's elements. */
function reducer(reduce: (values: unknown[]) => unknown): Op {
  return (obj, expr, options) => {
    if (Array.isArray(expr)) return reduce(argList(obj, expr, options));
    const v = sub(obj, expr, options);
    return reduce(Array.isArray(v) ? v : [v]);
  };
}

function single(obj: unknown, expr: unknown, options: unknown): unknown {
  return sub(obj, Array.isArray(expr) ? expr[0] : expr, options);
}

function toStringValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  switch (bsonTag(v)) {
    case 'ObjectId':
      return (v as ObjectId).toHexString();
    case 'Int32':
    case 'Double':
    case 'Long':
    case 'Decimal128':
    case 'BSONSymbol':
      return String(v instanceof Object && 'value' in v ? (v as { value: unknown }).value : v);
    default:
      throw Errors.location(
        241,
        `Unsupported conversion from ${bsonTypeName(v)} to string in $convert with no onError value`
      );
  }
}

const refuseJs: Op = () => {
  throw Errors.location(
    31264,
    'Cannot run server-side javascript without the javascript engine enabled'
  );
};

/** Operators we evaluate ourselves so BSON types and MongoDB's comparison order are kept. */
export const overrides: Record<string, Op> = {
  $eq: comparison((c) => c === 0),
  $ne: comparison((c) => c !== 0),
  $gt: comparison((c) => c > 0),
  $gte: comparison((c) => c >= 0),
  $lt: comparison((c) => c < 0),
  $lte: comparison((c) => c <= 0),
  $cmp: comparison((c) => c),
  $type: (obj, expr, options) => bsonTypeName(single(obj, expr, options)),
  $isNumber: (obj, expr, options) => isNumeric(single(obj, expr, options)),
  $function: refuseJs,
  // The text score of the document being evaluated (its root), carried from the $text match.
  $meta: (obj, expr, options) => {
    isTextScoreMeta({ $meta: expr });
    const root = (options as { local?: { root?: unknown } }).local?.root ?? obj;
    return textScoreOf(root as Document);
  },
  $sum: reducer(sumValues),
  $avg: reducer(avgValues),
  $min: reducer((v) => extremeValue(v, false)),
  $max: reducer((v) => extremeValue(v, true)),
  $in: (obj, expr, options) => {
    const [needle, list] = argList(obj, expr, options);
    if (!Array.isArray(list))
      throw Errors.location(40081, '$in requires an array as a second argument');
    return list.some((v) => compareValues(v, needle, activeCollation()) === 0);
  },
  $add: numeric('$add', (args) =>
    args.reduce((a, b) => arith(a, b, 'add') ?? Number(a) + Number(b), 0)
  ),
  $multiply: numeric('$multiply', (args) =>
    args.reduce((a, b) => arith(a, b, 'mul') ?? Number(a) * Number(b), 1)
  ),
  $subtract: numeric('$subtract', ([a, b]) => arith(a, negate(b), 'add')),
  $toString: (obj, expr, options) => toStringValue(single(obj, expr, options)),
  $toLong: (obj, expr, options) => {
    const v = single(obj, expr, options);
    if (v === null || v === undefined) return null;
    if (bsonTag(v) === 'Long') return v;
    const n = (mingoOps.$toLong as Op)(obj, literal(toPlainNumber(v)), options);
    return n === null || n === undefined ? n : Long.fromNumber(n as number);
  },
  $toDecimal: (obj, expr, options) => {
    const v = single(obj, expr, options);
    if (v === null || v === undefined) return null;
    if (bsonTag(v) === 'Decimal128') return v;
    if (bsonTag(v) === 'Long') return Decimal128.fromString(String(v));
    const n = (mingoOps.$toDouble as Op)(obj, literal(toPlainNumber(v)), options);
    return Decimal128.fromString(String(n));
  },
  $toDouble: (obj, expr, options) => {
    const v = single(obj, expr, options);
    if (v === null || v === undefined) return null;
    const n = (mingoOps.$toDouble as Op)(obj, literal(toPlainNumber(v)), options) as number;
    return Number.isInteger(n) ? new Double(n) : n;
  },
  $toObjectId: (obj, expr, options) => {
    const v = single(obj, expr, options);
    if (v === null || v === undefined) return null;
    if (bsonTag(v) === 'ObjectId') return v;
    if (typeof v === 'string' && ObjectId.isValid(v) && v.length === 24) return new ObjectId(v);
    throw Errors.location(
      241,
      `Failed to parse objectId '${String(v)}' in $convert with no onError value`
    );
  },
};
for (const name of [
  '$divide',
  '$mod',
  '$abs',
  '$ceil',
  '$floor',
  '$round',
  '$trunc',
  '$sqrt',
  '$pow',
  '$exp',
  '$ln',
  '$log',
  '$log10',
  '$toInt',
  '$toBool',
]) {
  overrides[name] = numeric(name);
}
