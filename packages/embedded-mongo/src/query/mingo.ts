/**
 * The one module that imports mingo (pinned to an exact version in package.json): the engine
 * reaches it only through here, so an upgrade or a replacement is reviewed in one place.
 */
export { Aggregator, Context } from 'mingo';
export * as mingoAccumulatorOps from 'mingo/operators/accumulator';
export * as mingoExpressionOps from 'mingo/operators/expression';
