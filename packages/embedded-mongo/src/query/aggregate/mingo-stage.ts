import type { Document } from 'bson';
import { Errors } from '../../errors.js';
import { deepClone } from '../clone.js';
import { Aggregator } from '../mingo.js';
import type { PipelineContext } from './stages.js';

/** Rarely used stages delegated to mingo as they are (no BSON-specific semantics of ours). */
const DELEGATED = new Set([
  '$bucket',
  '$bucketAuto',
  '$densify',
  '$fill',
  '$graphLookup',
  '$redact',
  '$setWindowFields',
]);

/** MongoDB always places `_id` first; mingo appends it after computed fields. */
function idFirst(doc: Document): Document {
  if (!('_id' in doc) || Object.keys(doc)[0] === '_id') return doc;
  const { _id, ...rest } = doc;
  return { _id, ...rest };
}

/** Runs one delegated stage through mingo; unknown stages get MongoDB's 40324. */
export function mingoStage(
  docs: Document[],
  name: string,
  spec: unknown,
  ctx: PipelineContext
): Document[] {
  if (!DELEGATED.has(name))
    throw Errors.location(40324, `Unrecognized pipeline stage name: '${name}'`);
  const agg = new Aggregator([{ [name]: spec }], {
    collectionResolver: (coll: string) => [...ctx.collection(coll)],
    variables: ctx.variables ?? {},
  } as never);
  try {
    // mingo may modify its input in place; our documents are shared with the store.
    const out = agg.run(docs.map((d) => deepClone(d))) as Document[];
    return out.map(idFirst);
  } catch (e) {
    if (e instanceof Error && e.name === 'MingoError') throw Errors.badValue(e.message);
    throw e;
  }
}
