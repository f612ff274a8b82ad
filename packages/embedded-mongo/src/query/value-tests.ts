import type { Document } from 'bson';
import { Errors } from '../errors.js';
import {
  bsonTag,
  bsonTypeName,
  isNumeric,
  isPlainObject,
  typeRank,
  TYPE_NUMBERS,
} from './bson-types.js';
import { holdsStrings, type StringCompare } from './collation.js';
import { compareValues, indexKey, valuesEqual } from './compare.js';
import { fastNumber, toExact } from './numbers.js';
import { buildRegex, isRegexValue, toRegExp } from './regex.js';

/** Tests the leaves a path reached (collectLeaves output). */
export type LeavesPred = (leaves: unknown[]) => boolean;
/** Tests one value. */
export type ValueTest = (v: unknown) => boolean;

/** True for an object whose first key is an operator: `{ $gt: 1 }`. */
export function isOperatorObject(v: unknown): v is Document {
  if (!isPlainObject(v)) return false;
  const first = Object.keys(v)[0];
  return first !== undefined && first.startsWith('$');
}

/** Leaf semantics: the value itself, or for an array any of its elements. */
export function anyLeaf(test: ValueTest): LeavesPred {
  return (leaves) => {
    for (const leaf of leaves) {
      if (test(leaf)) return true;
      if (Array.isArray(leaf)) for (const el of leaf) if (test(el)) return true;
    }
    return false;
  };
}

/** Equality with `value`; `collation` compares the strings in it (regexes are not collated). */
export function equalityTest(value: unknown, collation?: StringCompare): ValueTest {
  if (collation && !isRegexValue(value) && holdsStrings(value)) {
    const rank = typeRank(value);
    return (v) => typeRank(v) === rank && compareValues(v, value, collation) === 0;
  }
  if (isRegexValue(value)) {
    const re = toRegExp(value);
    return (v) =>
      (typeof v === 'string' && re.test(v)) || (isRegexValue(v) && valuesEqual(v, value));
  }
  if (value === null || value === undefined) return (v) => v === null || v === undefined;
  if (typeof value === 'string' || typeof value === 'boolean') {
    const rank = typeRank(value);
    return (v) =>
      v === value ||
      (typeof v === 'object' && typeRank(v) === rank && compareValues(v, value) === 0);
  }
  if (typeof value === 'number' && !Number.isNaN(value)) {
    return (v) =>
      v === value || (typeof v === 'object' && typeRank(v) === 10 && compareValues(v, value) === 0);
  }
  const rank = typeRank(value);
  return (v) => typeRank(v) === rank && compareValues(v, value) === 0;
}

export function compareTest(
  value: unknown,
  accept: (c: number) => boolean,
  orEqualNull: boolean,
  collation?: StringCompare
): ValueTest {
  if (collation && holdsStrings(value)) {
    const rank = typeRank(value);
    return (v) => typeRank(v) === rank && accept(compareValues(v, value, collation));
  }
  if (value === null || value === undefined) {
    return orEqualNull ? (v) => v === null || v === undefined : () => false;
  }
  const rank = typeRank(value);
  if (rank === 1 || rank === 127) return (v) => v !== undefined && accept(compareValues(v, value));
  if (typeof value === 'number' && !Number.isNaN(value)) {
    return (v) => {
      if (typeof v === 'number') return v === v && accept(v < value ? -1 : v > value ? 1 : 0);
      return (
        typeof v === 'object' &&
        typeRank(v) === 10 &&
        !isNaNNumber(v) &&
        accept(compareValues(v, value))
      );
    };
  }
  if (typeof value === 'string') {
    return (v) => (typeof v === 'string' || typeRank(v) === 15) && accept(compareValues(v, value));
  }
  if (rank === 10 && isNaNNumber(value)) {
    // NaN equals NaN but compares false with every other number in a query.
    return (v) => typeRank(v) === 10 && isNaNNumber(v) && accept(0);
  }
  // Type bracketing: $gt/$lt only compare values of the same canonical type.
  return (v) =>
    typeRank(v) === rank && !(rank === 10 && isNaNNumber(v)) && accept(compareValues(v, value));
}

