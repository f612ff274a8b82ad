/**
 * The query layer of the embedded server: pure functions over BSON documents (matching,
 * sorting, projection, updates, aggregation). The only module the engine imports from here.
 */
export { compareValues, indexKey, valuesEqual } from './compare.js';
export { deepClone } from './clone.js';
export { compileFilter } from './filter.js';
export { compileSort } from './sort.js';
export { applyProjection } from './projection.js';
export { applyUpdate, isReplacementUpdate } from './update/apply-update.js';
export type { UpdateOptions, UpdateResult } from './update/apply-update.js';
export { upsertSeed } from './update/upsert-seed.js';
export { getPathValues } from './paths.js';
export { runPipeline } from './aggregate/run-pipeline.js';
export type { PipelineContext } from './aggregate/run-pipeline.js';
export { holdsStrings, parseCollation, sameCollation, COLLATION_VERSION } from './collation.js';
export type { Collation, StringCompare } from './collation.js';
