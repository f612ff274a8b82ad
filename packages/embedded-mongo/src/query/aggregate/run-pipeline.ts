import type { Document } from 'bson';
import { Errors } from '../../errors.js';
import { withCollation } from '../collation-scope.js';
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
  // Expressions compare strings under the command's collation wherever they are evaluated.
  return withCollation(ctx.collation, () =>
    runStages(Array.isArray(input) ? input : [...input], pipeline, ctx)
  );
}
