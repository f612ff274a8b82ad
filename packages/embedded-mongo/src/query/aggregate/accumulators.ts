import type { Document } from 'bson';
import { Errors } from '../../errors.js';
import { isPlainObject } from '../bson-types.js';
import { indexKey } from '../compare.js';
import { evaluate } from '../expression.js';
import { avgValues, extremeValue, sumValues } from '../reducers.js';

/** One running accumulator of a `$group` field. */
export interface Accumulator {
  add(doc: Document): void;
  result(): unknown;
}

function collecting(
  expr: unknown,
  vars: Document | undefined,
  finish: (values: unknown[]) => unknown
): Accumulator {
  const values: unknown[] = [];
  return {
    add: (doc) => void values.push(evaluate(doc, expr, vars)),
    result: () => finish(values),
  };
}

/** Builds the accumulator named by `{ $op: expr }`. */
export function makeAccumulator(field: string, spec: unknown, vars?: Document): Accumulator {
  if (!isPlainObject(spec) || Object.keys(spec).length !== 1) {
    throw Errors.location(40238, `The field '${field}' must specify one accumulator`);
  }
  const op = Object.keys(spec)[0] as string;
  const expr = spec[op];
  switch (op) {
    case '$sum':
      return collecting(expr, vars, sumValues);
    case '$avg':
      return collecting(expr, vars, avgValues);
    case '$min':
      return collecting(expr, vars, (v) => extremeValue(v, false));
    case '$max':
      return collecting(expr, vars, (v) => extremeValue(v, true));
    case '$first':
      return collecting(expr, vars, (v) => (v.length === 0 || v[0] === undefined ? null : v[0]));
    case '$last':
      return collecting(expr, vars, (v) =>
        v.length === 0 || v[v.length - 1] === undefined ? null : v[v.length - 1]
      );
    case '$push':
      return collecting(expr, vars, (v) => v.filter((x) => x !== undefined));
    case '$addToSet':
      return collecting(expr, vars, (v) => {
        const seen = new Map<string, unknown>();
        for (const x of v) if (x !== undefined && !seen.has(indexKey(x))) seen.set(indexKey(x), x);
        return [...seen.values()];
      });
    case '$count': {
      let n = 0;
      return { add: () => void n++, result: () => n };
    }
    case '$mergeObjects':
      return collecting(expr, vars, (v) => Object.assign({}, ...v.filter(isPlainObject)));
    case '$accumulator':
      throw Errors.location(
        31264,
        'Cannot run server-side javascript without the javascript engine enabled'
      );
    default:
      throw Errors.location(15952, `unknown group operator '${op}'`);
  }
}
