import type { Document } from 'bson';
import { Errors } from '../../errors.js';
import { bsonTypeName, isPlainObject } from '../bson-types.js';
import { deepClone } from '../clone.js';
import { compareValues } from '../compare.js';
import { runStages } from '../aggregate/stages.js';
import { setOwn } from '../own.js';

/** Type-sensitive deep equality (as BSON bytes would compare): 1 and 1.0 differ, field order matters. */
export function strictEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!strictEqual(a[i], b[i])) return false;
    return true;
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (let i = 0; i < ka.length; i++) {
      if (ka[i] !== kb[i] || !strictEqual(a[ka[i] as string], b[kb[i] as string])) return false;
    }
    return true;
  }
  if (bsonTypeName(a) !== bsonTypeName(b)) return false;
  if (a instanceof RegExp && b instanceof RegExp)
    return a.source === b.source && a.flags === b.flags;
  if (typeof a === 'number' && typeof b === 'number') return Object.is(a, b) || a === b;
  return compareValues(a, b) === 0;
}

/** A replacement document: keeps the old `_id` (first), refuses `$`-prefixed top-level fields. */
export function replaceDocument(doc: Document, replacement: Document): Document {
  for (const key of Object.keys(replacement)) {
    if (key.startsWith('$')) {
      throw Errors.dollarPrefixedFieldName(
        `The dollar ($) prefixed field '${key}' in '${key}' is not allowed in the context of an update's replacement document. Consider using an aggregation pipeline with $replaceWith.`
      );
    }
  }
  const next: Document = {};
  const id = replacement._id !== undefined ? replacement._id : doc._id;
  if (id !== undefined) next._id = deepClone(id);
  for (const key of Object.keys(replacement))
    if (key !== '_id') setOwn(next, key, deepClone(replacement[key]));
  return next;
}

const PIPELINE_UPDATE_STAGES = new Set([
  '$addFields',
  '$set',
  '$project',
  '$unset',
  '$replaceRoot',
  '$replaceWith',
]);

/** An update given as an aggregation pipeline (MongoDB 4.2+): only reshaping stages are allowed. */
export function pipelineUpdate(
  doc: Document,
  pipeline: Document[],
  now: Date,
  variables?: Document
): Document {
  for (const stage of pipeline) {
    const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
    if (name === undefined || !PIPELINE_UPDATE_STAGES.has(name)) {
      throw Errors.invalidOptions(`${String(name)} is not allowed to be used within an update`);
    }
  }
  const [out] = runStages([deepClone(doc)], pipeline, { collection: () => [], now, variables });
  const next = out ?? {};
  if (next._id === undefined && doc._id !== undefined) return { _id: doc._id, ...next };
  return next;
}
