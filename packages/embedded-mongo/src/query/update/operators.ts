import { Timestamp, type Document } from 'bson';
import { Errors } from '../../errors.js';
import { bsonTypeName, isNumeric, isPlainObject } from '../bson-types.js';
import { deepClone } from '../clone.js';
import { compareValues, valuesEqual } from '../compare.js';
import { compileFilter } from '../filter.js';
import { fastNumber } from '../numbers.js';
import { renderId, renderValue } from '../render.js';
import { compileSort } from '../sort.js';
import { arith, zeroLike } from './arith.js';
import { getField, setField, type Target } from './path-walk.js';

/** What an operator needs besides its target: the original document and the clock. */
export interface OpContext {
  doc: Document;
  now: Date;
  field: string;
  /** The command's collation: $addToSet, $pull and $pullAll compare strings under it. */
  collation?: (a: string, b: string) => number;
}

/** Applies one operator's argument to one target field (mutating the working copy). */
export type OperatorFn = (t: Target, arg: unknown, ctx: OpContext) => void;

function remove(t: Target): void {
  if (Array.isArray(t.parent)) {
    if ((t.key as number) < t.parent.length) t.parent[t.key as number] = null;
  } else {
    delete (t.parent as Document)[t.key as string];
  }
}

function numericOp(name: '$inc' | '$mul', op: 'add' | 'mul'): OperatorFn {
  return (t, arg, ctx) => {
    const cur = getField(t);
    if (cur === undefined) {
      setField(t.parent, t.key, op === 'add' ? deepClone(arg) : zeroLike(arg));
      return;
    }
    if (!isNumeric(cur)) {
      throw Errors.typeMismatch(
        `Cannot apply ${name} to a value of non-numeric type. ${renderId(ctx.doc)} has the field '${String(t.key)}' of non-numeric type ${bsonTypeName(cur)}`
      );
    }
    const r = arith(cur, arg, op);
    if (r === undefined) {
      throw Errors.badValue(
        `Failed to apply ${name} operations to current value (${renderValue(cur)}) for document ${renderId(ctx.doc)}`
      );
    }
    setField(t.parent, t.key, r);
  };
}

function minMax(keepIf: (c: number) => boolean): OperatorFn {
  return (t, arg) => {
    const cur = getField(t);
    if (cur === undefined || keepIf(compareValues(arg, cur)))
      setField(t.parent, t.key, deepClone(arg));
  };
}

function arrayAt(t: Target, ctx: OpContext, create: boolean): unknown[] | undefined {
  const cur = getField(t);
  if (cur === undefined) {
    if (!create) return undefined;
    const arr: unknown[] = [];
    setField(t.parent, t.key, arr);
    return arr;
  }
  if (!Array.isArray(cur)) {
    throw Errors.badValue(
      `The field '${t.path}' must be an array but is of type ${bsonTypeName(cur)} in document ${renderId(ctx.doc)}`
    );
  }
  return cur;
}

function intArg(v: unknown, what: string): number {
  const n = isNumeric(v) ? fastNumber(v) : undefined;
  if (n === undefined || !Number.isInteger(n)) {
    throw Errors.badValue(
      `The value for ${what} must be an integer value but was given type: ${bsonTypeName(v)}`
    );
  }
  return n;
}

function sortElements(arr: unknown[], spec: unknown): void {
  if (isPlainObject(spec)) {
    const cmp = compileSort(spec);
    arr.sort((a, b) => (isPlainObject(a) && isPlainObject(b) ? cmp(a, b) : compareValues(a, b)));
    return;
  }
  const dir = isNumeric(spec) ? fastNumber(spec) : undefined;
  if (dir !== 1 && dir !== -1) {
    throw Errors.badValue(
      'The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields'
    );
  }
  arr.sort((a, b) => dir * compareValues(a, b));
}

const push: OperatorFn = (t, arg, ctx) => {
  const hasModifiers = isPlainObject(arg) && '$each' in arg;
  let items: unknown[] = [arg];
  let position: number | undefined;
  let slice: number | undefined;
  let sort: unknown;
  if (hasModifiers) {
    for (const k of Object.keys(arg)) {
      if (!['$each', '$slice', '$sort', '$position'].includes(k)) {
        throw Errors.badValue(`Unrecognized clause in $push: ${k}`);
      }
    }
    if (!Array.isArray(arg.$each)) {
      throw Errors.badValue(
        `The argument to $each in $push must be an array but it was of type: ${bsonTypeName(arg.$each)}`
      );
    }
    items = arg.$each;
    if (arg.$position !== undefined) position = intArg(arg.$position, '$position');
    if (arg.$slice !== undefined) slice = intArg(arg.$slice, '$slice');
    sort = arg.$sort;
  }
  const arr = arrayAt(t, ctx, true) as unknown[];
  const copies = items.map((v) => deepClone(v));
  if (position === undefined) arr.push(...copies);
  else {
    const at = position < 0 ? Math.max(arr.length + position, 0) : Math.min(position, arr.length);
    arr.splice(at, 0, ...copies);
  }
  if (sort !== undefined) sortElements(arr, sort);
  if (slice !== undefined) {
    const kept = slice >= 0 ? arr.slice(0, slice) : arr.slice(Math.max(arr.length + slice, 0));
    arr.length = 0;
    arr.push(...kept);
  }
};

