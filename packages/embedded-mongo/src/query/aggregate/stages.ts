import type { Document } from 'bson';
import { Errors, MongoCommandError } from '../../errors.js';
import { isPlainObject } from '../bson-types.js';
import type { StringCompare } from '../collation.js';
import { compileFilter } from '../filter.js';
import { setOwn } from '../own.js';
import { applyProjection } from '../projection.js';
import { compileSort } from '../sort.js';
import {
  addFields,
  count,
  group,
  positiveInt,
  replaceRoot,
  sample,
  unsetFields,
  unwind,
} from './document-stages.js';
import { lookupStage, unionWithStage } from './lookup.js';
import { mingoStage } from './mingo-stage.js';

/** What a pipeline can read besides its input. */
export interface PipelineContext {
  /** All documents of another collection in the same database (for $lookup, $unionWith). */
  collection(name: string): Iterable<Document>;
  /**
   * Another collection through a pipeline, its leading $match/$sort/$skip/$limit served by the
   * indexes as a find would be (for $unionWith); without it the runner filters `collection()`.
   */
  aggregate?(name: string, stages: Document[]): Iterable<Document>;
  now?: Date;
  /** `let` variables of the command or of an enclosing `$lookup`. */
  variables?: Document;
  /** The command's collation (strings in $match, $sort, $group keys and expressions). */
  collation?: StringCompare;
}

function stageName(stage: unknown): string {
  if (!isPlainObject(stage) || Object.keys(stage).length !== 1) {
    throw Errors.location(
      40323,
      'A pipeline stage specification object must contain exactly one field.'
    );
  }
  return Object.keys(stage)[0] as string;
}

/** Runs the stages over materialized documents; stage outputs share unchanged subdocuments. */
export function runStages(
  input: Document[],
  pipeline: Document[],
  ctx: PipelineContext
): Document[] {
  let docs = input;
  const vars = ctx.variables;
  for (const stage of pipeline) {
    const name = stageName(stage);
    const spec = stage[name];
    switch (name) {
      case '$match': {
        let pred;
        try {
          pred = compileFilter(spec, vars, ctx.collation);
        } catch (e) {
          if (e instanceof MongoCommandError && e.code === 6108304)
            throw Errors.badValue('$where is not allowed in this context');
          // Only the first stage's $match reads the collection's text index.
          if (
            e instanceof MongoCommandError &&
            e.message === '$text is not allowed in this context'
          )
            throw Errors.location(
              17313,
              '$match with $text is only allowed as the first pipeline stage'
            );
          throw e;
        }
        docs = docs.filter(pred);
        break;
      }
      case '$project':
        if (!isPlainObject(spec) || Object.keys(spec).length === 0) {
          throw Errors.location(
            51272,
            'Invalid $project :: caused by :: projection specification must have at least one field'
          );
        }
        docs = docs.map((d) =>
          applyProjection(d, spec, undefined, { aggregation: true, variables: vars })
        );
        break;
      case '$addFields':
      case '$set':
        docs = addFields(docs, spec, vars);
        break;
      case '$unset':
        docs = unsetFields(docs, spec);
        break;
      case '$group':
        docs = group(docs, spec, vars, ctx.collation);
        break;
      case '$sort':
        docs = [...docs].sort(compileSort(spec, ctx.collation));
        break;
      case '$skip':
        docs = docs.slice(positiveInt(spec, 15956, 'the number to skip cannot be negative', true));
        break;
      case '$limit':
        docs = docs.slice(0, positiveInt(spec, 15958, 'the limit must be positive', false));
        break;
      case '$unwind':
        docs = unwind(docs, spec);
        break;
      case '$count':
        docs = count(docs, spec);
        break;
      case '$sortByCount':
        docs = runStages(
          docs,
          [{ $group: { _id: spec, count: { $sum: 1 } } }, { $sort: { count: -1 } }],
          ctx
        );
        break;
      case '$replaceRoot':
        if (!isPlainObject(spec) || !('newRoot' in spec))
          throw Errors.location(40231, 'no newRoot specified for the $replaceRoot stage');
        docs = replaceRoot(docs, spec.newRoot, vars);
        break;
      case '$replaceWith':
        docs = replaceRoot(docs, spec, vars);
        break;
      case '$facet': {
        if (!isPlainObject(spec))
          throw Errors.location(15947, "a facet's fields must be specified in an object");
        const out: Document = {};
        for (const key of Object.keys(spec))
          setOwn(out, key, runStages(docs, spec[key] as Document[], ctx));
        docs = [out];
        break;
      }
      case '$lookup':
        docs = lookupStage(docs, spec, ctx, runStages);
        break;
      case '$unionWith':
        docs = unionWithStage(docs, spec, ctx, runStages);
        break;
      case '$sample':
        docs = sample(docs, spec);
        break;
      case '$changeStream':
        throw Errors.changeStreamsUnsupported();
      case '$out':
      case '$merge':
        throw Errors.notImplemented(`${name} is not supported by the embedded server`);
      default:
        docs = mingoStage(docs, name, spec, ctx);
    }
  }
  return docs;
}
