import type { Document } from 'bson';
import { Errors } from '../errors.js';
import { isNumeric, isPlainObject } from './bson-types.js';
import type { StringCompare } from './collation.js';
import { compareStrings, compareValues } from './compare.js';
import { fastNumber } from './numbers.js';
import { collectLeaves, splitPath } from './paths.js';
import { getOwn } from './own.js';
import { isTextScoreMeta, textScoreOf } from './text/score.js';

/** Below every BSON value: how MongoDB sorts an empty array (before null and missing). */
const EMPTY_ARRAY_KEY = Symbol('emptyArray');

function compareKeys(a: unknown, b: unknown, collation?: StringCompare): number {
  if (typeof a === 'number' && typeof b === 'number' && a === a && b === b)
    return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string')
    return a === b ? 0 : collation ? collation(a, b) : compareStrings(a, b);
  if (a === EMPTY_ARRAY_KEY || b === EMPTY_ARRAY_KEY) {
    if (a === b) return 0;
    return a === EMPTY_ARRAY_KEY ? -1 : 1;
  }
  return compareValues(a, b, collation);
}

/**
 * The sort key of one path: arrays contribute their elements, and an ascending sort uses the
 * smallest of them, a descending sort the largest (MongoDB's rule); missing sorts as null.
 */
export function sortKey(
  doc: Document,
  parts: readonly string[],
  descending: boolean,
  collation?: StringCompare
): unknown {
  const leaves = collectLeaves(doc, parts);
  let best: unknown;
  let found = false;
  const consider = (v: unknown) => {
    const key = v === undefined ? null : v;
    if (!found) {
      best = key;
      found = true;
      return;
    }
    const c = compareKeys(key, best, collation);
    if (descending ? c > 0 : c < 0) best = key;
  };
  for (const leaf of leaves) {
    if (Array.isArray(leaf)) {
      if (leaf.length === 0) consider(EMPTY_ARRAY_KEY);
      for (const el of leaf) consider(el);
    } else {
      consider(leaf);
    }
  }
  return found ? best : null;
}

/** Parses `{ a: 1, b: -1 }` into paths and directions; rejects what MongoDB rejects. */
export function parseSortSpec(
  spec: Document
): { parts: string[]; desc: boolean; textScore?: boolean }[] {
  if (!isPlainObject(spec)) throw Errors.badValue('sort must be an object');
  return Object.keys(spec).map((path) => {
    const dir = spec[path];
    if (isPlainObject(dir)) {
      // `{ $meta: 'textScore' }` sorts by the text score, highest first.
      if (isTextScoreMeta(dir)) return { parts: [path], desc: true, textScore: true };
      throw Errors.location(
        15974,
        `Illegal key in $sort specification: ${path}: ${JSON.stringify(dir)}`
      );
    }
    const n = isNumeric(dir) ? fastNumber(dir) : undefined;
    if (n !== 1 && n !== -1) {
      throw Errors.location(
        15975,
        '$sort key ordering must be 1 (for ascending) or -1 (for descending)'
      );
    }
    if (path === '')
      throw Errors.location(40352, 'FieldPath cannot be constructed with empty string');
    return { parts: splitPath(path), desc: n === -1 };
  });
}

/**
 * Compiles a sort spec into a comparator; sort keys are computed once per document. Strings
 * compare under `collation` when one is given.
 */
export function compileSort(
  spec: Document,
  collation?: StringCompare
): (a: Document, b: Document) => number {
  const fields = parseSortSpec(spec);
  if (fields.length === 0) return () => 0;
  if (fields.every((f) => f.parts.length === 1 && !f.textScore)) {
    // Top-level fields: read them directly; only arrays and missing values need the full rule.
    const keyAt = (doc: Document, f: { parts: string[]; desc: boolean }): unknown => {
      const v = getOwn(doc, f.parts[0] as string);
      return v === undefined || Array.isArray(v) ? sortKey(doc, f.parts, f.desc, collation) : v;
    };
    return (a, b) => {
      for (const f of fields) {
        const c = compareKeys(keyAt(a, f), keyAt(b, f), collation);
        if (c !== 0) return f.desc ? -c : c;
      }
      return 0;
    };
  }
  // A Map (faster than WeakMap here) lives only as long as the comparator, i.e. one query.
  const cache = new Map<Document, unknown[]>();
  const keysOf = (doc: Document): unknown[] => {
    let keys = cache.get(doc);
    if (!keys) {
      keys = fields.map((f) =>
        f.textScore ? textScoreOf(doc) : sortKey(doc, f.parts, f.desc, collation)
      );
      cache.set(doc, keys);
    }
    return keys;
  };
  return (a, b) => {
    const ka = keysOf(a);
    const kb = keysOf(b);
    for (let i = 0; i < fields.length; i++) {
      const c = compareKeys(ka[i], kb[i], collation);
      if (c !== 0) return (fields[i] as { desc: boolean }).desc ? -c : c;
    }
    return 0;
  };
}
