import type { Document } from 'bson';
import { Errors } from '../../errors.js';
import { isPlainObject } from '../bson-types.js';
import { compareValues, indexKey } from '../compare.js';
import type { StringCompare } from '../collation.js';
import { evaluate } from '../expression.js';
import { collectLeaves, splitPath } from '../paths.js';
import type { PipelineContext } from './stages.js';
import { getOwn } from '../own.js';

type Run = (input: Document[], pipeline: Document[], ctx: PipelineContext) => Document[];

/** Keys a document offers for an equality join: array elements count, missing counts as null. */
function joinKeys(doc: Document, parts: readonly string[]): string[] {
  const keys: string[] = [];
  for (const leaf of collectLeaves(doc, parts)) {
    if (Array.isArray(leaf)) {
      if (leaf.length === 0) keys.push(indexKey(null));
      for (const el of leaf) keys.push(indexKey(el));
    } else {
      keys.push(indexKey(leaf === undefined ? null : leaf));
    }
  }
  return keys;
}

/** The values a document offers for an equality join (as joinKeys, unencoded). */
function joinValues(doc: Document, parts: readonly string[]): unknown[] {
  const out: unknown[] = [];
  for (const leaf of collectLeaves(doc, parts)) {
    if (Array.isArray(leaf)) {
      if (leaf.length === 0) out.push(null);
      for (const el of leaf) out.push(el);
    } else out.push(leaf === undefined ? null : leaf);
  }
  return out;
}

/**
 * Under a collation the join compares strings with the collator: the foreign values are kept
 * in collator order and each local value finds its equals by binary search.
 */
function collatedJoin(
  foreign: Document[],
  parts: readonly string[],
  strings: StringCompare
): (value: unknown) => number[] {
  const entries: Array<{ v: unknown; i: number }> = [];
  foreign.forEach((fd, i) => {
    for (const v of joinValues(fd, parts)) entries.push({ v, i });
  });
  entries.sort((a, b) => compareValues(a.v, b.v, strings) || a.i - b.i);
  return (value) => {
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareValues(entries[mid].v, value, strings) < 0) lo = mid + 1;
      else hi = mid;
    }
    const out: number[] = [];
    for (let j = lo; j < entries.length && compareValues(entries[j].v, value, strings) === 0; j++)
      out.push(entries[j].i);
    return out;
  };
}

function setAs(doc: Document, as: string, value: unknown): Document {
  const parts = splitPath(as);
  if (parts.length === 1) return { ...doc, [as]: value };
  const [head, ...rest] = parts as [string, ...string[]];
  const child = isPlainObject(getOwn(doc, head)) ? (getOwn(doc, head) as Document) : {};
  return { ...doc, [head]: setAs(child, rest.join('.'), value) };
}

/** `$lookup` with localField/foreignField, with `let`/`pipeline`, or both (MongoDB 5.0+). */
export function lookupStage(
  docs: Document[],
  spec: unknown,
  ctx: PipelineContext,
  run: Run
): Document[] {
  if (!isPlainObject(spec))
    throw Errors.failedToParse('the $lookup specification must be an Object');
  const { from, as, localField, foreignField, pipeline } = spec;
  if (typeof from !== 'string')
    throw Errors.failedToParse("$lookup requires a 'from' field of type string");
  if (typeof as !== 'string') throw Errors.failedToParse("must specify 'as' field for a $lookup");
  if ((localField === undefined) !== (foreignField === undefined)) {
    throw Errors.failedToParse(
      "$lookup requires both or neither of 'localField' and 'foreignField' to be specified"
    );
  }
  if (localField === undefined && pipeline === undefined) {
    throw Errors.failedToParse(
      "$lookup requires either 'pipeline' or both 'localField' and 'foreignField' to be specified"
    );
  }
  if (pipeline !== undefined && !Array.isArray(pipeline))
    throw Errors.failedToParse("'pipeline' option must be specified as an array");
  const foreign = [...ctx.collection(from)];
  let byKey: Map<string, number[]> | undefined;
  let collated: ((value: unknown) => number[]) | undefined;
  const localParts = typeof localField === 'string' ? splitPath(localField) : [];
  if (typeof foreignField === 'string' && ctx.collation) {
    collated = collatedJoin(foreign, splitPath(foreignField), ctx.collation);
  } else if (typeof foreignField === 'string') {
    byKey = new Map();
    const parts = splitPath(foreignField);
    foreign.forEach((fd, i) => {
      for (const k of new Set(joinKeys(fd, parts))) {
        const list = byKey!.get(k);
        if (list) list.push(i);
        else byKey!.set(k, [i]);
      }
    });
  }
  const letSpec = isPlainObject(spec.let) ? spec.let : {};
  return docs.map((doc) => {
    let matches = foreign;
    if (collated) {
      const idx = new Set<number>();
      for (const v of joinValues(doc, localParts)) for (const i of collated(v)) idx.add(i);
      matches = [...idx].sort((a, b) => a - b).map((i) => foreign[i] as Document);
    } else if (byKey) {
      const idx = new Set<number>();
      for (const k of joinKeys(doc, localParts)) for (const i of byKey.get(k) ?? []) idx.add(i);
      matches = [...idx].sort((a, b) => a - b).map((i) => foreign[i] as Document);
    }
    if (pipeline) {
      const variables: Document = { ...ctx.variables };
      for (const name of Object.keys(letSpec))
        variables[name] = evaluate(doc, letSpec[name], ctx.variables);
      matches = run(matches, pipeline as Document[], { ...ctx, variables });
    }
    return setAs(doc, as, matches);
  });
}

/** `$unionWith`: appends another collection's documents (optionally through a pipeline). */
export function unionWithStage(
  docs: Document[],
  spec: unknown,
  ctx: PipelineContext,
  run: Run
): Document[] {
  const coll = typeof spec === 'string' ? spec : isPlainObject(spec) ? spec.coll : undefined;
  if (typeof coll !== 'string') throw Errors.failedToParse('$unionWith requires a collection name');
  const pipeline = isPlainObject(spec) && Array.isArray(spec.pipeline) ? spec.pipeline : undefined;
  // Through the indexes when the server can (a `$match` on an indexed field reads one document,
  // not the whole collection, as mongod's $unionWith does).
  if (ctx.aggregate) return [...docs, ...ctx.aggregate(coll, (pipeline ?? []) as Document[])];
  let other = [...ctx.collection(coll)];
  if (pipeline) other = run(other, pipeline as Document[], ctx);
  return [...docs, ...other];
}
