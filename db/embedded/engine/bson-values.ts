import { BSON, type Document } from 'bson';

const INT32_MIN = -0x80000000;
const INT32_MAX = 0x7fffffff;

/**
 * Decodes BSON so that encoding the result again gives the same types: Int32 becomes a plain
 * number (it serializes back to int32), a Double keeps its class only when a plain number would
 * come back as int32 (5.0, -0), Long stays Long, and regexes with flags JavaScript cannot carry
 * stay BSONRegExp. (Same rules as the storage codec, so recovered and live documents agree.)
 */
export function decodeBson(bytes: Uint8Array): Document {
  return normalize(BSON.deserialize(bytes, { promoteValues: false, bsonRegExp: true })) as Document;
}

function normalize(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = normalize(v[i]);
    return v;
  }
  const type = (v as { _bsontype?: string })._bsontype;
  if (type === undefined) {
    if (v instanceof Date) return v;
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) o[k] = normalize(o[k]);
    return o;
  }
  switch (type) {
    case 'Int32':
      return (v as { value: number }).value;
    case 'Double': {
      const n = (v as { value: number }).value;
      const wouldBecomeInt32 = Number.isSafeInteger(n) && n >= INT32_MIN && n <= INT32_MAX;
      return wouldBecomeInt32 || Object.is(n, -0) ? v : n;
    }
    case 'BSONRegExp': {
      const { pattern, options } = v as { pattern: string; options: string };
      if (/^[im]*$/.test(options)) {
        try {
          return new RegExp(pattern, options);
        } catch {
          return v;
        }
      }
      return v;
    }
    default:
      return v;
  }
}
