import { bsonTag } from './bson-types.js';

/** An exact numeric value: NaN, ±Infinity, or num/den with den > 0 (den a product of 2s and 5s). */
export type Exact =
  { kind: 'nan' } | { kind: 'inf'; neg: boolean } | { kind: 'rat'; num: bigint; den: bigint };

const NAN: Exact = { kind: 'nan' };

/** A JS double for values that fit one exactly (number, Int32, Double, small Long), else undefined. */
export function fastNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  switch (bsonTag(v)) {
    case 'Int32':
    case 'Double':
      return (v as { value: number }).value;
    case 'Long': {
      const l = v as { high: number; low: number; toNumber(): number };
      // |value| < 2^53 converts exactly.
      if (l.high >= -0x200000 && l.high < 0x200000) return l.toNumber();
      return undefined;
    }
    default:
      return undefined;
  }
}

function doubleToExact(n: number): Exact {
  if (Number.isNaN(n)) return NAN;
  if (!Number.isFinite(n)) return { kind: 'inf', neg: n < 0 };
  if (Number.isInteger(n)) return { kind: 'rat', num: BigInt(n), den: 1n };
  let den = 1n;
  let m = n;
  while (!Number.isInteger(m)) {
    m *= 2;
    den *= 2n;
  }
  return { kind: 'rat', num: BigInt(m), den };
}

const DECIMAL_RE = /^([+-])?(\d+)(?:\.(\d*))?(?:E([+-]?\d+))?$/i;

/** Parses Decimal128's string form exactly. */
export function decimalToExact(s: string): Exact {
  if (/nan/i.test(s)) return NAN;
  if (/inf/i.test(s)) return { kind: 'inf', neg: s.startsWith('-') };
  const m = DECIMAL_RE.exec(s);
  if (!m) return NAN;
  const frac = m[3] ?? '';
  let coef = BigInt((m[2] ?? '0') + frac);
  if (m[1] === '-') coef = -coef;
  const exp = Number(m[4] ?? 0) - frac.length;
  if (exp >= 0) return { kind: 'rat', num: coef * 10n ** BigInt(exp), den: 1n };
  return { kind: 'rat', num: coef, den: 10n ** BigInt(-exp) };
}

/** Exact form of any numeric BSON value, or undefined when `v` is not numeric. */
export function toExact(v: unknown): Exact | undefined {
  if (typeof v === 'number') return doubleToExact(v);
  if (typeof v === 'bigint') return { kind: 'rat', num: v, den: 1n };
  switch (bsonTag(v)) {
    case 'Int32':
    case 'Double':
      return doubleToExact((v as { value: number }).value);
    case 'Long':
      return { kind: 'rat', num: BigInt((v as { toString(): string }).toString()), den: 1n };
    case 'Decimal128':
      return decimalToExact((v as { toString(): string }).toString());
    default:
      return undefined;
  }
}

function exactCompare(a: Exact, b: Exact): number {
  // MongoDB orders NaN below every other number and equal to itself.
  if (a.kind === 'nan') return b.kind === 'nan' ? 0 : -1;
  if (b.kind === 'nan') return 1;
  if (a.kind === 'inf') {
    if (b.kind === 'inf') return a.neg === b.neg ? 0 : a.neg ? -1 : 1;
    return a.neg ? -1 : 1;
  }
  if (b.kind === 'inf') return b.neg ? 1 : -1;
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** Compares two numeric values of any BSON numeric type by value. */
export function compareNumbers(a: unknown, b: unknown): number {
  const fa = fastNumber(a);
  const fb = fastNumber(b);
  if (fa !== undefined && fb !== undefined) {
    if (fa < fb) return -1;
    if (fa > fb) return 1;
    if (fa === fb) return 0;
    const na = Number.isNaN(fa);
    const nb = Number.isNaN(fb);
    return na && nb ? 0 : na ? -1 : 1;
  }
  return exactCompare(toExact(a) ?? NAN, toExact(b) ?? NAN);
}

/** A canonical string for a numeric value: equal numbers of any type give the same string. */
export function numberKey(v: unknown): string {
  const f = fastNumber(v);
  if (f !== undefined && Number.isSafeInteger(f)) return f === 0 ? '0' : String(f);
  const e = toExact(v) ?? NAN;
  if (e.kind === 'nan') return 'NaN';
  if (e.kind === 'inf') return e.neg ? '-Inf' : 'Inf';
  let { num } = e;
  let exp = 0;
  let den = e.den;
  // den is 2^a * 5^b: scale to a power of ten so the value is num * 10^exp exactly.
  while (den !== 1n) {
    if (den % 10n === 0n) den /= 10n;
    else if (den % 2n === 0n) {
      num *= 5n;
      den /= 2n;
    } else {
      num *= 2n;
      den /= 5n;
    }
    exp -= 1;
  }
  if (num === 0n) return '0';
  while (exp < 0 && num % 10n === 0n) {
    num /= 10n;
    exp += 1;
  }
  return exp === 0 ? num.toString() : `${num}e${exp}`;
}
