import { mingoExpressionOps as expressionOps } from '../mingo.js';

/** A mingo expression operator: (current document, operand, mingo options). */
export type Op = (obj: unknown, expr: unknown, options: unknown) => unknown;

/** mingo's own expression operators by name. */
export const mingoOps = expressionOps as unknown as Record<string, Op>;

/** Evaluates a sub-expression in the caller's scope (root, $$this, let variables). */
export function sub(obj: unknown, expr: unknown, options: unknown): unknown {
  return (mingoOps.$let as Op)(obj, { vars: {}, in: expr }, options);
}

/** Evaluates an operand list (or a single operand) in the caller's scope. */
export function argList(obj: unknown, expr: unknown, options: unknown): unknown[] {
  return Array.isArray(expr) ? expr.map((e) => sub(obj, e, options)) : [sub(obj, expr, options)];
}