export function isNaNNumber(v: unknown): boolean {
  const f = fastNumber(v);
  if (f !== undefined) return Number.isNaN(f);
  return toExact(v)?.kind === 'nan';
}

export function inTest(list: unknown, collation?: StringCompare): ValueTest {
  if (!Array.isArray(list)) throw Errors.badValue('$in needs an array');
  const tests: ValueTest[] = [];
  const keys = new Set<string>();
  let matchesNull = false;
  for (const item of list) {
    if (isRegexValue(item)) tests.push(equalityTest(item));
    else if (collation && holdsStrings(item) && !isOperatorObject(item))
      tests.push(equalityTest(item, collation));
    else if (isOperatorObject(item)) throw Errors.badValue('cannot nest $ under $in');
    else if (item === null) matchesNull = true;
    else keys.add(indexKey(item));
  }
  return (v) => {
    if (v === null || v === undefined) return matchesNull;
    if (keys.size > 0 && keys.has(indexKey(v))) return true;
    for (const t of tests) if (t(v)) return true;
    return false;
  };
}

export function typeTest(spec: unknown): LeavesPred {
  const specs = Array.isArray(spec) ? spec : [spec];
  const names = new Set<string>();
  for (const s of specs) {
    if (typeof s === 'string') {
      if (s === 'number') {
        for (const n of ['double', 'int', 'long', 'decimal']) names.add(n);
      } else if (s in TYPE_NUMBERS) names.add(s);
      else throw Errors.badValue(`Unknown type name alias: ${s}`);
    } else if (isNumeric(s)) {
      const n = fastNumber(s);
      const name = Object.keys(TYPE_NUMBERS).find((k) => TYPE_NUMBERS[k] === n);
      if (name === undefined) throw Errors.badValue(`Invalid numerical type code: ${String(n)}`);
      names.add(name);
    } else {
      throw Errors.typeMismatch('type must be represented as a number or a string');
    }
  }
  const matchArray = names.has('array');
  const test: ValueTest = (v) => v !== undefined && names.has(bsonTypeName(v));
  return (leaves) => {
    for (const leaf of leaves) {
      if (Array.isArray(leaf)) {
        if (matchArray) return true;
        for (const el of leaf) if (test(el)) return true;
      } else if (test(leaf)) return true;
    }
    return false;
  };
}

export function regexTest(ops: Document): ValueTest {
  const source = ops.$regex;
  const options = ops.$options === undefined ? '' : ops.$options;
  if (typeof options !== 'string') throw Errors.badValue('$options has to be a string');
  let re: RegExp;
  if (typeof source === 'string') re = buildRegex(source, options);
  else if (isRegexValue(source)) re = toRegExp(source, options);
  else throw Errors.badValue('$regex has to be a string');
  return (v) => {
    if (typeof v === 'string') return re.test(v);
    if (bsonTag(v) === 'BSONSymbol') return re.test(String((v as { value: unknown }).value));
    return false;
  };
}

export function modTest(arg: unknown): ValueTest {
  if (!Array.isArray(arg)) throw Errors.badValue('malformed mod, needs to be an array');
  if (arg.length < 2) throw Errors.badValue('malformed mod, not enough elements');
  if (arg.length > 2) throw Errors.badValue('malformed mod, too many elements');
  if (!isNumeric(arg[0])) throw Errors.badValue('malformed mod, divisor not a number');
  if (!isNumeric(arg[1])) throw Errors.badValue('malformed mod, remainder not a number');
  const divisor = Math.trunc(asNumber(arg[0]));
  const remainder = Math.trunc(asNumber(arg[1]));
  if (divisor === 0) throw Errors.badValue('divisor cannot be 0');
  return (v) => {
    if (!isNumeric(v)) return false;
    const n = asNumber(v);
    if (!Number.isFinite(n)) return false;
    return Math.trunc(n) % divisor === remainder;
  };
}

export function asNumber(v: unknown): number {
  const f = fastNumber(v);
  if (f !== undefined) return f;
  const e = toExact(v);
  if (!e || e.kind === 'nan') return NaN;
  if (e.kind === 'inf') return e.neg ? -Infinity : Infinity;
  return Number(e.num) / Number(e.den);
}