const addToSet: OperatorFn = (t, arg, ctx) => {
  let items: unknown[] = [arg];
  if (isPlainObject(arg) && '$each' in arg) {
    if (!Array.isArray(arg.$each)) {
      throw Errors.typeMismatch(
        `The argument to $each in $addToSet must be an array but it was of type ${bsonTypeName(arg.$each)}`
      );
    }
    items = arg.$each;
  }
  const cur = getField(t);
  if (cur !== undefined && !Array.isArray(cur)) {
    throw Errors.badValue(
      `Cannot apply $addToSet to non-array field. Field named '${String(t.key)}' has non-array type ${bsonTypeName(cur)}`
    );
  }
  const arr = arrayAt(t, ctx, true) as unknown[];
  const same = (a: unknown, b: unknown) =>
    ctx.collation ? compareValues(a, b, ctx.collation) === 0 : valuesEqual(a, b);
  for (const v of items) if (!arr.some((e) => same(e, v))) arr.push(deepClone(v));
};

function pullTest(
  cond: unknown,
  collation?: (a: string, b: string) => number
): (el: unknown) => boolean {
  if (isPlainObject(cond)) {
    const first = Object.keys(cond)[0];
    if (
      first !== undefined &&
      first.startsWith('$') &&
      first !== '$and' &&
      first !== '$or' &&
      first !== '$nor'
    ) {
      const p = compileFilter({ v: cond }, undefined, collation);
      return (el) => p({ v: el });
    }
    const p = compileFilter(cond, undefined, collation);
    return (el) => isPlainObject(el) && p(el);
  }
  if (
    cond instanceof RegExp ||
    (cond as { _bsontype?: string } | null)?._bsontype === 'BSONRegExp'
  ) {
    const p = compileFilter({ v: cond });
    return (el) => p({ v: el });
  }
  if (collation) return (el) => compareValues(el, cond, collation) === 0;
  return (el) => valuesEqual(el, cond);
}

const pull: OperatorFn = (t, arg, ctx) => {
  const cur = getField(t);
  if (cur === undefined) return;
  if (!Array.isArray(cur)) throw Errors.badValue('Cannot apply $pull to a non-array value');
  const test = pullTest(arg, ctx.collation);
  setField(
    t.parent,
    t.key,
    cur.filter((el) => !test(el))
  );
};

const pullAll: OperatorFn = (t, arg, ctx) => {
  if (!Array.isArray(arg)) {
    throw Errors.badValue(
      `$pullAll requires an array argument but was given a ${bsonTypeName(arg)}`
    );
  }
  const cur = getField(t);
  if (cur === undefined) return;
  if (!Array.isArray(cur)) throw Errors.badValue('Cannot apply $pull to a non-array value');
  setField(
    t.parent,
    t.key,
    cur.filter(
      (el) =>
        !arg.some((v) =>
          ctx.collation ? compareValues(el, v, ctx.collation) === 0 : valuesEqual(el, v)
        )
    )
  );
};

const pop: OperatorFn = (t, arg) => {
  const n = isNumeric(arg) ? fastNumber(arg) : undefined;
  if (n !== 1 && n !== -1)
    throw Errors.failedToParse(`$pop expects 1 or -1, found: ${renderValue(arg)}`);
  const cur = getField(t);
  if (cur === undefined) return;
  if (!Array.isArray(cur)) {
    throw Errors.typeMismatch(
      `Path '${t.path}' contains an element of non-array type '${bsonTypeName(cur)}'`
    );
  }
  if (n === 1) cur.pop();
  else cur.shift();
};

let lastTimestamp = { t: 0, i: 0 };
function nextTimestamp(now: Date): Timestamp {
  const t = Math.floor(now.getTime() / 1000);
  lastTimestamp = t === lastTimestamp.t ? { t, i: lastTimestamp.i + 1 } : { t, i: 1 };
  return new Timestamp(lastTimestamp);
}

const currentDate: OperatorFn = (t, arg, ctx) => {
  let type = 'date';
  if (isPlainObject(arg)) {
    if (arg.$type !== 'date' && arg.$type !== 'timestamp') {
      throw Errors.badValue(
        "The '$type' string field is required to be 'date' or 'timestamp': {$currentDate: {field : {$type: 'date'}}}"
      );
    }
    type = arg.$type;
  } else if (typeof arg !== 'boolean') {
    throw Errors.badValue(
      `${ctx.field} is not valid type for $currentDate. Please use a boolean ('true') or a $type expression ({$type: 'timestamp/date'}).`
    );
  }
  setField(t.parent, t.key, type === 'date' ? new Date(ctx.now.getTime()) : nextTimestamp(ctx.now));
};

/** Operators that act on one target path (everything but $rename). */
export const OPERATORS: Record<string, { fn: OperatorFn; create: boolean }> = {
  $set: { fn: (t, arg) => setField(t.parent, t.key, deepClone(arg)), create: true },
  $setOnInsert: { fn: (t, arg) => setField(t.parent, t.key, deepClone(arg)), create: true },
  $unset: { fn: (t) => remove(t), create: false },
  $inc: { fn: numericOp('$inc', 'add'), create: true },
  $mul: { fn: numericOp('$mul', 'mul'), create: true },
  $min: { fn: minMax((c) => c < 0), create: true },
  $max: { fn: minMax((c) => c > 0), create: true },
  $currentDate: { fn: currentDate, create: true },
  $push: { fn: push, create: true },
  $addToSet: { fn: addToSet, create: true },
  $pull: { fn: pull, create: false },
  $pullAll: { fn: pullAll, create: false },
  $pop: { fn: pop, create: false },
};

/** Validates an operator argument before anything is applied. */
export function checkArgument(op: string, field: string, arg: unknown): void {
  if ((op === '$inc' || op === '$mul') && !isNumeric(arg)) {
    const verb = op === '$inc' ? 'increment' : 'multiply';
    throw Errors.typeMismatch(
      `Cannot ${verb} with non-numeric argument: {${field}: ${renderValue(arg)}}`
    );
  }
  if (op === '$rename' && typeof arg !== 'string') {
    throw Errors.badValue(
      `The 'to' field for $rename must be a string: ${field}: ${renderValue(arg)}`
    );
  }
}
