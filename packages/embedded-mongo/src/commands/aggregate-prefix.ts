import { Int32, Long, type Document } from 'bson';
import type { QueryOptions } from './read.commands.js';

function isPlainObject(v: unknown): v is Document {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !('_bsontype' in v);
}

function stageOf(stage: unknown, name: string): unknown {
  return isPlainObject(stage) && Object.keys(stage).length === 1 ? stage[name] : undefined;
}

/** A non-negative safe integer, or undefined (leaving the stage to the pipeline and its errors). */
function count(v: unknown): number | undefined {
  const n = v instanceof Int32 || v instanceof Long ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function plainSort(v: unknown): v is Document {
  if (!isPlainObject(v) || Object.keys(v).length === 0) return false;
  return Object.entries(v).every(
    ([k, d]) => !k.startsWith('$') && (typeof d === 'number' || d instanceof Int32)
  );
}

/**
 * The leading `$match`, `$sort`, `$skip` and `$limit` stages of a pipeline as one find-like
 * query (so they use the indexes, and a sort with a limit can stop early), and how many stages
 * that covers.
 */
export function leadingQuery(stages: Document[]): { query: QueryOptions; used: number } {
  const query: QueryOptions = {};
  let i = 0;
  const match = stageOf(stages[i], '$match');
  if (isPlainObject(match)) {
    query.filter = match;
    i += 1;
  }
  const sort = stageOf(stages[i], '$sort');
  if (plainSort(sort)) {
    query.sort = sort;
    i += 1;
  }
  const skip = count(stageOf(stages[i], '$skip'));
  if (skip !== undefined) {
    query.skip = skip;
    i += 1;
  }
  const limit = count(stageOf(stages[i], '$limit'));
  if (limit !== undefined && limit > 0) {
    query.limit = limit;
    i += 1;
  }
  return { query, used: i };
}

/**
 * When `stages` is exactly `{ $group: { _id: <constant>, <name>: { $sum: 1 } } }` (what the
 * driver's countDocuments sends), the group's `_id` and counter name; else undefined.
 */
export function countingGroup(stages: Document[]): { id: unknown; field: string } | undefined {
  if (stages.length !== 1) return undefined;
  const group = stageOf(stages[0], '$group');
  if (!isPlainObject(group)) return undefined;
  const keys = Object.keys(group);
  if (keys.length !== 2 || keys[0] !== '_id') return undefined;
  const id = group._id;
  const constant =
    id === null || typeof id === 'number' || (typeof id === 'string' && !id.startsWith('$'));
  const acc = group[keys[1]];
  if (!constant || !isPlainObject(acc) || Object.keys(acc).length !== 1) return undefined;
  return acc.$sum === 1 ? { id, field: keys[1] } : undefined;
}
