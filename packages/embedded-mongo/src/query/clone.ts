import { Binary, BSONRegExp, Code, Timestamp, UUID } from 'bson';
import { bsonTag } from './bson-types.js';
import { setOwn } from './own.js';

/**
 * Deep copy that keeps BSON classes (structuredClone turns ObjectId and friends into plain objects).
 * Immutable BSON values (ObjectId, Int32, Double, Long, Decimal128, MinKey, MaxKey) are shared.
 */
export function deepClone<T>(v: T): T {
  return cloneValue(v) as T;
}

function cloneValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = cloneValue(v[i]);
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = proto === null ? Object.create(null) : {};
    for (const k of Object.keys(v)) setOwn(out, k, cloneValue((v as Record<string, unknown>)[k]));
    return out;
  }
  if (v instanceof Date) return new Date(v.getTime());
  if (v instanceof RegExp) return new RegExp(v.source, v.flags);
  if (v instanceof Uint8Array) return Buffer.from(v);
  switch (bsonTag(v)) {
    case 'Binary': {
      const b = v as Binary;
      const bytes = Buffer.from(b.buffer.subarray(0, b.position));
      return b instanceof UUID ? new UUID(bytes) : new Binary(bytes, b.sub_type);
    }
    case 'BSONRegExp': {
      const r = v as BSONRegExp;
      return new BSONRegExp(r.pattern, r.options);
    }
    case 'Timestamp': {
      const t = v as Timestamp;
      return new Timestamp({ t: t.t, i: t.i });
    }
    case 'Code': {
      const c = v as Code;
      return new Code(c.code, c.scope ? (cloneValue(c.scope) as Record<string, unknown>) : null);
    }
    // ObjectId, Int32, Double, Long, Decimal128, MinKey, MaxKey are never mutated: share them.
    default:
      return v;
  }
}
