import type { Document } from 'bson';
import { Errors } from '../../errors.js';
import { runStages, type PipelineContext } from './stages.js';

export type { PipelineContext };

/** Runs an aggregation pipeline over `input`; `$out`/`$merge` are refused with NotImplemented. */
export function runPipeline(
  input: Iterable<Document>,
  pipeline: Document[],
  ctx: PipelineContext
): Document[] {
  if (!Array.isArray(pipeline))
    throw Errors.typeMismatch("'pipeline' option must be specified as an array");
  return runStages(Array.isArray(input) ? input : [...input], pipeline, ctx);
}
