import type { Document } from 'bson';
import { Errors } from '../errors.js';
import type { StringCompare } from './collation.js';
import { withCollation } from './collation-scope.js';
import { overrides } from './expression/overrides.js';
import { mingoOps, sub } from './expression/scope.js';
import { Context, mingoAccumulatorOps as accumulatorOps } from './mingo.js';
import { fastNumber, toExact } from './numbers.js';

const accumulators: Record<string, unknown> = {
  ...(accumulatorOps as unknown as Record<string, unknown>),
};
accumulators.$accumulator = overrides.$function;

const context = Context.init({
  expression: { ...mingoOps, ...overrides } as never,
  accumulator: accumulators as never,
});

/**
 * Evaluates an aggregation expression against `doc`, with `$$name` variables; `collation`
 * compares strings in `$eq`, `$lt`, `$cmp`, `$in`... (as a command's collation does on mongod).
 */
export function evaluate(
  doc: unknown,
  expr: unknown,
  variables?: Document,
  collation?: StringCompare
): unknown {
  try {
    const options = { context, variables: variables ?? {}, idKey: '_id', useStrictMode: true };
    return collation
      ? withCollation(collation, () => sub(doc, expr, options))
      : sub(doc, expr, options);
  } catch (e) {
    if (e instanceof Error && e.message === 'Use of undefined variable: CLUSTER_TIME')
      // What a standalone mongod says: the cluster time exists only on replica sets and mongos.
      throw Errors.location(51144, "Builtin variable '$$CLUSTER_TIME' is not available");
    if (e instanceof Error && e.name === 'MingoError') throw Errors.badValue(e.message);
    throw e;
  }
}

/** Aggregation truthiness: false, null, missing and 0 are false; everything else is true. */
export function isTruthy(v: unknown): boolean {
  if (v === false || v === null || v === undefined) return false;
  const n = fastNumber(v);
  if (n !== undefined) return n !== 0;
  const e = toExact(v);
  if (e && e.kind === 'rat') return e.num !== 0n;
  return true;
}
