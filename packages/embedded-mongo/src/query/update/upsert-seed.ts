import type { Document } from 'bson';
import { MongoCommandError } from '../../errors.js';
import { isPlainObject } from '../bson-types.js';
import { deepClone } from '../clone.js';
import { splitPath } from '../paths.js';
import { isRegexValue } from '../regex.js';
import { getOwn, setOwn } from '../own.js';

function equalityValue(cond: unknown): { value: unknown } | undefined {
  if (isRegexValue(cond)) return undefined;
  if (isPlainObject(cond)) {
    const keys = Object.keys(cond);
    if (keys.length > 0 && (keys[0] as string).startsWith('$')) {
      if (keys.length === 1 && keys[0] === '$eq' && !isRegexValue(cond.$eq))
        return { value: cond.$eq };
      return undefined;
    }
  }
  return { value: cond };
}

function matchedTwice(path: string): MongoCommandError {
  return new MongoCommandError(
    54,
    'NotSingleValueField',
    `cannot infer query fields to set, path '${path}' is matched twice`
  );
}

function setNested(out: Document, path: string, value: unknown, seen: Set<string>): void {
  const parts = splitPath(path);
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('.');
    if (seen.has(prefix)) throw matchedTwice(prefix);
  }
  for (const other of seen) if (other.startsWith(path + '.')) throw matchedTwice(path);
  seen.add(path);
  let cur = out;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i] as string;
    if (!isPlainObject(getOwn(cur, p))) setOwn(cur, p, {});
    cur = getOwn(cur, p) as Document;
  }
  setOwn(cur, parts[parts.length - 1] as string, deepClone(value));
}

function collect(query: Document, out: Document, seen: Set<string>): void {
  for (const key of Object.keys(query)) {
    const cond = query[key];
    if (key === '$and' && Array.isArray(cond)) {
      for (const branch of cond) if (isPlainObject(branch)) collect(branch, out, seen);
      continue;
    }
    if (key === '$or' && Array.isArray(cond) && cond.length === 1 && isPlainObject(cond[0])) {
      collect(cond[0], out, seen);
      continue;
    }
    if (key.startsWith('$')) continue;
    const eq = equalityValue(cond);
    if (eq) setNested(out, key, eq.value, seen);
  }
}

/**
 * The document an upsert starts from: the query's equality conditions (plain values, `$eq`,
 * `$and` branches, a single-branch `$or`), dotted paths as nested fields, `_id` first.
 */
export function upsertSeed(query: Document): Document {
  const out: Document = {};
  collect(query ?? {}, out, new Set());
  if (out._id === undefined) return out;
  const { _id, ...rest } = out;
  return { _id, ...rest };
}
