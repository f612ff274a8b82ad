import type { Binary, Document, ObjectId, Timestamp } from 'bson';
import { bsonTag, typeRank } from './bson-types.js';
import { compareNumbers, numberKey } from './numbers.js';

/** Compares strings by Unicode code point, which is the UTF-8 byte order MongoDB uses. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    // UTF-16 order differs from code point order only when a surrogate meets U+E000..U+FFFF.
    if (ca >= 0xd800 && cb >= 0xd800) {
      const pa = a.codePointAt(i) as number;
      const pb = b.codePointAt(i) as number;
      return pa < pb ? -1 : 1;
    }
    return ca < cb ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** The bytes of a Binary (or Buffer/Uint8Array). */
export function binaryBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  const b = v as Binary;
  return b.buffer.subarray(0, b.position);
}

function binarySubtype(v: unknown): number {
  return v instanceof Uint8Array ? 0 : (v as Binary).sub_type;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number) ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

function stringOf(v: unknown): string {
  return typeof v === 'string' ? v : String((v as { value: unknown }).value);
}

function regexParts(v: unknown): [string, string] {
  if (v instanceof RegExp) return [v.source, v.flags];
  const r = v as { pattern: string; options: string };
  return [r.pattern, r.options];
}

function compareObjects(
  a: Document,
  b: Document,
  strings?: (a: string, b: string) => number
): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const fa = ka[i] as string;
    const fb = kb[i] as string;
    const va = a[fa];
    const vb = b[fb];
    // BSONObj::woCompare: canonical type first, then field name, then value.
    const ta = typeRank(va);
    const tb = typeRank(vb);
    if (ta !== tb) return ta < tb ? -1 : 1;
    const byName = compareStrings(fa, fb);
    if (byName !== 0) return byName;
    const byValue = compareValues(va, vb, strings);
    if (byValue !== 0) return byValue;
  }
  return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1;
}

function objectView(v: unknown): Document {
  if (bsonTag(v) === 'DBRef') {
    const r = v as { collection: string; oid: unknown; db?: string };
    return r.db
      ? { $ref: r.collection, $id: r.oid, $db: r.db }
      : { $ref: r.collection, $id: r.oid };
  }
  return v as Document;
}

/**
 * Orders two BSON values the way MongoDB does, across types (-1, 0 or 1). `strings` compares
 * strings under a collation (field names always compare binary, as in mongod).
 */
export function compareValues(
  a: unknown,
  b: unknown,
  strings?: (a: string, b: string) => number
): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 10:
      return compareNumbers(a, b);
    case 15:
      return strings ? strings(stringOf(a), stringOf(b)) : compareStrings(stringOf(a), stringOf(b));
    case 20:
      return compareObjects(objectView(a), objectView(b), strings);
    case 25: {
      const xa = a as unknown[];
      const xb = b as unknown[];
      const n = Math.min(xa.length, xb.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(xa[i], xb[i], strings);
        if (c !== 0) return c;
      }
      return xa.length === xb.length ? 0 : xa.length < xb.length ? -1 : 1;
    }
    case 30: {
      const ba = binaryBytes(a);
      const bb = binaryBytes(b);
      if (ba.length !== bb.length) return ba.length < bb.length ? -1 : 1;
      const sa = binarySubtype(a);
      const sb = binarySubtype(b);
      if (sa !== sb) return sa < sb ? -1 : 1;
      return compareBytes(ba, bb);
    }
    case 35:
      return compareBytes((a as ObjectId).id, (b as ObjectId).id);
    case 40:
      return a === b ? 0 : a ? 1 : -1;
    case 45: {
      const ta = (a as Date).getTime();
      const tb = (b as Date).getTime();
      return ta === tb ? 0 : ta < tb ? -1 : 1;
    }
    case 47: {
      const ta = a as Timestamp;
      const tb = b as Timestamp;
      if (ta.t !== tb.t) return ta.t < tb.t ? -1 : 1;
      return ta.i === tb.i ? 0 : ta.i < tb.i ? -1 : 1;
    }
    case 50: {
      const [pa, fa] = regexParts(a);
      const [pb, fb] = regexParts(b);
      return compareStrings(pa, pb) || compareStrings(fa, fb);
    }
    case 60:
      return compareStrings(
        String((a as { code: unknown }).code),
        String((b as { code: unknown }).code)
      );
    default:
      return 0;
  }
}

/** MongoDB equality: numbers equal across types, BSON classes by value, objects field by field in order. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return compareValues(a, b) === 0;
}

/**
 * A canonical string for index maps: values MongoDB considers equal (1, 1.0, Int32(1), Long(1),
 * Decimal128('1')) give the same key; values of different types give different keys.
 */
export function indexKey(v: unknown): string {
  const rank = typeRank(v);
  switch (rank) {
    case 5:
      return 'N';
    case 10:
      return 'n' + numberKey(v);
    case 15:
      return 's' + JSON.stringify(stringOf(v));
    case 20: {
      const o = objectView(v);
      let s = 'o{';
      for (const k of Object.keys(o)) s += JSON.stringify(k) + ':' + indexKey(o[k]) + ',';
      return s + '}';
    }
    case 25:
      return 'a[' + (v as unknown[]).map(indexKey).join(',') + ']';
    case 30:
      return 'b' + binarySubtype(v) + ':' + Buffer.from(binaryBytes(v)).toString('base64');
    case 35:
      return 'i' + (v as ObjectId).toHexString();
    case 40:
      return v ? 'T' : 'F';
    case 45:
      return 'd' + (v as Date).getTime();
    case 47:
      return 't' + (v as Timestamp).t + ':' + (v as Timestamp).i;
    case 50:
      return 'r' + JSON.stringify(regexParts(v));
    case 60:
      return 'c' + JSON.stringify(String((v as { code: unknown }).code));
    case 1:
      return 'm';
    case 127:
      return 'M';
    default:
      return 'u' + String(v);
  }
}
