import type { Document } from 'bson';
import { isPlainObject } from './bson-types.js';
import { compileFilter } from './filter.js';
import { getOwn, setOwn } from './own.js';
import { getPath } from './paths.js';

/** Top-level conditions of a query, with `$and` branches flattened. */
function conditions(query: Document, out: [string, unknown][] = []): [string, unknown][] {
  for (const key of Object.keys(query)) {
    if (key === '$and' && Array.isArray(query.$and)) {
      for (const branch of query.$and) if (isPlainObject(branch)) conditions(branch, out);
    } else if (!key.startsWith('$')) {
      out.push([key, query[key]]);
    }
  }
  return out;
}

/** A copy of `doc` whose value at `parts` is `value` (copying only the objects on the way). */
function withValueAt(doc: Document, parts: readonly string[], value: unknown): Document {
  const [head, ...rest] = parts as [string, ...string[]];
  const copy: Document = { ...doc };
  const child = getOwn(doc, head);
  const inner = isPlainObject(child) ? child : {};
  setOwn(copy, head, rest.length === 0 ? value : withValueAt(inner, rest, value));
  return copy;
}

/**
 * The index of the first element of the array at `arrayParts` that satisfies the query's
 * conditions on that array: what the positional `$` refers to. -1 when there is none.
 */
export function matchedArrayIndex(
  doc: Document,
  arrayParts: readonly string[],
  query: Document | undefined,
  collation?: (a: string, b: string) => number
): number {
  if (!query) return -1;
  const arr = getPath(doc, arrayParts);
  if (!Array.isArray(arr)) return -1;
  const prefix = arrayParts.join('.');
  const relevant = conditions(query).filter(([k]) => k === prefix || k.startsWith(prefix + '.'));
  if (relevant.length === 0) return -1;
  const pred = compileFilter(Object.fromEntries(relevant), undefined, collation);
  for (let i = 0; i < arr.length; i++) {
    if (pred(withValueAt(doc, arrayParts, [arr[i]]))) return i;
  }
  return -1;
}
