import { Binary, Decimal128, Double, Int32, Long, ObjectId, type Document } from 'bson';
import type { Collection } from './collection.js';
import { encodeKey } from './key-encoding.js';

/** Values whose equality match is exactly "index key equals" (no arrays, documents, null...). */
function isPlainScalar(v: unknown): boolean {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return true;
  return (
    v instanceof ObjectId ||
    v instanceof Date ||
    v instanceof Long ||
    v instanceof Int32 ||
    v instanceof Double ||
    v instanceof Decimal128 ||
    v instanceof Binary
  );
}

/** The scalar values `cond` requires a field to equal one of; undefined for other conditions. */
function equalityValues(cond: unknown): unknown[] | undefined {
  if (isPlainScalar(cond)) return [cond];
  if (cond === null || typeof cond !== 'object' || Array.isArray(cond)) return undefined;
  const c = cond as Document;
  const ops = Object.keys(c);
  if (ops.length === 0 || !ops.every((k) => k.startsWith('$'))) return undefined;
  if ('$eq' in c && isPlainScalar(c.$eq)) return [c.$eq];
  if ('$in' in c && Array.isArray(c.$in) && c.$in.length <= 1000 && c.$in.every(isPlainScalar))
    return c.$in;
  return undefined;
}

/** Field -> equality values required by the filter's top level and its `$and` branches. */
function collectEqualities(filter: Document, out: Map<string, unknown[]>): void {
  for (const [field, cond] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(cond)) {
      for (const branch of cond)
        if (branch && typeof branch === 'object') collectEqualities(branch as Document, out);
      continue;
    }
    if (field.startsWith('$')) continue;
    const vals = equalityValues(cond);
    if (vals && !out.has(field)) out.set(field, vals);
  }
}

/** How a query finds its candidates: the `_id` map, one index, or a full scan (no index). */
export interface AccessPlan {
  /** `_id_`, another index's name, or undefined for a collection scan. */
  index?: string;
  /** `_id` keys to fetch; undefined for a scan. */
  keys?: Set<string>;
}

/**
 * Picks the `_id` map or the index whose first field the filter pins to a value and which
 * yields the fewest candidates; a scan when no index narrows the search.
 */
export function planAccess(coll: Collection, filter: Document): AccessPlan {
  const eq = new Map<string, unknown[]>();
  collectEqualities(filter, eq);
  if (eq.size === 0) return {};
  const ids = eq.get('_id');
  if (ids) return { index: '_id_', keys: new Set(ids.map(encodeKey)) };
  let best: AccessPlan = {};
  for (const ix of coll.indexes) {
    if (!ix.complete || ix.hidden) continue;
    const vals = eq.get(ix.fields[0]);
    if (!vals) continue;
    const found = new Set<string>();
    for (const v of vals) for (const k of ix.lookupFirst(encodeKey(v))) found.add(k);
    if (!best.keys || found.size < best.keys.size) best = { index: ix.name, keys: found };
    if (found.size <= 1) break;
  }
  return best;
}
