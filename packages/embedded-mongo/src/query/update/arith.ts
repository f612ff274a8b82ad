import { Decimal128, Double, Int32, Long } from 'bson';
import { bsonTag } from '../bson-types.js';
import { fastNumber } from '../numbers.js';

type Kind = 'int' | 'long' | 'double' | 'decimal';
const RANK: Record<Kind, number> = { int: 0, long: 1, double: 2, decimal: 3 };
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** MongoDB's numeric type of a value, or undefined for a non-number. */
export function numericKind(v: unknown): Kind | undefined {
  if (typeof v === 'number') {
    return Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 && !Object.is(v, -0)
      ? 'int'
      : 'double';
  }
  switch (bsonTag(v)) {
    case 'Int32':
      return 'int';
    case 'Double':
      return 'double';
    case 'Long':
      return 'long';
    case 'Decimal128':
      return 'decimal';
    default:
      return undefined;
  }
}

function toBig(v: unknown): bigint {
  if (bsonTag(v) === 'Long') return BigInt(String(v));
  return BigInt(fastNumber(v) as number);
}

interface Dec {
  coef: bigint;
  exp: number;
}
type DecValue = Dec | 'nan' | 'inf' | '-inf';

const DEC_RE = /^([+-])?(\d+)(?:\.(\d*))?(?:E([+-]?\d+))?$/i;

function parseDec(s: string): DecValue {
  if (/nan/i.test(s)) return 'nan';
  if (/inf/i.test(s)) return s.startsWith('-') ? '-inf' : 'inf';
  const m = DEC_RE.exec(s);
  if (!m) return 'nan';
  const frac = m[3] ?? '';
  const coef = BigInt((m[2] ?? '0') + frac);
  return { coef: m[1] === '-' ? -coef : coef, exp: Number(m[4] ?? 0) - frac.length };
}

/** Decimal form of an operand: ints and longs exactly, doubles rounded to 15 digits as MongoDB does. */
function toDec(v: unknown): DecValue {
  const tag = bsonTag(v);
  if (tag === 'Decimal128' || tag === 'Long') return parseDec(String(v));
  const n = fastNumber(v) as number;
  if (!Number.isFinite(n)) return Number.isNaN(n) ? 'nan' : n < 0 ? '-inf' : 'inf';
  if (numericKind(v) === 'int') return parseDec(String(n));
  return parseDec(n.toPrecision(15));
}

function decimalOp(a: unknown, b: unknown, op: 'add' | 'mul'): Decimal128 {
  const x = toDec(a);
  const y = toDec(b);
  if (typeof x === 'string' || typeof y === 'string') {
    const f = (d: DecValue) =>
      d === 'nan' ? NaN : d === 'inf' ? Infinity : d === '-inf' ? -Infinity : Number(d.coef);
    const r = op === 'add' ? f(x) + f(y) : f(x) * f(y);
    return Decimal128.fromString(Number.isNaN(r) ? 'NaN' : r < 0 ? '-Infinity' : 'Infinity');
  }
  if (op === 'mul') return Decimal128.fromStringWithRounding(`${x.coef * y.coef}E${x.exp + y.exp}`);
  const exp = Math.min(x.exp, y.exp);
  const sum = x.coef * 10n ** BigInt(x.exp - exp) + y.coef * 10n ** BigInt(y.exp - exp);
  return Decimal128.fromStringWithRounding(`${sum}E${exp}`);
}

/**
 * `a + b` or `a * b` with MongoDB's type promotion: int op int stays int unless it overflows
 * (then long), long stays long (overflow is an error: returns undefined), double and decimal win.
 */
export function arith(a: unknown, b: unknown, op: 'add' | 'mul'): unknown {
  const ka = numericKind(a) as Kind;
  const kb = numericKind(b) as Kind;
  const kind = RANK[ka] >= RANK[kb] ? ka : kb;
  switch (kind) {
    case 'decimal':
      return decimalOp(a, b, op);
    case 'double': {
      const x = fastNumber(a) ?? Number(String(a));
      const y = fastNumber(b) ?? Number(String(b));
      const r = op === 'add' ? x + y : x * y;
      // A plain integral JS number would be stored as int32: keep the double type explicit.
      if (bsonTag(a) === 'Double' || bsonTag(b) === 'Double' || numericKind(r) === 'int')
        return new Double(r);
      return r;
    }
    case 'long': {
      const r = op === 'add' ? toBig(a) + toBig(b) : toBig(a) * toBig(b);
      if (r < INT64_MIN || r > INT64_MAX) return undefined;
      return Long.fromBigInt(r);
    }
    default: {
      const x = fastNumber(a) as number;
      const y = fastNumber(b) as number;
      const r = op === 'add' ? x + y : x * y;
      if (r >= -2147483648 && r <= 2147483647) {
        return bsonTag(a) === 'Int32' || bsonTag(b) === 'Int32' ? new Int32(r) : r;
      }
      return Long.fromBigInt(op === 'add' ? BigInt(x) + BigInt(y) : BigInt(x) * BigInt(y));
    }
  }
}

/** Zero of the same numeric type as `v` (what `$mul` starts from on a missing field). */
export function zeroLike(v: unknown): unknown {
  switch (numericKind(v)) {
    case 'long':
      return Long.ZERO;
    case 'decimal':
      return Decimal128.fromString('0');
    case 'double':
      return new Double(0);
    default:
      return bsonTag(v) === 'Int32' ? new Int32(0) : 0;
  }
}
