import type { Document } from 'bson';
import { isPlainObject } from './bson-types.js';
import { getOwn } from './own.js';

/** Splits a dotted path once; callers cache the result. */
export function splitPath(path: string): string[] {
  return path.split('.');
}

function isIndex(part: string): boolean {
  return part.length > 0 && part.length < 10 && /^\d+$/.test(part);
}

/**
 * Values reached by `parts` the way the query matcher sees them: arrays met on the way are
 * traversed element by element (and a numeric part also indexes into them); a missing field
 * yields `undefined`. Leaf arrays are returned whole (the matcher expands them itself).
 */
export function collectLeaves(
  value: unknown,
  parts: readonly string[],
  i = 0,
  out: unknown[] = []
): unknown[] {
  if (i === parts.length) {
    out.push(value);
    return out;
  }
  const part = parts[i] as string;
  if (Array.isArray(value)) {
    if (isIndex(part)) {
      const idx = Number(part);
      if (idx < value.length) collectLeaves(value[idx], parts, i + 1, out);
    }
    for (const el of value) {
      if (isPlainObject(el)) collectLeaves(getOwn(el, part), parts, i + 1, out);
      else if (!isIndex(part)) out.push(undefined);
    }
    if (value.length === 0) out.push(undefined);
    return out;
  }
  if (isPlainObject(value)) return collectLeaves(getOwn(value, part), parts, i + 1, out);
  out.push(undefined);
  return out;
}

/** The value at a dotted path without array traversal (numeric parts index arrays); undefined if absent. */
export function getPath(doc: unknown, parts: readonly string[]): unknown {
  let cur: unknown = doc;
  for (const part of parts) {
    if (Array.isArray(cur)) {
      if (!isIndex(part)) return undefined;
      cur = cur[Number(part)];
    } else if (isPlainObject(cur)) {
      cur = getOwn(cur, part);
    } else {
      return undefined;
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

/**
 * Index keys of `doc` at a dotted path: arrays on the way are traversed and a leaf array gives its
 * elements (a multikey index); an empty leaf array gives `undefined`; a missing field gives [].
 */
export function getPathValues(doc: Document, path: string): unknown[] {
  const out: unknown[] = [];
  for (const leaf of collectLeaves(doc, splitPath(path))) {
    if (Array.isArray(leaf)) {
      if (leaf.length === 0) out.push(undefined);
      else out.push(...leaf);
    } else if (leaf !== undefined) {
      out.push(leaf);
    }
  }
  return out;
}

export { isIndex };
